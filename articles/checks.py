"""What is wrong with an article's claims: the one place that decides it.

Every reader of claim problems asks here and gets the same problems with the
same words: the workflow (what blocks a submission or an approval), the
review queue and review page, the articles admin (its list, its filter, the
article page and the claims page) and `manage.py check_claims`.

A check reads one text of each language version: its latest revision (what
editors and moderators work on) or its live revision (what readers see).
The problems of a language version's text:

- it has no text yet;
- a claim is not anchored in it: in the original, any claim; in a
  translation, a claim the original anchors;
- an anchor's quote is not in the text (orphaned) or stands in it more than
  once with nothing to tell the places apart (ambiguous);
- a claim has no evidence from the registry (a problem of the claim, so of
  every version), unless it is marked Not in registry.

The claims checked are those the text goes with: the working copy with the
latest texts, each version's live claim set with the live texts. Verdicts
must follow the evidence (problems of the claim):

- Supported and Partly supported need evidence that supports; Contradicted
  needs evidence that contradicts; a claim resting on context alone stays
  Unverified or Not in registry;
- a figure claim needs a figure check (unless it is Not in registry: then
  there is nothing to measure), and Supported needs its figure to hold;
- Not in registry needs a note saying what was searched; such a claim is
  listed as a warning, which blocks nothing;
- Supported wants a supporting record with an official text or a moderator's
  verification behind it; resting on secondary sources only is a warning.

Checked on request (`living=True`), the problems of a published article
that time brings, whatever its text says:

- a published translation made from an older revision of the original;
- a figure check the registry no longer gives;
- a cited registry record that changed since the version was approved.

Each check reads a fixed number of queries per batch of articles, however
many versions, claims and anchors they hold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language_info, gettext_lazy

from articles.evidence import figures as figures_module
from articles.evidence.watch import describe_changes
from articles.models import (
    Claim,
    ClaimAnchor,
    Evidence,
    EvidenceChange,
    FigureCheck,
    Translation,
)
from articles.text.anchors import AnchorState, Quote, Resolution, resolve_all
from organizations.models import Instrument, MembershipEvent, Organization

# Articles are checked in batches of this many, a fixed number of queries each.
BATCH = 500

# An anchor's state in a version's text, for a claim that version has no anchor for.
MISSING = "missing"

ANCHOR_STATE_LABELS = {
    AnchorState.FOUND: gettext_lazy("found"),
    AnchorState.AMBIGUOUS: gettext_lazy("quote appears more than once"),
    AnchorState.ORPHANED: gettext_lazy("quote not in the text"),
    MISSING: gettext_lazy("not anchored"),
}


def anchor_state_label(state: str) -> str:
    """The words every page uses for an anchor's state."""
    return str(ANCHOR_STATE_LABELS[state])


class Text(StrEnum):
    """Which revision of each language version a check reads."""

    LATEST = "latest"
    LIVE = "live"


class ProblemKind(StrEnum):
    NO_TEXT = "no_text"
    NOT_ANCHORED = "not_anchored"
    ORPHANED = "orphaned_anchor"
    AMBIGUOUS = "ambiguous_anchor"
    NO_EVIDENCE = "no_evidence"
    VERDICT_UNSUPPORTED = "verdict_unsupported"
    FIGURE_UNCHECKED = "figure_unchecked"
    FIGURE_AGAINST_VERDICT = "figure_against_verdict"
    NOT_IN_REGISTRY_UNEXPLAINED = "not_in_registry_unexplained"
    NOT_IN_REGISTRY = "not_in_registry"
    SECONDARY_ONLY = "secondary_only"
    OUTDATED = "outdated_translation"
    FIGURE_DIFFERS = "figure_differs"
    EVIDENCE_CHANGED = "evidence_changed"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# What a problem says, by kind; `Problem.message` fills in its details.
