"""Reads for the moderators' review desk: the queue, the review page and the editors' desk.

Everything here only reads; state changes go through `articles.workflow`.
The queue and the editors' desk make a fixed number of queries however many
translations they list.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from articles import checks, claimsets, workflow
from articles.models import (
    Claim,
    ClaimAnchor,
    Evidence,
    EvidenceChange,
    FigureCheck,
    ReviewLog,
    Revision,
    Translation,
)
from articles.text.anchors import AnchorState, Quote, plain_text, resolve
from articles.text.diff import ParagraphChange, ParagraphChangeKind, diff_html, paragraph_diff
from articles.text.rendering import claim_marks, render_body
from organizations.models import Instrument, MembershipEvent, Organization

Status = Translation.Status
Action = ReviewLog.Action

# What moderators say to editors; edits and submissions are the editors' own.
MODERATOR_ACTIONS = (Action.REQUEST_CHANGES, Action.APPROVE, Action.UNPUBLISH)


# The queue ------------------------------------------------------------------


@dataclass(frozen=True)
class QueueEntry:
    """One translation waiting for a moderator, as the current user sees it."""

    translation: Translation
    problem_count: int
    own_submission: bool
    wrote_part: bool
    original_published: bool

    @property
    def submitted_ago(self) -> str:
        """How long it has waited, to the largest unit ("3 days")."""
        submitted_at = self.translation.submitted_at
        return timesince(submitted_at, depth=1) if submitted_at is not None else ""

    @property
    def four_eyes_blocked(self) -> bool:
        """Whether the current user is barred from approving by the four-eyes rule."""
        return self.own_submission or self.wrote_part

    @property
    def may_approve(self) -> bool:
        """Whether approving would succeed for the current user right now."""
        return not self.four_eyes_blocked and self.problem_count == 0 and self.original_published


def _original_of_outer() -> QuerySet[Translation]:
    return Translation.objects.filter(article=OuterRef("article"), is_original=True)


def translations_in_review(*, user: AbstractBaseUser) -> QuerySet[Translation]:
    """Translations in review, oldest submission first, annotated for `user`'s queue.

    Annotations: `is_outdated`; `original_is_published`; `written_by_user`,
    whether `user` wrote a revision since the last approved one, which the
    four-eyes rule forbids them to approve.
    """
    return workflow.with_four_eyes(
        Translation.objects.in_review().with_outdated(), user=user
    ).annotate(
        original_is_published=Exists(_original_of_outer().filter(live_revision__isnull=False)),
    )


def review_queue(*, user: AbstractBaseUser) -> list[QueueEntry]:
    """Every translation in review with what the queue shows about it, in three queries."""
    translations = list(translations_in_review(user=user))
    counts = problem_counts(translations)
    return [
        QueueEntry(
            translation=translation,
            problem_count=counts[translation.pk],
            own_submission=translation.submitted_by_id == user.pk,
            wrote_part=translation.written_by_user,
            original_published=translation.is_original or translation.original_is_published,
        )
        for translation in translations
    ]


def problem_counts(translations: Sequence[Translation]) -> dict[int, int]:
    """How many problems block each translation, as `articles.checks` finds them.

    The translations come with their latest revision loaded, so the check
    reads only the claims and anchors of their articles (two queries).
    """
    return {pk: len(check.blocking) for pk, check in checks.check_versions(translations).items()}


def outdated_published_translations() -> QuerySet[Translation]:
    """Published translations made from an older original than the live one.

    Annotates `original_live_number`, the number of the original's live
    revision; the translation's own source is `live_revision.source_revision`.
    """
    original_live_number = _original_of_outer().values("live_revision__number")[:1]
    return (
        Translation.objects.published()
        .outdated()
        .select_related("article", "live_revision__source_revision", "latest_revision")
        .annotate(original_live_number=Subquery(original_live_number))
        .order_by("article__slug", "language")
    )


@dataclass(frozen=True)
class EvidenceChangedEntry:
    """A published translation whose cited registry records changed since it was approved."""

    translation: Translation
    changes: list[EvidenceChange]


def evidence_changed_translations() -> list[EvidenceChangedEntry]:
    """Published translations with open evidence changes, each with its flags (one query)."""
    entries: dict[int, EvidenceChangedEntry] = {}
    for change in EvidenceChange.objects.on_published():
        entry = entries.get(change.translation_id)
        if entry is None:
            entry = entries[change.translation_id] = EvidenceChangedEntry(change.translation, [])
        entry.changes.append(change)
    return list(entries.values())


# The editors' desk ----------------------------------------------------------


@dataclass(frozen=True)
class DeskEntry:
    """One of the user's translations with the moderators' latest word on it."""

    translation: Translation
    latest_comment: ReviewLog | None


@dataclass(frozen=True)
class Desk:
    changes_requested: list[DeskEntry]
    in_review: list[DeskEntry]
    drafts: list[DeskEntry]

    @property
    def is_empty(self) -> bool:
        return not (self.changes_requested or self.in_review or self.drafts)


def editors_desk(*, user: AbstractBaseUser) -> Desk:
    """The translations `user` is working on, in two queries.

    Theirs are those whose latest revision they wrote or that they submitted,
    while not published: drafts, in review and with changes requested.
    """
    latest_comment = (
        ReviewLog.objects.filter(translation=OuterRef("pk"), action__in=MODERATOR_ACTIONS)
        .exclude(comment="")
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    translations = list(
        Translation.objects.for_editing()
        .with_outdated()
        .filter(
            Q(submitted_by=user.pk) | Q(latest_revision__created_by=user.pk),
            status__in=(Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED),
        )
        .annotate(latest_comment_pk=Subquery(latest_comment))
        .order_by("-updated_at", "-pk")
    )
    comment_pks = {t.latest_comment_pk for t in translations if t.latest_comment_pk}
    comments = ReviewLog.objects.with_actors().in_bulk(comment_pks) if comment_pks else {}
    sections: dict[str, list[DeskEntry]] = defaultdict(list)
    for translation in translations:
        sections[translation.status].append(
            DeskEntry(translation, comments.get(translation.latest_comment_pk))
        )
    return Desk(
        changes_requested=sections[Status.CHANGES_REQUESTED],
        in_review=sections[Status.IN_REVIEW],
        drafts=sections[Status.DRAFT],
    )


# The review page ------------------------------------------------------------


def translations_for_review_page() -> QuerySet[Translation]:
    """Translations with what the review page reads of them, `is_outdated` annotated."""
    return Translation.objects.with_outdated().select_related(
        "article",
        "latest_revision__created_by",
        "latest_revision__source_revision",
        "live_revision",
        "live_claim_set",
        "submitted_by",
    )


@dataclass(frozen=True)
class AlignedBlock:
    """The n-th block (paragraph, heading, list…) of the original and of the translation."""

    number: int
    original: SafeString | None
    translation: SafeString | None


@dataclass(frozen=True)
class EvidenceLink:
    evidence: Evidence
    admin_url: str
    public_url: str


@dataclass(frozen=True)
class ClaimReview:
    """A claim, where its anchor stands on each side, and its evidence."""

    claim: Claim
    original_state: str
    translation_state: str
    evidence: list[EvidenceLink]

    @property
    def original_state_label(self) -> str:
        return checks.anchor_state_label(self.original_state)

    @property
    def translation_state_label(self) -> str:
        return checks.anchor_state_label(self.translation_state)


class HeldClaim(NamedTuple):
    """A claim whose quote in the original falls in a changed paragraph."""

    number: int
    translation_quote: str


@dataclass(frozen=True)
class NumberedChange:
    """A changed paragraph with its position before and after (None when absent)."""

    change: ParagraphChange
    old_number: int | None
    new_number: int | None
    claims: list[HeldClaim] = field(default_factory=list)


@dataclass(frozen=True)
class TextChanges:
    """How one revision's title, standfirst and body differ from another's."""

    title: SafeString | None
    standfirst: SafeString | None
    paragraphs: list[NumberedChange]
    unchanged_paragraphs: int

    @property
    def is_empty(self) -> bool:
        return self.title is None and self.standfirst is None and not self.paragraphs


@dataclass(frozen=True)
class OriginalChanges:
    """What changed in the original between the revision translated and the live one."""

    source: Revision
    current: Revision
    changes: TextChanges


@dataclass
class ReviewPage:
    """Everything the review page shows about one translation."""

    translation: Translation
    revision: Revision | None
    original: Translation | None
    original_revision: Revision | None
    blocks: list[AlignedBlock]
    original_block_count: int
    translation_block_count: int
    claims: list[ClaimReview]
    problems: list[checks.Problem]
    warnings: list[checks.Problem]
    live_changes: TextChanges | None
    original_changes: OriginalChanges | None
    history: list[ReviewLog]
    evidence_changes: list[EvidenceChange] = field(default_factory=list)
    # The claims version on screen (what an approval publishes) and what
    # changed in it since the version readers see.
    claims_digest: str = ""
    claims_changes: list[ShownClaimChange] = field(default_factory=list)
    bylines_change: tuple[list[str], list[str]] | None = None

    @property
    def side_by_side(self) -> bool:
        return self.original_revision is not None and not self.translation.is_original

    @property
    def block_count_mismatch(self) -> bool:
        return self.side_by_side and self.original_block_count != self.translation_block_count

    @property
    def is_first_publication(self) -> bool:
        return self.translation.live_revision_id is None

    @property
    def latest_is_live(self) -> bool:
        return (
            self.translation.live_revision_id is not None
            and self.translation.live_revision_id == self.translation.latest_revision_id
        )


@dataclass(frozen=True)
class ShownClaimChange:
    """A change of one claim as the review page shows it."""

    number: int
    kind: str  # added, removed, changed
    statement: str
    fields: list[tuple[str, SafeString | str, SafeString | str]]
    evidence_added: list[str]
    evidence_removed: list[str]
    anchor: tuple[str, str] | None
    figure: tuple[str, str] | None


def _claims_changes(translation: Translation) -> tuple[str, list[ShownClaimChange], tuple | None]:
    """The working claims' digest, and how they differ from those readers of the version see."""
    working = claimsets.working_content(translation.article_id)
    changes = claimsets.claims_changes(
        claimsets.set_content(translation.live_claim_set),
        working,
        translation_id=translation.pk,
    )
    approved = claimsets.set_content(translation.live_claim_set)
    labels = _evidence_labels(
        item
        for change in changes.claims
        for item in (*change.evidence_added, *change.evidence_removed)
    )
    shown = []
    for change in changes.claims:
        claim = (working.claims.get(change.number) or approved.claims.get(change.number)) or {}
        shown.append(
            ShownClaimChange(
                number=change.number,
                kind=change.kind,
                statement=claim.get("statement", ""),
                fields=[_shown_field(name, before, after) for name, before, after in change.fields],
                evidence_added=[labels[tuple(item)] for item in change.evidence_added],
                evidence_removed=[labels[tuple(item)] for item in change.evidence_removed],
                anchor=(
                    tuple(_shown_anchor(side) for side in change.anchor) if change.anchor else None
                ),
                figure=(
                    tuple(_shown_figure(side) for side in change.figure) if change.figure else None
                ),
            )
        )
    bylines = None
    if changes.bylines is not None:
        bylines = tuple([byline.name for byline in side] for side in changes.bylines)
    return working.digest, shown, bylines


