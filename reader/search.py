"""Reader search across published articles and the registry.

Only live text is ever searched: the documents `articles.search_index` keeps
hold each published translation's live revision. The database picks the path:

- PostgreSQL: full-text search over a weighted vector (title A, standfirst
  B, body C) with the `simple` configuration, which splits every language
  the same way, on spaces and punctuation; or a case-insensitive substring
  match, served by a trigram index, which is what finds words in Chinese and
  other scripts written without spaces. Articles rank by full-text rank plus
  the trigram word similarity of their title. When no registry name contains
  the query, names similar to it by trigram word similarity match instead,
  so misspelled names are found.
- Other databases (SQLite): the substring match alone. A query that occurs
  verbatim in a text finds the same articles on both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Upper
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from articles.models import Translation
from articles.search_index import (
    PART_SEPARATOR,
    SEARCH_CONFIG,
    fold,
    normalise_query,
    uses_postgresql,
)
from organizations.models import Organization, OrganizationName

ARTICLES_PER_PAGE = 20
# The largest row offset a page may ask for (PostgreSQL's is a 64-bit integer).
MAX_OFFSET = 2**62
REGISTRY_LIMIT = 20
QUERY_MAX_LENGTH = 200
SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 240
# How far a snippet edge may move to avoid cutting a word in half.
WORD_SLACK = 20
ELLIPSIS = "…"


def search_articles(*, query: str, language: str | None = None) -> QuerySet[Translation]:
    """Published translations whose live text matches `query`, best match first.

    `language` narrows them to one language version. Rows carry only what a
    result shows: the article's slug, the live revision's title and the
    `search_document` text that `snippet` works from, so a page of rows costs
    one query.
    """
    query = normalise_query(query)
    if not query:
        return Translation.objects.none()
    translations = (
        Translation.objects.published()
        .filter(search_document__revision=F("live_revision"))
        .select_related("article", "live_revision", "search_document")
        # Only what a result shows: bodies and vectors are large.
        .only(
            "language",
            "is_original",
            "first_published_at",
            "article__slug",
            "article__original_language",
            "live_revision__title",
            "search_document__revision",
            "search_document__text",
            "search_document__body_start",
        )
    )
    if language:
        translations = translations.filter(language=language)
    substring = Q(search_document__folded_text__contains=fold(query))
    if uses_postgresql():
        full_text = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        translations = translations.filter(Q(search_document__vector=full_text) | substring)
        rank = SearchRank(F("search_document__vector"), full_text) + TrigramWordSimilarity(
            query, "live_revision__title"
        )
    else:
        translations = translations.filter(substring)
        rank = Case(
            When(live_revision__title__icontains=query, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return translations.annotate(rank=rank).order_by("-rank", "-first_published_at", "-pk")


def registry_matches(*, query: str) -> QuerySet[Organization]:
    """Organizations whose name, an alias or an acronym in any language matches `query`.

    A name matches when it contains the query and an acronym when it equals
    it, ignoring case, as in `Organization.objects.search`. On PostgreSQL,
    when nothing matches so, names that are similar by trigram word
    similarity match instead, which is how misspelled names are found without
    burying exact matches under near ones. Unordered, for counting;
    `search_registry` ranks them.
    """
    query = normalise_query(query)
    if not query:
        return Organization.objects.none()
    # Id lists that each use their table's indexes, rather than one OR of
    # conditions across tables that would read every organization.
    exact = Q(name__icontains=query) | Q(acronym__iexact=query)
    exact_own = Organization.objects.filter(exact).values("pk")
    exact_alias = OrganizationName.objects.filter(exact).values("organization_id")
    matches = Q(pk__in=exact_own) | Q(pk__in=exact_alias)
    if uses_postgresql():
        # UPPER(name), like `icontains`, so that one trigram index serves both
        # (trigrams ignore case anyway). The database tests "nothing matched
        # exactly" once and then skips the similarity search altogether.
        similar = Q(TrigramWordSimilar(Upper("name"), query))
        matches |= (
            ~Exists(exact_own)
            & ~Exists(exact_alias)
            & (
                Q(pk__in=Organization.objects.filter(similar).values("pk"))
                | Q(pk__in=OrganizationName.objects.filter(similar).values("organization_id"))
            )
        )
    return Organization.objects.filter(matches)


def _registry_rank(query: str):
    acronym = Case(
        When(
            Q(acronym__iexact=query)
            | Exists(
                OrganizationName.objects.filter(organization=OuterRef("pk"), acronym__iexact=query)
            ),
            then=Value(1.0),
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if not uses_postgresql():
        return acronym
    return acronym + TrigramSimilarity("name", query)


def search_registry(
    *, query: str, language: str | None = None, limit: int | None = REGISTRY_LIMIT
) -> QuerySet[Organization]:
    """The `limit` best of `registry_matches`: exact acronyms first, then the closest names.

    On PostgreSQL names then rank by trigram similarity to the query. Ranking
    looks at acronyms in every language but at the English name only, which
    keeps it cheap however many organizations match. Rows carry `status`
    (US membership today), `rank` and prefetched names, for `display_name` in
    `language` (default: the active one). The status is worked out for the
    rows shown only.
    """
    query = normalise_query(query)
    if not query:
        return Organization.objects.none()
    language = language or get_language() or settings.LANGUAGE_CODE
    rank = _registry_rank(query)
    best = registry_matches(query=query).annotate(rank=rank).order_by("-rank", "name", "pk")
    if limit is not None:
        best = Organization.objects.filter(pk__in=best.values("pk")[:limit])
    return (
        best.with_status()
        .with_local_name(language)
        .prefetch_related("names")
        .annotate(rank=rank)
        .order_by("-rank", "local_name", "pk")
    )


def _page_with_count(queryset: QuerySet, *, number: str | int | None, per_page: int) -> Page:
    """Page `number` of `queryset` and the total count, in one query (a window count).

    Raises `PageNotAnInteger` or `EmptyPage` as `Paginator.page` does; the
    first page of nothing is an empty page.
    """
    try:
        number = int(number or 1)
    except (TypeError, ValueError) as error:
        raise PageNotAnInteger(_("That page number is not an integer")) from error
    if number < 1:
        raise EmptyPage(_("That page number is less than 1"))
    offset = (number - 1) * per_page
    if offset + per_page > MAX_OFFSET:
        # Past any result there can be, and past what a database offset holds.
        raise EmptyPage(_("That page contains no results"))
    rows = list(queryset.annotate(total=Window(Count("pk")))[offset : offset + per_page])
    if not rows and number > 1:
        raise EmptyPage(_("That page contains no results"))
    paginator = Paginator(queryset, per_page)
    # The count came with the rows; setting it spares the paginator a query.
    paginator.count = rows[0].total if rows else 0
    return Page(rows, number, paginator)


# Presenting results


def _pattern(terms: Iterable[str], *, whole_words: bool) -> re.Pattern[str] | None:
    alternatives = sorted({term for term in terms if term}, key=len, reverse=True)
    if not alternatives:
        return None
    pattern = "|".join(re.escape(term) for term in alternatives)
    if whole_words:
        pattern = rf"(?<!\w)(?:{pattern})(?!\w)"
    return re.compile(pattern, re.IGNORECASE)


def _snippet_patterns(query: str) -> list[re.Pattern[str]]:
    # Best first: the query as typed, then its words; each as whole words
    # first (so that "WHO" does not stop at "wholesale"), then anywhere, which
    # is how words are found in scripts written without spaces.
    normalised = normalise_query(query)
    terms = query_terms(normalised)
    phrases = [normalised] if normalised == " ".join(terms) else [normalised, " ".join(terms)]
    patterns = []
    for phrase in phrases:
        patterns += [_pattern([phrase], whole_words=True), _pattern([phrase], whole_words=False)]
    patterns += [_pattern(terms, whole_words=True), _pattern(terms, whole_words=False)]
    return [pattern for pattern in patterns if pattern is not None]


def query_terms(query: str) -> list[str]:
    """The words a query asks for, read as web search syntax reads them.

    Quotes and the word "or" are syntax; a word after a minus sign is one the
    reader does not want, so it is left out.
    """
    terms = []
    for word in normalise_query(query).replace('"', " ").split():
        if word.startswith("-") or word.lower() == "or":
            continue
        terms.append(word)
    return terms


def _find(text: str, pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
    return pattern.search(text, start) or (pattern.search(text) if start else None)


def snippet(*, text: str, query: str, start: int = 0) -> SafeString:
    """A few lines of `text` around the first match of `query`, matches in `<mark>`.

    Looks for the whole query, else for any of its words (whole words before
    parts of words), in the body (from `start`) and then in the title and
    standfirst. Everything but the marks is escaped. Without any match (a
    full-text hit on another form of a word) the snippet is the beginning of
    the body. Lengths are counted in columns, a Chinese character taking two,
    so that snippets take about as much room in every script.
    """
    match = None
    pattern = None
    for candidate in _snippet_patterns(query):
        if (match := _find(text, candidate, start)) is not None:
            pattern = candidate
            break
    if match is None:
        begin = start if start < len(text) else 0
        end = _word_end(text, _forward(text, begin, SNIPPET_LENGTH), minimum=begin)
        return _render(text, begin, end, None, cut_before=False)
    region = start if match.start() >= start else 0
    begin = _back(text, match.start(), SNIPPET_BEFORE, floor=region)
    if begin > region:
        begin = _word_start(text, begin, maximum=match.start())
    end = _word_end(
        text, max(_forward(text, begin, SNIPPET_LENGTH), match.end()), minimum=match.end()
    )
    return _render(text, begin, end, pattern, cut_before=begin > region)


def _columns(character: str) -> int:
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def _back(text: str, index: int, columns: int, *, floor: int) -> int:
    while index > floor and columns > 0:
        index -= 1
        columns -= _columns(text[index])
    return index


def _forward(text: str, index: int, columns: int) -> int:
    while index < len(text) and columns > 0:
        columns -= _columns(text[index])
        index += 1
    return index


def _word_start(text: str, begin: int, *, maximum: int) -> int:
    space = text.find(" ", begin, min(begin + WORD_SLACK, maximum))
    return space + 1 if space != -1 else begin


def _word_end(text: str, end: int, *, minimum: int) -> int:
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", max(end - WORD_SLACK, minimum), end)
    return space if space != -1 else end


def _render(
    text: str, begin: int, end: int, pattern: re.Pattern[str] | None, *, cut_before: bool
) -> SafeString:
    pieces = [ELLIPSIS] if cut_before else []
    position = begin
    if pattern is not None:
        for found in pattern.finditer(text, begin, end):
            pieces.append(escape(_one_line(text[position : found.start()])))
            pieces.append(f"<mark>{escape(_one_line(found.group()))}</mark>")
            position = found.end()
    pieces.append(escape(_one_line(text[position:end])))
    if end < len(text):
        pieces.append(ELLIPSIS)
    # Every piece of text was escaped above; only the marks are markup.
    return mark_safe("".join(pieces))


def _one_line(text: str) -> str:
    return text.replace(PART_SEPARATOR, " ")


@dataclass(frozen=True)
class ArticleResult:
    """One article found: the language version, where it is, and the words around the match."""

    translation: Translation
    title: str
    url: str
    language: str
    language_name: str
    bidi: bool
    snippet: SafeString


@dataclass(frozen=True)
class RegistryResult:
    """One organization found, and the name that matched when readers would not see it."""

    organization: Organization
    name: str
    matched_name: str
    matched_language: str


@dataclass(frozen=True)
class SearchResults:
    """One page of article results and, on the first page, the registry's."""

    query: str
    page: Page
    articles: list[ArticleResult]
    registry: list[RegistryResult]
    registry_count: int

    @property
    def article_count(self) -> int:
        return self.page.paginator.count


