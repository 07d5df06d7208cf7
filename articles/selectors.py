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
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import (
    Article,
    Claim,
    ClaimAnchor,
    Evidence,
    ReviewLog,
    Translation,
)
from articles.text.anchors import Quote
from organizations.models import MembershipEvent, Organization, Source

HOME_PAGE_SIZE = 20
OTHER_LANGUAGES_LIMIT = 20
CITED_IN_LIMIT = 25


def live_since():
    """When readers started seeing the live revision: its latest approval, else its creation.

    Revisions made live without the workflow (imports) have no approval in
    the review log, so their creation time stands in.
    """
    approved = (
        ReviewLog.objects.filter(
            translation=OuterRef("pk"),
            revision=OuterRef("live_revision"),
            action=ReviewLog.Action.APPROVE,
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Coalesce(
        Subquery(approved, output_field=DateTimeField()),
        F("live_revision__created_at"),
        output_field=DateTimeField(),
    )


def attach_live_since(translations: Iterable[Translation]) -> None:
    """Set `live_since` on translations loaded without it (one query)."""
    translations = list(translations)
    if not translations:
        return
    found = dict(
        Translation.objects.filter(pk__in=[translation.pk for translation in translations])
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
    in_other_languages: list[Translation]


def _published_for_lists():
    """Published versions with their live text's title and the bylines readers see."""
    return (
        Translation.objects.published()
        .select_related("article", "live_revision", "live_claim_set")
        .defer("live_revision__body")
    )


def home_page(*, language: str, page_number: str | int | None = 1) -> HomePage:
    """Latest translations published in `language`, then articles readers can see only in others.

    An article published in several other languages is listed once, in its
    original when that is published, else in the first of its languages.
    Each list row carries the bylines its readers see (`live_claim_set.authors`).
    """
    in_language = (
        _published_for_lists().filter(language=language).order_by("-first_published_at", "-pk")
    )
    page = Paginator(in_language, HOME_PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    page.object_list = rows
    others: list[Translation] = []
    if page.number == 1:
        # The articles with no version in `language`, found once (a hashed
        # anti-join) rather than asked of every published translation in turn,
        # which costs a lookup per row when, as usually, there are none.
        not_here = Article.objects.exclude(
            Exists(
                Translation.objects.published().filter(article=OuterRef("pk"), language=language)
            )
        ).values("pk")
        one_per_article = (
            Translation.objects.published()
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
    return HomePage(page=page, in_other_languages=others)


# Article page


def article_versions(*, slug: str) -> list[Translation]:
    """Every language version of the article `slug`, original first, with `is_outdated`.

    Each carries its article, live and latest revisions and `live_since` (when
    readers started seeing the live revision); one query.
    """
    return list(
        Translation.objects.filter(article__slug=slug)
        .with_outdated()
        .select_related("article", "live_revision", "latest_revision", "live_claim_set")
        .annotate(live_since=live_since())
        .order_by("-is_original", "language")
    )


@dataclass
class EvidenceEntry:
    """One linked record under a claim, with the sources that attest it."""

    evidence: Evidence
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

    claim: Claim
    anchor: ClaimAnchor
    evidence: list[EvidenceEntry] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.claim.number

    @property
    def quote(self) -> Quote:
        return Quote(self.anchor.quote, self.anchor.prefix, self.anchor.suffix)


def claims_for_page(
    *,
    translation: Translation,
    language: str,
    on: datetime.date | None = None,
    working: bool = False,
) -> list[ClaimEntry]:
    """The claims anchored in `translation` that its readers see, in order, with evidence.

    Readers see the claim set a moderator approved for this version (none
    before the first approval); `working` shows the working copy instead,
    for staff previewing what is not approved yet. Organizations (the
    evidence's own and those of its events) carry `local_name` in `language`
    and their US `status` on `on` (default today); every record carries its
    sources. At most five queries, however many claims and records.
    """
    if working:
        shown = ClaimAnchor.objects.filter(claim__claim_set__isnull=True)
    elif translation.live_claim_set_id is None:
        return []
    else:
        shown = ClaimAnchor.objects.filter(claim__claim_set_id=translation.live_claim_set_id)
    anchors = list(
        shown.filter(translation=translation).select_related("claim").order_by("claim__number")
    )
    if not anchors:
        return []
    entries = {anchor.claim_id: ClaimEntry(claim=anchor.claim, anchor=anchor) for anchor in anchors}
    evidence = list(
        Evidence.objects.filter(claim_id__in=entries)
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


def citing_translations(*, organization: Organization, language: str) -> list[Translation]:
    """Published articles whose evidence points at `organization`, one version each.

    Evidence counts when it points at the organization, at one of its
    membership events, or at an instrument under which it has an event. Each
    article is shown in `language` when published in it, else in its original
    when published, else in its first published language. One query.
    """
    # Evidence readers see: in the claims live for a version of the article.
    live_sets = (
        Translation.objects.published()
        .filter(article=OuterRef(OuterRef("article")))
        .values("live_claim_set")
    )
    evidence = Evidence.objects.filter(claim__claim_set__in=live_sets).filter(
        Q(organization=organization)
        | Q(event__organization=organization)
        | Q(instrument__events__organization=organization)
    )
    preferred = (
        Translation.objects.published()
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