def _shown_field(name: str, before, after) -> tuple[str, SafeString | str, SafeString | str]:
    field_ = Claim._meta.get_field(name)
    label = str(field_.verbose_name)
    if field_.choices:
        names = dict(field_.flatchoices)
        return label, str(names.get(before, before)), str(names.get(after, after))
    return label, conditional_escape(before or ""), diff_html(before or "", after or "")


def _shown_anchor(anchor: list | None) -> str:
    return "—" if anchor is None else anchor[0]


def _shown_figure(figure: dict | None) -> str:
    if figure is None:
        return "—"
    measure = dict(FigureCheck.Measure.choices).get(figure["measure"], figure["measure"])
    return _("%(stated)s, measured as: %(measure)s") % {
        "stated": figure["stated_value"],
        "measure": measure,
    }


def _evidence_labels(items) -> dict[tuple, str]:
    """Evidence rows (target ids, relation, note) named for a moderator (three queries)."""
    items = [tuple(item) for item in items]
    organizations = Organization.objects.in_bulk({item[0] for item in items if item[0]})
    events = MembershipEvent.objects.select_related("organization").in_bulk(
        {item[1] for item in items if item[1]}
    )
    instruments = Instrument.objects.in_bulk({item[2] for item in items if item[2]})
    relations = dict(Evidence.Relation.choices)
    labels = {}
    for item in items:
        organization_id, event_id, instrument_id, relation, note = item
        target = (
            organizations.get(organization_id)
            or events.get(event_id)
            or instruments.get(instrument_id)
        )
        label = f"{relations.get(relation, relation)}: {target}"
        labels[item] = f"{label} ({note})" if note else label
    return labels