def article_results(translations: Iterable[Translation], *, query: str) -> list[ArticleResult]:
    """Rows of `search_articles` as results, each with its snippet; no queries."""
    language_names = dict(settings.LANGUAGES)
    results = []
    for translation in translations:
        document = translation.search_document
        results.append(
            ArticleResult(
                translation=translation,
                title=translation.live_revision.title,
                url=translation.get_absolute_url(),
                language=translation.language,
                language_name=language_names.get(translation.language, translation.language),
                bidi=get_language_info(translation.language)["bidi"],
                snippet=snippet(text=document.text, query=query, start=document.body_start),
            )
        )
    return results


def registry_results(
    organizations: Iterable[Organization], *, query: str, language: str
) -> list[RegistryResult]:
    """Rows of `search_registry` as results, naming the alias that matched; no queries."""
    needle = normalise_query(query).casefold()
    results = []
    for organization in organizations:
        name = organization.display_name(language)
        aliases = organization.names.all()
        matched = next(
            (alias for alias in aliases if needle in alias.name.casefold()),
            next((alias for alias in aliases if needle == alias.acronym.casefold()), None),
        )
        shown = matched is not None and matched.name != name and needle not in name.casefold()
        results.append(
            RegistryResult(
                organization=organization,
                name=name,
                matched_name=matched.name if shown else "",
                matched_language=matched.language if shown else "",
            )
        )
    return results


def search_page(
    *, query: str, language: str | None = None, page_number: str | int | None = 1
) -> SearchResults:
    """Everything the search page shows, in a fixed number of queries.

    Articles come a page at a time; the registry's best matches come with the
    first page only. An invalid or out-of-range page raises
    `django.core.paginator.InvalidPage`.
    """
    query = normalise_query(query)
    reader_language = get_language() or settings.LANGUAGE_CODE
    page = _page_with_count(
        search_articles(query=query, language=language),
        number=page_number,
        per_page=ARTICLES_PER_PAGE,
    )
    articles = article_results(page.object_list, query=query)
    registry: list[RegistryResult] = []
    registry_count = 0
    if page.number == 1:
        registry_count = registry_matches(query=query).count()
        if registry_count:
            registry = registry_results(
                search_registry(query=query, language=reader_language),
                query=query,
                language=reader_language,
            )
    return SearchResults(
        query=query,
        page=page,
        articles=articles,
        registry=registry,
        registry_count=registry_count,
    )
