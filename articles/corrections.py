"""Corrections: approved revisions that tell readers what they correct.

An editor writes a correction note with the corrected text
(`workflow.revision_create(correction_note=…)`); `workflow.approve` dates
it (`Revision.corrected_at`) when readers get the text. Readers see the
corrections of every language version of an article on each of its
versions, on `/<lang>/corrections/` and in `/<lang>/feeds/corrections.atom`.
Only corrections of versions readers can still see are shown.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

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


def reader_link(correction: Revision, language: str) -> str:
    """Where a reader of `language` reads the corrected article: in that language when
    published in it, else the corrected version itself."""
    if getattr(correction, "readable_here", False):
        return correction.translation.article.get_absolute_url(language) + "#corrections"
    return correction.translation.get_absolute_url() + "#corrections"


def language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


class CorrectionsFeed(Feed):
    """Atom 1.0: the latest corrections to published commentary, in every language."""

    feed_type = feedgenerator.Atom1Feed

    def get_object(self, request: HttpRequest) -> dict:
        domain, _port = split_domain_port(request.get_host())
        return {"language": get_language() or settings.LANGUAGE_CODE, "host": domain or "localhost"}

    def title(self, scope: dict) -> str:
        return _("%(site)s: corrections") % {"site": settings.SITE_NAME}

    def subtitle(self, scope: dict) -> str:
        return _("What we corrected in published commentary, and when.")

    def link(self, scope: dict) -> str:
        return reverse("corrections")

    def items(self, scope: dict) -> list[Revision]:
        items = list(corrections_for_readers(language=scope["language"])[:FEED_SIZE])
        for item in items:
            item.feed_scope = scope
        return items

    def item_title(self, item: Revision) -> str:
        return _("Correction to “%(title)s” (%(language)s version)") % {
            "title": item.title,
            "language": language_name(item.translation.language),
        }

    def item_description(self, item: Revision) -> str:
        # The summary is HTML; the note is plain text.
        return escape(item.correction_note)

    def item_link(self, item: Revision) -> str:
        return reader_link(item, item.feed_scope["language"])

    def item_guid(self, item: Revision) -> str:
        minted = item.corrected_at.date().isoformat()
        return f"tag:{item.feed_scope['host']},{minted}:corrections/{item.pk}"

    def item_guid_is_permalink(self, item: Revision) -> bool:
        return False

    def item_pubdate(self, item: Revision):
        return item.corrected_at

    def item_updateddate(self, item: Revision):
        return item.corrected_at