def review_page(*, translation: Translation) -> ReviewPage:
    """Build the review page of `translation` (loaded with `translations_for_review_page`)."""
    revision = translation.latest_revision
    if translation.is_original:
        original = translation
        original_revision = None
    else:
        original = (
            Translation.objects.originals()
            .filter(article_id=translation.article_id)
            .select_related("live_revision", "latest_revision")
            .first()
        )
        original_revision = (
            (original.live_revision or original.latest_revision) if original is not None else None
        )
    claims = list(Claim.objects.working().filter(article_id=translation.article_id).for_rendering())

    translation_html, translation_states = _render_side(
        revision,
        claims,
        translation_id=translation.pk,
        side="original" if translation.is_original else "translation",
    )
    if original_revision is not None:
        original_html, original_states = _render_side(
            original_revision, claims, translation_id=original.pk, side="original"
        )
    else:
        original_html, original_states = (), {}
    if translation.is_original:
        original_states = translation_states
    blocks = [
        AlignedBlock(number, left, right)
        for number, (left, right) in enumerate(
            itertools.zip_longest(original_html, translation_html), start=1
        )
    ]

    claims_digest, claims_changes, bylines_change = _claims_changes(translation)
    # What blocks approval is what blocks submission (`workflow.submission_problems`).
    version_check = checks.check_versions([translation])[translation.pk]
    return ReviewPage(
        translation=translation,
        revision=revision,
        original=original,
        original_revision=original_revision,
        blocks=blocks,
        original_block_count=len(original_html),
        translation_block_count=len(translation_html),
        claims=[
            ClaimReview(
                claim=claim,
                original_state=original_states.get(claim.number, checks.MISSING),
                translation_state=translation_states.get(claim.number, checks.MISSING),
                evidence=[_evidence_link(evidence) for evidence in claim.evidence.all()],
            )
            for claim in claims
        ],
        problems=version_check.blocking,
        warnings=version_check.warnings,
        live_changes=_changes_since_live(translation),
        original_changes=_original_changes(translation, original, claims),
        history=list(ReviewLog.objects.filter(translation=translation).with_actors()),
        evidence_changes=list(EvidenceChange.objects.open().filter(translation=translation)),
        claims_digest=claims_digest,
        claims_changes=claims_changes,
        bylines_change=bylines_change,
    )


