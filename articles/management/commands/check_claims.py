"""`manage.py check_claims`: is every published claim still checkable and still true?"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.evidence import figures
from articles.evidence.watch import describe_changes
from articles.models import (
    Article,
    Claim,
    ClaimAnchor,
    Evidence,
    EvidenceChange,
    FigureCheck,
    Translation,
)
from articles.selectors import PROBLEM_BATCH
from articles.text.anchors import AnchorState, Quote, resolve_all


@dataclass(frozen=True)
class ClaimProblem:
    """One thing wrong with what readers see, named by article, claim and language."""

    kind: str
    article: str
    message: str
    claim: int | None = None
    language: str | None = None


ORPHANED = "orphaned_anchor"
AMBIGUOUS = "ambiguous_anchor"
NOT_ANCHORED = "not_anchored"
NO_EVIDENCE = "no_evidence"
OUTDATED = "outdated_translation"
FIGURE_DIFFERS = "figure_differs"
EVIDENCE_CHANGED = "evidence_changed"


def published_article_slugs() -> list[tuple[int, str]]:
    """(id, slug) of every article readers can see in some language, by slug."""
    return list(Article.objects.published().order_by("slug").values_list("pk", "slug"))


def check_published_claims(
    articles: Sequence[tuple[int, str]] | None = None,
) -> Iterator[tuple[str, list[ClaimProblem]]]:
    """(slug, problems) for each published article, in batches of a fixed number of queries.

    What readers see is checked: anchors against each version's live text,
    claims without evidence, outdated translations, figure checks that no
    longer hold and evidence changes no moderator has answered.
    """
    articles = published_article_slugs() if articles is None else list(articles)
    for first in range(0, len(articles), PROBLEM_BATCH):
        batch = dict(articles[first : first + PROBLEM_BATCH])
        found = _batch_problems(batch)
        for pk, slug in batch.items():
            yield slug, found[pk]


def _batch_problems(slugs: dict[int, str]) -> dict[int, list[ClaimProblem]]:
    ids = list(slugs)
    problems: dict[int, list[ClaimProblem]] = defaultdict(list)

    def add(article_id: int, kind: str, message: str, claim=None, language=None) -> None:
        problems[article_id].append(
            ClaimProblem(kind, slugs[article_id], message, claim=claim, language=language)
        )

    live = list(
        Translation.objects.published()
        .filter(article_id__in=ids)
        .values("pk", "article_id", "language", "is_original", "live_revision__body")
        .order_by("article_id", "-is_original", "language")
    )
    anchors: dict[int, dict[int, ClaimAnchor]] = defaultdict(dict)
    for anchor in ClaimAnchor.objects.filter(claim__article_id__in=ids).select_related("claim"):
        anchors[anchor.translation_id][anchor.claim.number] = anchor
    claims: dict[int, list[Claim]] = defaultdict(list)
    for claim in (
        Claim.objects.filter(article_id__in=ids)
        .annotate(has_evidence=Exists(Evidence.objects.filter(claim=OuterRef("pk"))))
        .order_by("article_id", "number")
    ):
        claims[claim.article_id].append(claim)
    originals = {
        article_id: pk
        for pk, article_id in Translation.objects.filter(
            article_id__in=ids, is_original=True
        ).values_list("pk", "article_id")
    }

    for version in live:
        article_id, language = version["article_id"], version["language"]
        own = anchors.get(version["pk"], {})
        reference = own if version["is_original"] else anchors.get(originals.get(article_id), {})
        for claim in claims[article_id]:
            if claim.number not in own and (version["is_original"] or claim.number in reference):
                add(
                    article_id,
                    NOT_ANCHORED,
                    _("claim %(number)s is not anchored in the %(language)s version.")
                    % {"number": claim.number, "language": language},
                    claim.number,
                    language,
                )
        resolutions = resolve_all(
            version["live_revision__body"] or "",
            {number: Quote(a.quote, a.prefix, a.suffix) for number, a in own.items()},
        )
        for number, resolution in sorted(resolutions.items()):
            if resolution.state == AnchorState.ORPHANED:
                add(
                    article_id,
                    ORPHANED,
                    _(
                        "claim %(number)s [%(language)s]: the quote “%(quote)s” is not in "
                        "the live text."
                    )
                    % {"number": number, "language": language, "quote": own[number].quote},
                    number,
                    language,
                )
            elif resolution.state == AnchorState.AMBIGUOUS:
                add(
                    article_id,
                    AMBIGUOUS,
                    _(
                        "claim %(number)s [%(language)s]: the quote “%(quote)s” appears "
                        "%(count)s times in the live text."
                    )
                    % {
                        "number": number,
                        "language": language,
                        "quote": own[number].quote,
                        "count": resolution.candidates,
                    },
                    number,
                    language,
                )

    for article_id, article_claims in claims.items():
        for claim in article_claims:
            if not claim.has_evidence:
                add(
                    article_id,
                    NO_EVIDENCE,
                    _("claim %(number)s has no evidence from the registry.")
                    % {"number": claim.number},
                    claim.number,
                )

    for article_id, language, source, original in (
        Translation.objects.published()
        .outdated()
        .filter(article_id__in=ids)
        .annotate(
            original_live=Translation.objects.filter(
                article=OuterRef("article"), is_original=True
            ).values("live_revision__number")[:1]
        )
        .values_list(
            "article_id", "language", "live_revision__source_revision__number", "original_live"
        )
    ):
        add(
            article_id,
            OUTDATED,
            _(
                "the %(language)s translation was made from revision %(source)s of the "
                "original; readers of the original see revision %(original)s."
            )
            % {"language": language, "source": source, "original": original},
            language=language,
        )

    checks = figures.attach_registry_values(
        list(FigureCheck.objects.filter(claim__article_id__in=ids).for_checking())
    )
    for check in checks:
        if not check.holds:
            add(
                check.claim.article_id,
                FIGURE_DIFFERS,
                _("claim %(number)s: the figure %(verdict)s.")
                % {"number": check.claim.number, "verdict": figures.verdict_label(check)},
                check.claim.number,
            )

    for change in EvidenceChange.objects.on_published().filter(translation__article_id__in=ids):
        add(
            change.translation.article_id,
            EVIDENCE_CHANGED,
            _("%(record)s changed after the %(language)s version was approved: %(fields)s.")
            % {
                "language": change.translation.language,
                "record": change.record_label,
                "fields": "; ".join(
                    f"{field}: {before} → {after}"
                    for field, before, after in describe_changes(change)
                ),
            },
            language=change.translation.language,
        )
    return problems


class Command(BaseCommand):
    help = (
        "Check every published article: anchors that no longer match their live text "
        "(orphaned or ambiguous) or are missing, claims without registry evidence, outdated "
        "translations, figure checks the registry no longer supports, and registry changes to "
        "cited records that no moderator has acknowledged or corrected. Prints each article "
        "with its problems and a summary; exits with status 1 when there is any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="text (default): one line per article; json: one document for tools.",
        )

    def handle(self, *args, format: str, verbosity: int, **options):
        report = []
        total = 0
        for slug, problems in check_published_claims():
            total += len(problems)
            report.append({"slug": slug, "problems": [asdict(p) for p in problems]})
            if format == "text":
                self._write_article(slug, problems, verbosity)
        summary = (
            ngettext(
                "%(count)s published article checked",
                "%(count)s published articles checked",
                len(report),
            )
            % {"count": len(report)}
            + ", "
            + ngettext("%(count)s problem.", "%(count)s problems.", total) % {"count": total}
        )
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {"articles": report, "checked": len(report), "problems": total},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        elif total == 0:
            self.stdout.write(self.style.SUCCESS(summary))
        if total:
            raise CommandError(summary, returncode=1)

    def _write_article(self, slug: str, problems: list[ClaimProblem], verbosity: int) -> None:
        if not problems:
            if verbosity >= 1:
                self.stdout.write(f"{slug}: {_('ok')}")
            return
        self.stdout.write(
            self.style.ERROR(f"{slug}: ")
            + ngettext("%(count)s problem", "%(count)s problems", len(problems))
            % {"count": len(problems)}
        )
        for problem in problems:
            self.stdout.write(f"  - {slug}: {problem.message}")