MESSAGES = {
    ProblemKind.NO_TEXT: gettext_lazy("The %(language_name)s version has no text yet."),
    ProblemKind.NOT_ANCHORED: gettext_lazy(
        "Claim %(claim)s is not anchored in the %(language_name)s version."
    ),
    ProblemKind.ORPHANED: gettext_lazy(
        "Claim %(claim)s [%(language)s]: the quote “%(quote)s” is not in the text."
    ),
    ProblemKind.AMBIGUOUS: gettext_lazy(
        "Claim %(claim)s [%(language)s]: the quote “%(quote)s” appears %(count)s times; "
        "add a prefix or suffix to say which one is meant."
    ),
    ProblemKind.NO_EVIDENCE: gettext_lazy("Claim %(claim)s has no evidence from the registry."),
    ProblemKind.VERDICT_UNSUPPORTED: gettext_lazy(
        "Claim %(claim)s is marked “%(verdict)s”, but none of its evidence %(needs)s it."
    ),
    ProblemKind.FIGURE_UNCHECKED: gettext_lazy(
        "Claim %(claim)s states a figure but has no figure check."
    ),
    ProblemKind.FIGURE_AGAINST_VERDICT: gettext_lazy(
        "Claim %(claim)s is marked “%(verdict)s”, but its figure %(figure)s."
    ),
    ProblemKind.NOT_IN_REGISTRY_UNEXPLAINED: gettext_lazy(
        "Claim %(claim)s is marked “not in registry” without a note saying what was searched."
    ),
    ProblemKind.NOT_IN_REGISTRY: gettext_lazy(
        "Claim %(claim)s rests on nothing the registry holds: %(note)s"
    ),
    ProblemKind.SECONDARY_ONLY: gettext_lazy(
        "Claim %(claim)s is marked “supported” but rests on secondary sources only: no record "
        "supporting it cites an official text or was verified by a moderator."
    ),
    ProblemKind.OUTDATED: gettext_lazy(
        "The %(language_name)s translation was made from revision %(source)s of the original; "
        "readers of the original see revision %(original)s."
    ),
    ProblemKind.FIGURE_DIFFERS: gettext_lazy("Claim %(claim)s: the figure %(verdict)s."),
    ProblemKind.EVIDENCE_CHANGED: gettext_lazy(
        "%(record)s changed after the %(language_name)s version was approved: %(fields)s."
    ),
}