def _anchor_in(claim: Claim, translation_id: int) -> ClaimAnchor | None:
    return next(
        (anchor for anchor in claim.anchors.all() if anchor.translation_id == translation_id),
        None,
    )


def _render_side(
    revision: Revision | None, claims: Iterable[Claim], *, translation_id: int, side: str
) -> tuple[tuple[SafeString, ...], dict[int, str]]:
    """A revision's body as HTML blocks with claims marked, and each anchor's state.

    The page shows two texts, so each side's claim ids start with `side`.
    """
    if revision is None:
        return (), {}
    rendered = render_body(revision.body, claim_marks(claims, translation_id), id_prefix=f"{side}-")
    states = {number: str(resolution.state) for number, resolution in rendered.resolutions.items()}
    return rendered.blocks, states


def _evidence_link(evidence: Evidence) -> EvidenceLink:
    target = evidence.target
    admin_url = ""
    if target is not None:
        opts = target._meta
        try:
            admin_url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk]
            )
        except NoReverseMatch:
            admin_url = ""
    try:
        public_url = evidence.get_target_url()
    except NoReverseMatch:
        public_url = ""
    return EvidenceLink(evidence, admin_url, public_url)


def _text_changes(
    old: Revision,
    new: Revision,
    *,
    claims_of: Callable[[ParagraphChange], list[HeldClaim]] | None = None,
) -> TextChanges:
    numbered: list[NumberedChange] = []
    unchanged = 0
    old_number = new_number = 0
    for change in paragraph_diff(old.body, new.body):
        if change.kind != ParagraphChangeKind.ADDED:
            old_number += 1
        if change.kind != ParagraphChangeKind.REMOVED:
            new_number += 1
        if change.kind == ParagraphChangeKind.EQUAL:
            unchanged += 1
            continue
        numbered.append(
            NumberedChange(
                change,
                old_number if change.kind != ParagraphChangeKind.ADDED else None,
                new_number if change.kind != ParagraphChangeKind.REMOVED else None,
                claims_of(change) if claims_of is not None else [],
            )
        )
    return TextChanges(
        title=diff_html(old.title, new.title) if old.title != new.title else None,
        standfirst=(
            diff_html(old.standfirst, new.standfirst) if old.standfirst != new.standfirst else None
        ),
        paragraphs=numbered,
        unchanged_paragraphs=unchanged,
    )


