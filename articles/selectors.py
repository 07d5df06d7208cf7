"""Reads that public pages and the articles admin assemble across relations.

Each function makes a fixed number of queries whatever the number of rows,
so that the pages built on them keep their query budgets.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles import models
from articles.text.anchors import Quote
from organizations.models import MembershipEvent, Organization, Source

HOME_PAGE_SIZE = 20
OTHER_LANGUAGES_LIMIT = 20
CITED_IN_LIMIT = 25


def bylines_prefetch() -> Prefetch:
    """An article's bylines in order with their authors, as `article.bylines.all()`."""
    return Prefetch("bylines", queryset=models.ArticleAuthor.objects.select_related("author"))


def authors_of(article: models.Article) -> list[models.Author]:
    """The authors of an article whose bylines were prefetched, in byline order."""
    return [byline.author for byline in article.bylines.all()]


def _attach_bylines(translations: Iterable[models.Translation]) -> None:
    from django.db.models import prefetch_related_objects

    articles = {translation.article_id: translation.article for translation in translations}
    prefetch_related_objects(list(articles.values()), bylines_prefetch())


def live_since():
    """When readers started seeing the live revision: its latest approval, else its creation.

    Revisions made live without the workflow (imports) have no approval in
    the review log, so their creation time stands in.
    """
    approved = (
        models.ReviewLog.objects.filter(
            translation=OuterRef("pk"),
            revision=OuterRef("live_revision"),
            action=models.ReviewLog.Action.APPROVE,
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Coalesce(
        Subquery(approved, output_field=DateTimeField()),
        F("live_revision__created_at"),
        output_field=DateTimeField(),
    )


def attach_live_since(translations: Iterable[models.Translation]) -> None:
    """Set `live_since` on translations loaded without it (one query)."""
    translations = list(translations)
    if not translations:
        return
    found = dict(
        models.Translation.objects.filter(pk__in=[translation.pk for translation in translations])
        .annotate(live_since=live_since())
        .values_list("pk", "live_since")
    )
    for translation in translations:
        translation.live_since = found.get(translation.pk)


# Home


@dataclass(frozen=True)
class HomePage:
    """Articles published in the reader's language, a page at a time, and the others."""

    page: Page
    in_other_languages: list[models.Translation]


def _published_for_lists():
    return (
        models.Translation.objects.published()
        .select_related("article", "live_revision")
        .defer("live_revision__body")
    )


def home_page(*, language: str, page_number: str | int | None = 1) -> HomePage:
    """Latest translations published in `language`, then articles readers can see only in others.

    An article published in several other languages is listed once, in its
    original when that is published, else in the first of its languages.
    Each list row carries its article's bylines (`authors_of`).
    """
    in_language = (
        _published_for_lists().filter(language=language).order_by("-first_published_at", "-pk")
    )
    page = Paginator(in_language, HOME_PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    page.object_list = rows
    others: list[models.Translation] = []
    if page.number == 1:
        # The articles with no version in `language`, found once (a hashed
        # anti-join) rather than asked of every published translation in turn,
        # which costs a lookup per row when, as usually, there are none.
        not_here = models.Article.objects.exclude(
            Exists(
                models.Translation.objects.published().filter(
                    article=OuterRef("pk"), language=language
                )
            )
        ).values("pk")
        one_per_article = (
            models.Translation.objects.published()
            .filter(article=OuterRef("article"))
            .order_by("-is_original", "language")
            .values("pk")[:1]
        )
        others = list(
            _published_for_lists()
            .filter(article__in=not_here)
            .filter(pk=Subquery(one_per_article))
            .order_by("-first_published_at", "-pk")[:OTHER_LANGUAGES_LIMIT]
        )
    _attach_bylines([*rows, *others])
    return HomePage(page=page, in_other_languages=others)


# Article page


def article_versions(*, slug: str) -> list[models.Translation]:
    """Every language version of the article `slug`, original first, with `is_outdated`.

    Each carries its article, live and latest revisions and `live_since` (when
    readers started seeing the live revision); one query.
    """
    return list(
        models.Translation.objects.filter(article__slug=slug)
        .with_outdated()
        .select_related("article", "live_revision", "latest_revision")
        .annotate(live_since=live_since())
        .order_by("-is_original", "language")
    )


def load_bylines(article: models.Article) -> list[models.Author]:
    """The article's authors in byline order (one query)."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([article], bylines_prefetch())
    return authors_of(article)


@dataclass
class EvidenceEntry:
    """One linked record under a claim, with the sources that attest it."""

    evidence: models.Evidence
    sources: list[Source] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.evidence.organization_id:
            return "organization"
        if self.evidence.event_id:
            return "event"
        return "instrument"


@dataclass
class ClaimEntry:
    """A claim anchored in the version on the page, and its evidence."""

    claim: models.Claim
    anchor: models.ClaimAnchor
    evidence: list[EvidenceEntry] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.claim.number

    @property
    def quote(self) -> Quote:
        return Quote(self.anchor.quote, self.anchor.prefix, self.anchor.suffix)


def claims_for_page(
    *, translation: models.Translation, language: str, on: datetime.date | None = None
) -> list[ClaimEntry]:
    """The claims anchored in `translation`, in order, with evidence ready to show.

    Organizations (the evidence's own and those of its events) carry
    `local_name` in `language` and their US `status` on `on` (default today);
    every record carries its sources. At most five queries, however many
    claims and records.
    """
    anchors = list(
        models.ClaimAnchor.objects.filter(translation=translation)
        .select_related("claim")
        .order_by("claim__number")
    )
    if not anchors:
        return []
    entries = {anchor.claim_id: ClaimEntry(claim=anchor.claim, anchor=anchor) for anchor in anchors}
    evidence = list(
        models.Evidence.objects.filter(claim_id__in=entries)
        .select_related("event", "event__instrument", "instrument")
        .order_by("pk")
    )
    organization_ids = {item.organization_id for item in evidence if item.organization_id}
    organization_ids |= {item.event.organization_id for item in evidence if item.event_id}
    organizations = {
        organization.pk: organization
        for organization in Organization.objects.filter(pk__in=organization_ids)
        .with_status(on or timezone.localdate())
        .with_local_name(language)
    }
    event_ids = {item.event_id for item in evidence if item.event_id}
    event_sources = _sources_by(MembershipEvent.sources.through, "membershipevent_id", event_ids)
    organization_sources = _sources_by(
        Organization.sources.through,
        "organization_id",
        {item.organization_id for item in evidence if item.organization_id},
    )
    for item in evidence:
        entry = EvidenceEntry(evidence=item)
        if item.organization_id:
            item.organization = organizations[item.organization_id]
            entry.sources = organization_sources.get(item.organization_id, [])
        elif item.event_id:
            item.event.organization = organizations[item.event.organization_id]
            entry.sources = event_sources.get(item.event_id, [])
        entries[item.claim_id].evidence.append(entry)
    return list(entries.values())


def _sources_by(through, key: str, ids: set[int]) -> dict[int, list[Source]]:
    if not ids:
        return {}
    sources: dict[int, list[Source]] = defaultdict(list)
    rows = (
        through.objects.filter(**{f"{key}__in": ids})
        .select_related("source")
        .order_by("source__title", "source_id")
    )
    for row in rows:
        sources[getattr(row, key)].append(row.source)
    return sources


# Organization page


def citing_translations(*, organization: Organization, language: str) -> list[models.Translation]:
    """Published articles whose evidence points at `organization`, one version each.

    Evidence counts when it points at the organization, at one of its
    membership events, or at an instrument under which it has an event. Each
    article is shown in `language` when published in it, else in its original
    when published, else in its first published language. One query.
    """
    evidence = models.Evidence.objects.filter(claim__article=OuterRef("article")).filter(
        Q(organization=organization)
        | Q(event__organization=organization)
        | Q(instrument__events__organization=organization)
    )
    preferred = (
        models.Translation.objects.published()
        .filter(article=OuterRef("article"))
        .order_by(
            Case(
                When(language=language, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-is_original",
            "language",
        )
        .values("pk")[:1]
    )
    return list(
        _published_for_lists()
        .filter(Exists(evidence), pk=Subquery(preferred))
        .order_by("-first_published_at", "-pk")[:CITED_IN_LIMIT]
    )
