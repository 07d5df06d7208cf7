"""Validators and a whole-page cache for the public pages.

Each page computes a `Fingerprint` — a handful of cheap facts about every
record it shows (ids, counts, latest `updated_at`) — before loading those
records. The fingerprint gives the page its ETag and Last-Modified, so a
client whose copy is current gets a 304, and it keys the page cache: any
publish, unpublish, new revision, claim or evidence change, or change to a
cited registry record produces a new fingerprint, hence a new key, so a stale
page is never served and nothing has to be invalidated. Old entries expire.

Only anonymous GETs are answered from or stored in the page cache: never a
request carrying a session or pending messages, never a preview, never a
response that set a cookie or whose content used the request's CSP nonce.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import MD5, Coalesce, Concat
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date
from django.utils.translation import get_language

from articles.models import (
    ArticleAuthor,
    Claim,
    ClaimAnchor,
    Evidence,
    FigureCheck,
    Translation,
)
from organizations.models import Instrument, MembershipEvent, Organization

# Bump when a page changes because code did in a way the release stamp below
# cannot see.
PAGE_CACHE_VERSION = "1"
PAGE_CACHE_SECONDS = 24 * 60 * 60

_BASE_DIR = Path(settings.BASE_DIR)


def _release_stamp() -> tuple[str, datetime.datetime]:
    """A digest and time of the code and templates that write the pages, read once per process.

    A deploy that changes a template, a view or the static files' hashed
    names changes every page's ETag and cache key. The digest is of the
    files' contents, so app servers running the same release agree on it
    (and share cached pages through Redis) whenever their files were copied.
    """
    paths = sorted(
        path
        for path in (
            *(_BASE_DIR / "templates").rglob("*.html"),
            *(_BASE_DIR / "articles").rglob("*.py"),
            *(_BASE_DIR / "organizations").rglob("*.py"),
            Path(settings.STATIC_ROOT or _BASE_DIR / "staticfiles") / "staticfiles.json",
        )
        if path.is_file()
    )
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(_BASE_DIR) if path.is_relative_to(_BASE_DIR) else path.name
        digest.update(str(name).encode())
        digest.update(path.read_bytes())
    newest = max((path.stat().st_mtime for path in paths), default=0)
    return digest.hexdigest()[:16], datetime.datetime.fromtimestamp(int(newest), tz=datetime.UTC)


RELEASE, RELEASED_AT = _release_stamp()


@dataclass(frozen=True)
class Fingerprint:
    """What a page was computed from, and when that last changed."""

    parts: tuple
    last_modified: datetime.datetime

    @classmethod
    def of(cls, *parts, modified=(), dated: bool = False) -> Fingerprint:
        """A fingerprint from `parts` and the latest of the `modified` timestamps.

        `dated` pages show something derived from today's date (a membership
        status today), so they change at midnight even when no record does.
        """
        stamps = [RELEASED_AT, *(stamp for stamp in modified if stamp is not None)]
        if dated:
            today = timezone.localdate()
            parts = (*parts, today.isoformat())
            stamps.append(timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)))
        return cls(parts=parts, last_modified=max(stamps))

    def etag(self, request: HttpRequest) -> str:
        """A strong ETag: the release, the language, the URL and the parts, hashed."""
        material = repr(
            (PAGE_CACHE_VERSION, RELEASE, get_language(), request.get_full_path(), self.parts)
        )
        return f'"{hashlib.sha256(material.encode()).hexdigest()[:32]}"'

    def apply(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Set the validators on `response`; clients keep it but ask again before reusing it.

        The content is the same for every reader, but a shared cache must not
        answer a signed-in reader with an anonymous reader's copy.
        """
        response["ETag"] = self.etag(request)
        response["Last-Modified"] = http_date(self.last_modified.timestamp())
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    def not_modified(self, request: HttpRequest) -> HttpResponse | None:
        """A 304 when the client's copy (If-None-Match, else If-Modified-Since) is current."""
        validators = self.apply(request, HttpResponse())
        answer = get_conditional_response(
            request,
            etag=validators["ETag"],
            last_modified=int(self.last_modified.timestamp()),
            response=validators,
        )
        # Without a condition that holds, Django hands the validators back unchanged.
        return None if answer is validators else answer