def _changes_since_live(translation: Translation) -> TextChanges | None:
    """The latest revision against the one readers see; None when nothing is live."""
    live, latest = translation.live_revision, translation.latest_revision
    if live is None or latest is None:
        return None
    return _text_changes(live, latest)


def _holds_quote(markdown: str, quote: str) -> bool:
    return bool(markdown) and resolve(plain_text(markdown), Quote(quote)).state != (
        AnchorState.ORPHANED
    )


def _original_changes(
    translation: Translation, original: Translation | None, claims: Sequence[Claim]
) -> OriginalChanges | None:
    """What changed in the original since the revision this text was translated from.

    None for originals, and when the text was made from the original's live
    revision (or from no recorded revision at all).
    """
    revision = translation.latest_revision
    if translation.is_original or original is None or revision is None:
        return None
    source, current = revision.source_revision, original.live_revision
    if source is None or current is None or source.number >= current.number:
        return None
    original_quotes = {
        claim.number: anchor.quote
        for claim in claims
        if (anchor := _anchor_in(claim, original.pk)) is not None
    }

    translation_quotes = {
        claim.number: anchor.quote
        for claim in claims
        if (anchor := _anchor_in(claim, translation.pk)) is not None
    }

    def claims_of(change: ParagraphChange) -> list[HeldClaim]:
        return [
            HeldClaim(number, translation_quotes.get(number, ""))
            for number, quote in original_quotes.items()
            if _holds_quote(change.old, quote) or _holds_quote(change.new, quote)
        ]

    return OriginalChanges(
        source=source,
        current=current,
        changes=_text_changes(source, current, claims_of=claims_of),
    )