# The problems of a version's text and claims: none may stand when it is
# submitted or approved.
BLOCKING = frozenset(
    {
        ProblemKind.NO_TEXT,
        ProblemKind.NOT_ANCHORED,
        ProblemKind.ORPHANED,
        ProblemKind.AMBIGUOUS,
        ProblemKind.NO_EVIDENCE,
        ProblemKind.VERDICT_UNSUPPORTED,
        ProblemKind.FIGURE_UNCHECKED,
        ProblemKind.FIGURE_AGAINST_VERDICT,
        ProblemKind.NOT_IN_REGISTRY_UNEXPLAINED,
    }
)
WARNINGS = frozenset({ProblemKind.NOT_IN_REGISTRY, ProblemKind.SECONDARY_ONLY})
# Problems of a claim, named once whatever the language.
CLAIM_LEVEL = frozenset(
    {
        ProblemKind.NO_EVIDENCE,
        ProblemKind.VERDICT_UNSUPPORTED,
        ProblemKind.FIGURE_UNCHECKED,
        ProblemKind.FIGURE_AGAINST_VERDICT,
        ProblemKind.NOT_IN_REGISTRY_UNEXPLAINED,
        ProblemKind.NOT_IN_REGISTRY,
        ProblemKind.SECONDARY_ONLY,
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an article's claims, named by claim and language where it has them."""

    kind: ProblemKind
    article_id: int
    claim: int | None = None
    language: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The sentence every page and command shows, in the active language."""
        return str(MESSAGES[self.kind]) % {
            "claim": self.claim,
            "language": self.language,
            "language_name": _language_name(self.language),
            **self.details,
        }

    @property
    def blocks_submission(self) -> bool:
        return self.kind in BLOCKING

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.kind in WARNINGS else Severity.ERROR

    def __str__(self) -> str:
        return self.message


def _language_name(code: str | None) -> str:
    if code is None:
        return ""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


@dataclass
class VersionCheck:
    """The problems of one language version's text, and where each claim's anchor stands in it."""

    translation_id: int
    article_id: int
    language: str
    is_original: bool
    anchors: dict[int, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def blocking(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.blocks_submission]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == Severity.WARNING]


@dataclass(frozen=True)
class _Version:
    pk: int
    article_id: int
    language: str
    is_original: bool
    body: str | None
    # The claims this text goes with: a claim set, or None for the working copy.
    claim_set_id: int | None

    @property
    def claims_key(self) -> tuple[int, int | None]:
        return (self.article_id, self.claim_set_id)


def check_versions(
    translations: Iterable[Translation | int], *, text: Text = Text.LATEST
) -> dict[int, VersionCheck]:
    """The problems of each language version's latest (or live) text, by translation id.

    Pass translations loaded with the revision to read (`select_related`) to
    save the query that reads the texts; ids are read from the database.
    Claims without evidence are listed in every version, as each needs them.
    """
    versions = _versions(translations, text)
    checks: dict[int, VersionCheck] = {}
    keys = list({version.claims_key for version in versions.values()})
    for first in range(0, len(keys), BATCH):
        batch = keys[first : first + BATCH]
        claims, anchors, originals = _claims_and_anchors(batch)
        for version in versions.values():
            if version.claims_key in batch:
                checks[version.pk] = _check_version(
                    version, claims[version.claims_key], anchors, originals
                )
    return checks


def check_articles(
    article_ids: Iterable[int], *, text: Text = Text.LATEST, living: bool = False
) -> dict[int, list[Problem]]:
    """The problems of each article: of every version's text, each claim's once.

    With `text=LIVE` only the versions readers can see are read. With
    `living`, the problems time brings to what is published are added.
    """
    ids = list(dict.fromkeys(article_ids))
    found: dict[int, list[Problem]] = {pk: [] for pk in ids}
    for first in range(0, len(ids), BATCH):
        batch = ids[first : first + BATCH]
        versions = Translation.objects.filter(article_id__in=batch)
        if text == Text.LIVE:
            versions = versions.published()
        checks = check_versions(
            versions.values_list("pk", flat=True).order_by(
                "article_id", "-is_original", "language"
            ),
            text=text,
        )
        for check in checks.values():
            for problem in check.problems:
                if problem not in found[check.article_id]:
                    found[check.article_id].append(problem)
        if living:
            for problem in _living_problems(batch):
                found[problem.article_id].append(problem)
    for problems in found.values():
        problems.sort(key=_order)
    return found


def articles_with_problems() -> list[int]:
    """Ids of every article with a problem in its latest texts (reads every anchor and text)."""
    from articles.models import Article

    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    return [pk for pk, problems in check_articles(ids).items() if problems]


def anchor_resolution(body: str, anchor: ClaimAnchor) -> Resolution:
    """Where one anchor stands in a body, as every check resolves it."""
    return resolve_all(body, {0: anchor.selector})[0]


# Reading


def _versions(translations: Iterable[Translation | int], text: Text) -> dict[int, _Version]:
    live = text == Text.LIVE
    revision = "live_revision" if live else "latest_revision"
    versions: dict[int, _Version] = {}
    ids = []
    for item in translations:
        if isinstance(item, Translation) and revision in item._state.fields_cache:
            loaded = getattr(item, revision)
            versions[item.pk] = _Version(
                item.pk,
                item.article_id,
                item.language,
                item.is_original,
                loaded.body if loaded is not None else None,
                item.live_claim_set_id if live else None,
            )
        else:
            ids.append(item.pk if isinstance(item, Translation) else item)
    if ids:
        for row in Translation.objects.filter(pk__in=ids).values(
            "pk",
            "article_id",
            "language",
            "is_original",
            f"{revision}__body",
            revision,
            "live_claim_set",
        ):
            versions[row["pk"]] = _Version(
                row["pk"],
                row["article_id"],
                row["language"],
                row["is_original"],
                row[f"{revision}__body"] if row[revision] is not None else None,
                row["live_claim_set"] if live else None,
            )
    return versions


@dataclass(frozen=True)
class _Claim:
    """What the rules read of one claim."""

    number: int
    kind: str
    verdict: str
    note: str
    has_evidence: bool
    supported: bool  # by evidence whose relation is Supports
    contradicted: bool  # by evidence whose relation is Contradicts
    firmly_supported: bool  # by Supports evidence on a record with a primary or verified source
    figure: FigureCheck | None


# Evidence on a record a fact-checker would accept: an event citing an official
# text or verified against a source it cites, an instrument whose own text is
# published, an organization citing an official text (the registry's own rules).
_FIRM_RECORD = (
    Q(event__in=MembershipEvent.objects.with_primary_source())
    | Q(event__in=MembershipEvent.objects.verified())
    | Q(instrument__in=Instrument.objects.with_primary_source())
    | Q(organization__in=Organization.objects.with_primary_source())
)


def _claims_and_anchors(keys: Sequence[tuple[int, int | None]]):
    """Claims, anchors and which claims the original anchors, by (article, claim set)."""
    working = {article_id for article_id, claim_set_id in keys if claim_set_id is None}
    sets = {claim_set_id for _article_id, claim_set_id in keys if claim_set_id is not None}
    chosen = Claim.objects.none()
    if working:
        chosen |= Claim.objects.working().filter(article_id__in=working)
    if sets:
        chosen |= Claim.objects.filter(claim_set_id__in=sets)

    def cites(relation: str | None = None) -> Exists:
        evidence = Evidence.objects.filter(claim=OuterRef("pk"))
        return Exists(evidence.filter(relation=relation) if relation else evidence)

    rows = list(
        chosen.annotate(
            has_evidence=cites(),
            supported=cites(Evidence.Relation.SUPPORTS),
            contradicted=cites(Evidence.Relation.CONTRADICTS),
            firmly_supported=Exists(
                Evidence.objects.filter(
                    claim=OuterRef("pk"), relation=Evidence.Relation.SUPPORTS
                ).filter(_FIRM_RECORD)
            ),
        )
        .order_by("article_id", "claim_set_id", "number")
        .values_list(
            "pk",
            "article_id",
            "claim_set_id",
            "number",
            "kind",
            "verdict",
            "note",
            "has_evidence",
            "supported",
            "contradicted",
            "firmly_supported",
        )
    )
    figures = {
        check.claim_id: check
        for check in figures_module.attach_registry_values(
            list(
                FigureCheck.objects.filter(
                    claim_id__in=[row[0] for row in rows if row[4] == Claim.Kind.FIGURE]
                )
            )
        )
    }
    claims: dict[tuple[int, int | None], list[_Claim]] = defaultdict(list)
    key_of = {}
    for claim_id, article_id, claim_set_id, *fields in rows:
        key_of[claim_id] = (article_id, claim_set_id)
        claims[(article_id, claim_set_id)].append(_Claim(*fields, figure=figures.get(claim_id)))
    anchors: dict[tuple[int, int | None], dict[int, Quote]] = defaultdict(dict)
    originals: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    for row in ClaimAnchor.objects.filter(claim_id__in=key_of).values(
        "claim_id",
        "translation_id",
        "translation__is_original",
        "claim__number",
        "quote",
        "prefix",
        "suffix",
    ):
        key = key_of[row["claim_id"]]
        anchors[(*key, row["translation_id"])][row["claim__number"]] = Quote(
            row["quote"], row["prefix"], row["suffix"]
        )
        if row["translation__is_original"]:
            originals[key].add(row["claim__number"])
    return claims, anchors, originals


def _claim_problems(claim: _Claim) -> list[tuple[ProblemKind, dict[str, Any]]]:
    """What is wrong with a claim itself, whatever the language: its evidence and verdict."""
    Verdict = Claim.Verdict
    found: list[tuple[ProblemKind, dict[str, Any]]] = []
    # "Not in registry" says there is no record to cite; its note says what was searched.
    if not claim.has_evidence and claim.verdict != Verdict.NOT_IN_REGISTRY:
        found.append((ProblemKind.NO_EVIDENCE, {}))
    needs = {
        Verdict.SUPPORTED: (claim.supported, gettext_lazy("supports")),
        Verdict.PARTLY_SUPPORTED: (claim.supported, gettext_lazy("supports")),
        Verdict.CONTRADICTED: (claim.contradicted, gettext_lazy("contradicts")),
    }.get(claim.verdict)
    verdict_label = str(Verdict(claim.verdict).label).lower()
    if claim.has_evidence and needs is not None and not needs[0]:
        found.append(
            (ProblemKind.VERDICT_UNSUPPORTED, {"verdict": verdict_label, "needs": needs[1]})
        )
    if claim.verdict == Verdict.SUPPORTED and claim.supported and not claim.firmly_supported:
        found.append((ProblemKind.SECONDARY_ONLY, {}))
    # A figure the registry holds nothing for ("not in registry") has nothing to measure.
    if claim.kind == Claim.Kind.FIGURE and claim.verdict != Verdict.NOT_IN_REGISTRY:
        if claim.figure is None:
            found.append((ProblemKind.FIGURE_UNCHECKED, {}))
        elif claim.verdict == Verdict.SUPPORTED and not claim.figure.holds:
            found.append(
                (
                    ProblemKind.FIGURE_AGAINST_VERDICT,
                    {
                        "verdict": verdict_label,
                        "figure": figures_module.verdict_label(claim.figure),
                    },
                )
            )
    if claim.verdict == Verdict.NOT_IN_REGISTRY:
        if claim.note.strip():
            found.append((ProblemKind.NOT_IN_REGISTRY, {"note": claim.note.strip()}))
        else:
            found.append((ProblemKind.NOT_IN_REGISTRY_UNEXPLAINED, {}))
    return found


def _check_version(
    version: _Version,
    claims: list[_Claim],
    anchors: dict[tuple, dict[int, Quote]],
    originals: dict[tuple, set[int]],
) -> VersionCheck:
    check = VersionCheck(version.pk, version.article_id, version.language, version.is_original)

    def add(kind: ProblemKind, claim: int | None = None, **details) -> None:
        # Evidence and verdicts belong to the claim, whatever the language.
        language = None if kind in CLAIM_LEVEL else version.language
        check.problems.append(Problem(kind, version.article_id, claim, language, details=details))

    if version.body is None:
        # Nothing to anchor in yet: that is the one problem to solve first.
        add(ProblemKind.NO_TEXT)
        return check
    own = anchors.get((*version.claims_key, version.pk), {})
    resolutions = resolve_all(version.body or "", own)
    anchored_in_original = originals.get(version.claims_key, set())
    for claim in claims:
        number = claim.number
        quote = own.get(number)
        if quote is None:
            check.anchors[number] = MISSING
            if version.is_original or number in anchored_in_original:
                add(ProblemKind.NOT_ANCHORED, number)
        else:
            resolution = resolutions[number]
            check.anchors[number] = resolution.state
            if resolution.state == AnchorState.ORPHANED:
                add(ProblemKind.ORPHANED, number, quote=quote.quote)
            elif resolution.state == AnchorState.AMBIGUOUS:
                add(ProblemKind.AMBIGUOUS, number, quote=quote.quote, count=resolution.candidates)
        for kind, details in _claim_problems(claim):
            add(kind, number, **details)
    check.problems.sort(key=_order)
    return check


def _living_problems(article_ids: Sequence[int]) -> list[Problem]:
    problems = []
    for article_id, language, source, original in (
        Translation.objects.published()
        .outdated()
        .filter(article_id__in=article_ids)
        .annotate(
            original_live=Translation.objects.filter(
                article=OuterRef("article"), is_original=True
            ).values("live_revision__number")[:1]
        )
        .values_list(
            "article_id", "language", "live_revision__source_revision__number", "original_live"
        )
    ):
        problems.append(
            Problem(
                ProblemKind.OUTDATED,
                article_id,
                language=language,
                details={"source": source, "original": original},
            )
        )
    checks = figures_module.attach_registry_values(
        list(
            FigureCheck.objects.published().filter(claim__article_id__in=article_ids).for_checking()
        )
    )
    for check in checks:
        if not check.holds:
            problems.append(
                Problem(
                    ProblemKind.FIGURE_DIFFERS,
                    check.claim.article_id,
                    check.claim.number,
                    details={"verdict": figures_module.verdict_label(check)},
                )
            )
    for change in EvidenceChange.objects.on_published().filter(
        translation__article_id__in=article_ids
    ):
        problems.append(
            Problem(
                ProblemKind.EVIDENCE_CHANGED,
                change.translation.article_id,
                language=change.translation.language,
                details={
                    "record": change.record_label,
                    "fields": "; ".join(
                        f"{name}: {before} → {after}"
                        for name, before, after in describe_changes(change)
                    ),
                },
            )
        )
    return problems


_KIND_ORDER = {kind: index for index, kind in enumerate(ProblemKind)}


def _order(problem: Problem) -> tuple:
    return (
        problem.claim is None,
        problem.claim or 0,
        problem.language or "",
        _KIND_ORDER[problem.kind],
    )