# Aggregates as plain functions rather than Django aggregates, so that a
# subquery reads one row without a GROUP BY.


def _latest(queryset: QuerySet, field: str = "updated_at") -> Subquery:
    return Subquery(
        queryset.order_by().values(value=Func(F(field), function="MAX")),
        output_field=DateTimeField(),
    )


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().values(value=Func(F("pk"), function="COUNT")),
        output_field=IntegerField(),
    )


def _highest(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().values(value=Func(F("pk"), function="MAX")),
        output_field=IntegerField(),
    )


def _digest(queryset: QuerySet, group: str, *fields: str) -> Subquery:
    """An MD5 of `fields` of every row of `queryset` (rows of one `group`).

    Content rather than `updated_at`, so that a change written with
    `QuerySet.update` (which leaves `updated_at` alone) still shows. Rows are
    in `pk` order where the database orders within an aggregate; where it
    does not (SQLite), an order that varies could only cost a cache miss.
    """
    ordering = "pk" if connection.features.supports_aggregate_order_by_clause else None
    separator = Value("\x1f")
    row = Concat(
        *(part for field in fields for part in (field, separator)), output_field=CharField()
    )
    digest = (
        queryset.order_by()
        .values(group)
        .annotate(value=MD5(StringAgg(row, delimiter=Value("\x1e"), order_by=ordering)))
        .values("value")
    )
    return Subquery(digest, output_field=CharField())


_ARTICLE_FACTS = (
    "fp_claims_updated",
    "fp_claims",
    "fp_evidence",
    "fp_anchors",
    "fp_bylines",
    "fp_bylines_last",
    "fp_figures",
    "fp_organizations_updated",
    "fp_events_updated",
    "fp_events",
    "fp_instruments_updated",
    "fp_registry_events_updated",
    "fp_registry_events",
    "fp_registry_organizations_updated",
    "fp_registry_organizations",
)
_ARTICLE_STAMPS = (
    "fp_claims_updated",
    "fp_organizations_updated",
    "fp_events_updated",
    "fp_instruments_updated",
    "fp_registry_events_updated",
    "fp_registry_organizations_updated",
)


def _article_facts(slug: str) -> dict:
    """Uncorrelated subqueries describing everything an article page shows besides its versions.

    Claims and their anchors, evidence and bylines; the cited organizations
    (directly or through an event), all of their events (their status today
    derives from them) and the cited instruments. A figure claim is checked
    against the whole registry, so an article with one also depends on the
    registry's latest change; the others skip that scan.
    """
    claims = Claim.objects.filter(article__slug=slug)
    evidence = Evidence.objects.filter(claim__article__slug=slug)
    # One list of ids rather than an OR of two, so that the events are read
    # through their organization index instead of by scanning the table.
    cited_organization_ids = evidence.values(
        cited=Coalesce("organization_id", "event__organization_id")
    )
    cited_organizations = Organization.objects.filter(pk__in=cited_organization_ids)
    their_events = MembershipEvent.objects.filter(organization_id__in=cited_organization_ids)
    instruments = Instrument.objects.filter(
        Q(pk__in=evidence.values("instrument")) | Q(pk__in=evidence.values("event__instrument"))
    )
    anchors = ClaimAnchor.objects.filter(claim__article__slug=slug)
    bylines = ArticleAuthor.objects.filter(article__slug=slug)
    figures = FigureCheck.objects.filter(claim__article__slug=slug)

    def for_figures(expression, output_field):
        return Case(
            When(Exists(figures), then=expression), default=Value(None), output_field=output_field
        )

    return {
        "fp_claims_updated": _latest(claims),
        "fp_claims": _digest(
            claims, "article", "pk", "number", "kind", "verdict", "statement", "note"
        ),
        "fp_evidence": _digest(
            evidence,
            "claim__article",
            "pk",
            "claim_id",
            "organization_id",
            "event_id",
            "instrument_id",
            "relation",
            "note",
        ),
        "fp_anchors": _digest(
            anchors,
            "claim__article",
            "pk",
            "claim_id",
            "translation_id",
            "quote",
            "prefix",
            "suffix",
        ),
        "fp_bylines": _count(bylines),
        "fp_bylines_last": _highest(bylines),
        "fp_figures": _count(figures),
        "fp_organizations_updated": _latest(cited_organizations),
        "fp_events_updated": _latest(their_events),
        "fp_events": _count(their_events),
        "fp_instruments_updated": _latest(instruments),
        "fp_registry_events_updated": for_figures(
            _latest(MembershipEvent.objects.all()), DateTimeField()
        ),
        "fp_registry_events": for_figures(_count(MembershipEvent.objects.all()), IntegerField()),
        "fp_registry_organizations_updated": for_figures(
            _latest(Organization.objects.all()), DateTimeField()
        ),
        "fp_registry_organizations": for_figures(
            _count(Organization.objects.all()), IntegerField()
        ),
    }


