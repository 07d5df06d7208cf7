"""Corrections: approved revisions that tell readers what they correct.

An editor writes a correction note with the corrected text
(`workflow.revision_create(correction_note=…)`); `workflow.approve` dates
it (`Revision.corrected_at`) when readers get the text. Readers see the
corrections of every language version of an article on each of its
versions, on `/<lang>/corrections/` and in `/<lang>/feeds/corrections.atom`.
Only corrections of versions readers can still see are shown.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from articles.models import Article, Revision, Translation

FEED_SIZE = 30


def corrections() -> QuerySet[Revision]:
    """Corrections of published versions, newest first, with their translation and article."""
    return (
        Revision.objects.filter(
            corrected_at__isnull=False, translation__live_revision__isnull=False
        )
        .exclude(correction_note="")
        .select_related("translation__article")
        .defer("body", "standfirst")
        .order_by("-corrected_at", "-pk")
    )


def article_corrections(*, article: Article) -> list[Revision]:
    """The corrections of every published version of `article`, newest first (one query)."""
    return list(corrections().filter(translation__article=article))


def corrections_for_readers(*, language: str) -> QuerySet[Revision]:
    """All corrections, each annotated `readable_here`: its article is published in `language`."""
    return corrections().annotate(
        readable_here=Exists(
            Translation.objects.published().filter(
                article=OuterRef("translation__article"), language=language
            )
        )
    )
