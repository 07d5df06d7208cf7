"""`manage.py check_claims`: is every published claim still checkable and still true?"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles import checks
from articles.models import Article


def check_published_claims() -> list[tuple[str, list[checks.Problem]]]:
    """(slug, problems) of every article readers can see, by slug.

    What readers see is checked (`articles.checks` on the live texts, with
    the problems time brings): anchors, claims without evidence, outdated
    translations, figure checks the registry no longer gives and evidence
    changes no moderator has answered.
    """
    articles = list(Article.objects.published().order_by("slug").values_list("pk", "slug"))
    found = checks.check_articles(
        [pk for pk, _slug in articles], text=checks.Text.LIVE, living=True
    )
    return [(slug, found[pk]) for pk, slug in articles]


def as_json(slug: str, problem: checks.Problem) -> dict:
    """A problem as the JSON report lists it."""
    return {
        "kind": str(problem.kind),
        "severity": str(problem.severity),
        "article": slug,
        "message": problem.message,
        "claim": problem.claim,
        "language": problem.language,
    }


class Command(BaseCommand):
    help = (
        "Check every published article: anchors that no longer match their live text "
        "(orphaned or ambiguous) or are missing, claims without registry evidence, outdated "
        "translations, figure checks the registry no longer supports, and registry changes to "
        "cited records that no moderator has acknowledged or corrected, and verdicts the "
        "evidence does not bear. Prints each article with its problems and a summary; exits "
        "with status 1 when there is any error. Warnings (claims resting on nothing the "
        "registry holds) are listed and do not fail the check."
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
        total = warnings = 0
        for slug, problems in check_published_claims():
            errors = [p for p in problems if p.severity == checks.Severity.ERROR]
            total += len(errors)
            warnings += len(problems) - len(errors)
            report.append({"slug": slug, "problems": [as_json(slug, p) for p in problems]})
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
            + ngettext("%(count)s problem", "%(count)s problems", total) % {"count": total}
            + ", "
            + ngettext("%(count)s warning.", "%(count)s warnings.", warnings) % {"count": warnings}
        )
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "articles": report,
                        "checked": len(report),
                        "problems": total,
                        "warnings": warnings,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        elif total == 0:
            self.stdout.write(self.style.SUCCESS(summary))
        if total:
            raise CommandError(summary, returncode=1)

    def _write_article(self, slug: str, problems: list[checks.Problem], verbosity: int) -> None:
        errors = [problem for problem in problems if problem.severity == checks.Severity.ERROR]
        if errors:
            self.stdout.write(
                self.style.ERROR(f"{slug}: ")
                + ngettext("%(count)s problem", "%(count)s problems", len(errors))
                % {"count": len(errors)}
            )
        elif verbosity >= 1:
            self.stdout.write(f"{slug}: {_('ok')}")
        for problem in problems:
            if problem.severity == checks.Severity.ERROR:
                self.stdout.write(f"  - {slug}: {problem.message}")
            elif verbosity >= 1:
                self.stdout.write(f"  - {slug}: {_('warning')}: {problem.message}")