# A slug no article has, standing in for the real one while the facts' SQL is compiled.
_SLUG = "\x00slug\x00"
_FACT_FIELDS = {name: DateTimeField() for name in _ARTICLE_STAMPS}


@functools.cache
def _compiled_article_facts(vendor: str) -> dict[str, tuple[str, tuple]]:
    """The SQL of `_article_facts`, compiled once per process and database vendor.

    Building and compiling a score of subqueries costs the ORM several
    milliseconds, more than running them; only the slug changes.
    """
    query = Translation.objects.all().query
    compiler = query.get_compiler(connection=connection)
    compiled = {}
    for name, expression in _article_facts(_SLUG).items():
        sql, params = compiler.compile(expression.resolve_expression(query))
        compiled[name] = (sql, tuple(params))
    return compiled


def _article_fact_annotations(slug: str) -> dict[str, RawSQL]:
    return {
        name: RawSQL(
            sql,
            [slug if param == _SLUG else param for param in params],
            output_field=_FACT_FIELDS.get(name, CharField()),
        )
        for name, (sql, params) in _compiled_article_facts(connection.vendor).items()
    }


def article_versions(*, slug: str) -> tuple[list[Translation], Fingerprint | None]:
    """Every language version of the article `slug` (as `selectors.article_versions`) and the
    fingerprint of its page, in one query; no fingerprint when there is no such article.

    The versions' ids, statuses, live and latest revisions, outdatedness and
    `updated_at` stand for the texts, the outdated notice and the language
    links; the approval of a revision makes it live, so the live revision's id
    stands for it too.
    """
    versions = list(
        Translation.objects.filter(article__slug=slug)
        .with_outdated()
        .select_related("article", "live_revision", "latest_revision")
        .annotate(**_article_fact_annotations(slug))
        .order_by("-is_original", "language")
    )
    if not versions:
        return versions, None
    first = versions[0]
    parts = (
        "article",
        first.article_id,
        first.article.updated_at,
        tuple(
            (
                version.pk,
                version.language,
                version.status,
                version.live_revision_id,
                version.latest_revision_id,
                version.is_outdated,
                version.updated_at,
            )
            for version in versions
        ),
        tuple(getattr(first, name) for name in _ARTICLE_FACTS),
    )
    modified = [
        first.article.updated_at,
        *(version.updated_at for version in versions),
        *(getattr(first, name) for name in _ARTICLE_STAMPS),
    ]
    return versions, Fingerprint.of(*parts, modified=modified, dated=True)


