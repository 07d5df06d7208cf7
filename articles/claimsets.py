"""Claim sets: what a moderator approves of an article besides its text, and what changed since.

An article's claims, their anchors, evidence and figure checks, and its
bylines exist as a working copy that editors change. A moderator's approval
of a language version freezes the working copy, exactly as the review page
showed it, into an immutable `ClaimSet`, and the version's readers see that
set from then on (`Translation.live_claim_set`); a later approval of the
same content reuses the set. The *content* of the claims is one value
(`ClaimsContent`), read in a fixed number of queries, named by its digest:
the review page carries the digest it showed, and an approval of anything
else is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max

from articles.models import (
    Article,
    ArticleAuthor,
    Byline,
    Claim,
    ClaimAnchor,
    ClaimSet,
    Evidence,
    FigureCheck,
)

# The fields of a claim readers see, in the order a change lists them.
CLAIM_FIELDS = ("statement", "kind", "verdict", "note")
FIGURE_FIELDS = (
    "stated_value",
    "measure",
    "instrument_id",
    "event_kind",
    "un_related",
    "date_from",
    "date_to",
    "organization_id",
    "domain_id",
    "status",
    "on_date",
)
TARGETS = ("organization_id", "event_id", "instrument_id")


@dataclass(frozen=True)
class ClaimsContent:
    """Everything of an article's claims and bylines a reader can see, as plain values.

    `claims` maps a claim's number to its fields, `anchors` (translation id
    → quote, prefix, suffix), `evidence` (sorted: target, relation, note)
    and `figure` (its figure check's fields, or None).
    """

    claims: Mapping[int, Mapping[str, Any]]
    bylines: tuple[Byline, ...]

    @property
    def digest(self) -> str:
        """A name for this content: equal content, equal digest."""
        data = {
            "claims": {str(number): claim for number, claim in sorted(self.claims.items())},
            "bylines": [byline.as_data() for byline in self.bylines],
        }
        material = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(material.encode()).hexdigest()


def _plain(value: Any) -> Any:
    return str(value) if value is not None and not isinstance(value, (bool, int, str)) else value


def _content(claims: Iterable[Claim], bylines: Sequence[Byline]) -> ClaimsContent:
    found: dict[int, dict[str, Any]] = {}
    for claim in claims:
        figure = claim._figure
        found[claim.number] = {
            **{name: getattr(claim, name) for name in CLAIM_FIELDS},
            "anchors": {
                str(anchor.translation_id): [anchor.quote, anchor.prefix, anchor.suffix]
                for anchor in claim.anchors.all()
            },
            "evidence": sorted(
                (
                    [
                        *(getattr(item, name) for name in TARGETS),
                        item.relation,
                        item.note,
                    ]
                    for item in claim.evidence.all()
                ),
                key=lambda row: [str(value) for value in row],
            ),
            "figure": (
                {name: _plain(getattr(figure, name)) for name in FIGURE_FIELDS}
                if figure is not None
                else None
            ),
        }
    return ClaimsContent(found, tuple(bylines))


def _load(claims) -> list[Claim]:
    """Claims with their anchors, evidence and figure check, in three queries."""
    loaded = list(claims.order_by("number").prefetch_related("anchors", "evidence"))
    figures = {
        check.claim_id: check
        for check in FigureCheck.objects.filter(claim__in=[claim.pk for claim in loaded])
    }
    for claim in loaded:
        claim._figure = figures.get(claim.pk)
    return loaded


def working_bylines(article_id: int) -> list[Byline]:
    """The article's bylines as editors have them now, with the authors' current names."""
    return [
        Byline(slug, name, affiliation)
        for slug, name, affiliation in ArticleAuthor.objects.filter(article_id=article_id)
        .order_by("position", "pk")
        .values_list("author__slug", "author__name", "author__affiliation")
    ]


def working_content(article_id: int) -> ClaimsContent:
    """The working copy of an article's claims and bylines (five queries)."""
    claims = _load(Claim.objects.working().filter(article_id=article_id))
    return _content(claims, working_bylines(article_id))


def set_content(claim_set: ClaimSet | None) -> ClaimsContent:
    """What a claim set published; nothing for no set."""
    if claim_set is None:
        return ClaimsContent({}, ())
    return _content(_load(Claim.objects.filter(claim_set=claim_set)), claim_set.authors)


def working_digest(article_id: int) -> str:
    """The digest of the working copy: the claims version a review page shows."""
    return working_content(article_id).digest


def _copied(row, *, claim: Claim):
    """An unsaved copy of `row` (an anchor, evidence or figure check) belonging to `claim`."""
    fields = type(row)._meta.concrete_fields
    return type(row)(
        claim=claim,
        **{
            field.attname: getattr(row, field.attname)
            for field in fields
            if field.attname not in {"id", "claim_id"}
        },
    )


def claim_set_freeze(*, article: Article, by) -> ClaimSet:
    """The claim set of the article's working copy, made now unless one holds this content.

    Copies every working claim with its anchors, evidence and figure check
    into a new set, numbered after the article's last, with the authors'
    names as they are. Runs in the caller's transaction (an approval).
    """
    content = working_content(article.pk)
    digest = content.digest
    existing = ClaimSet.objects.filter(article=article, digest=digest).order_by("-number").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        highest = ClaimSet.objects.filter(article=article).aggregate(top=Max("number"))["top"]
        claim_set = ClaimSet.objects.create(
            article=article,
            number=(highest or 0) + 1,
            digest=digest,
            bylines=[byline.as_data() for byline in content.bylines],
            created_by=by,
        )
        working = _load(Claim.objects.working().filter(article=article))
        copies = Claim.objects.bulk_create(
            Claim(
                article=article,
                claim_set=claim_set,
                number=claim.number,
                **{name: getattr(claim, name) for name in CLAIM_FIELDS},
            )
            for claim in working
        )
        pairs = list(zip(working, copies, strict=True))
        for model, rows_of in (
            (ClaimAnchor, lambda claim: claim.anchors.all()),
            (Evidence, lambda claim: claim.evidence.all()),
            (FigureCheck, lambda claim: [claim._figure] if claim._figure is not None else []),
        ):
            model.objects.bulk_create(
                _copied(row, claim=copy) for claim, copy in pairs for row in rows_of(claim)
            )
    return claim_set


# What changed -----------------------------------------------------------------


@dataclass(frozen=True)
class ClaimChange:
    """How one claim differs between the approved version and the one under review."""

    number: int
    kind: str  # "added", "removed" or "changed"
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    evidence_added: list[list] = field(default_factory=list)
    evidence_removed: list[list] = field(default_factory=list)
    anchor: tuple[list | None, list | None] | None = None
    figure: tuple[dict | None, dict | None] | None = None


@dataclass(frozen=True)
class ClaimsChanges:
    """What changed in the claims and bylines between two versions, for one language version."""

    claims: list[ClaimChange]
    bylines: tuple[tuple[Byline, ...], tuple[Byline, ...]] | None

    @property
    def is_empty(self) -> bool:
        return not self.claims and self.bylines is None


def claims_changes(
    old: ClaimsContent, new: ClaimsContent, *, translation_id: int | None = None
) -> ClaimsChanges:
    """The changes from `old` (approved) to `new` (under review).

    With `translation_id`, anchor changes are those of that language version.
    """
    changes = []
    for number in sorted(set(old.claims) | set(new.claims)):
        before, after = old.claims.get(number), new.claims.get(number)
        if before is None:
            changes.append(ClaimChange(number, "added"))
            continue
        if after is None:
            changes.append(ClaimChange(number, "removed"))
            continue
        fields = [
            (name, before[name], after[name])
            for name in CLAIM_FIELDS
            if before[name] != after[name]
        ]
        added = [item for item in after["evidence"] if item not in before["evidence"]]
        removed = [item for item in before["evidence"] if item not in after["evidence"]]
        anchor = None
        if translation_id is not None:
            key = str(translation_id)
            if before["anchors"].get(key) != after["anchors"].get(key):
                anchor = (before["anchors"].get(key), after["anchors"].get(key))
        figure = (
            (before["figure"], after["figure"]) if before["figure"] != after["figure"] else None
        )
        if fields or added or removed or anchor or figure:
            changes.append(ClaimChange(number, "changed", fields, added, removed, anchor, figure))
    bylines = (old.bylines, new.bylines) if old.bylines != new.bylines else None
    return ClaimsChanges(changes, bylines)