def home_fingerprint(*, language: str) -> Fingerprint:
    """The fingerprint of the home page in `language`: every published version and byline.

    One query over the translations, with their articles and bylines.
    """
    published = Translation.objects.published()
    facts = (
        Translation.objects.order_by()
        .values(
            published=Subquery(
                published.order_by().values(value=Func(F("pk"), function="COUNT")),
                output_field=IntegerField(),
            ),
            live_sum=Subquery(
                published.order_by().values(value=Func(F("live_revision_id"), function="SUM")),
                output_field=IntegerField(),
            ),
            translations_updated=_latest(Translation.objects.all()),
            articles_updated=_latest(Translation.objects.all(), "article__updated_at"),
            bylines=_count(ArticleAuthor.objects.all()),
            bylines_last=_highest(ArticleAuthor.objects.all()),
        )
        .first()
    ) or {}
    return Fingerprint.of(
        "home",
        language,
        tuple(sorted(facts.items())),
        modified=[facts.get("translations_updated"), facts.get("articles_updated")],
    )


# The page cache


def _carries_a_session(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


# Query parameters a cached page may be asked with; any other (a preview, a
# made-up one) is rendered afresh, so that unique query strings cannot crowd
# the pages readers actually visit out of the cache.
PAGE_CACHE_PARAMETERS = frozenset({"page"})


def may_use_page_cache(request: HttpRequest) -> bool:
    """Whether the page cache may answer `request`: an anonymous GET or HEAD of a plain URL.

    A reader with a session (signed in, or with messages waiting) always gets
    a freshly rendered page, and so does a URL with any query parameter
    other than PAGE_CACHE_PARAMETERS (a preview among them).
    """
    return (
        request.method in {"GET", "HEAD"}
        and not _carries_a_session(request)
        and set(request.GET) <= PAGE_CACHE_PARAMETERS
    )


def _key(request: HttpRequest, fingerprint: Fingerprint) -> str:
    return f"page:{fingerprint.etag(request).strip(chr(34))}"


def cached_page(request: HttpRequest, fingerprint: Fingerprint) -> HttpResponse | None:
    """The page stored for this URL and fingerprint, with its validators, or None."""
    if not may_use_page_cache(request):
        return None
    hit = cache.get(_key(request, fingerprint))
    if hit is None:
        return None
    response = HttpResponse(hit["content"], content_type=hit["content_type"])
    return fingerprint.apply(request, response)


def store_page(request: HttpRequest, fingerprint: Fingerprint, response: HttpResponse) -> bool:
    """Keep `response` for anonymous readers when nothing in it belongs to this request alone.

    Not kept: responses other than a plain 200, any that set a cookie or
    asked not to be stored, and any whose content used the request's CSP
    nonce (a cached copy would carry a nonce its header no longer allows) or
    a CSRF token (another reader's form would fail).
    """
    if (
        request.method != "GET"
        or not may_use_page_cache(request)
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or get_nonce(request)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or "no-store" in response.get("Cache-Control", "")
        or "private" in response.get("Cache-Control", "")
        or (getattr(request, "user", None) is not None and request.user.is_authenticated)
    ):
        return False
    cache.set(
        _key(request, fingerprint),
        {"content": response.content, "content_type": response["Content-Type"]},
        PAGE_CACHE_SECONDS,
    )
    return True


def validated_by_content(view):
    """Give a view's 200 responses an ETag of their content and answer 304 to a current copy.

    For pages whose records are too many to fingerprint within their query
    budget (the registry lists and pages): the page is computed as usual, but
    a reader or proxy holding a current copy is sent no body. The ETag is the
    content itself, so it is never stale.
    """

    @functools.wraps(view)
    def validated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method not in {"GET", "HEAD"} or response.status_code != 200:
            return response
        if response.streaming:
            return response
        if callable(getattr(response, "render", None)):
            response.render()
        set_response_etag(response)
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return validated
