"""RSS and Atom feeds: the latest commentary per language, and per registry organization.

Each entry is one published language version: its live title and
standfirst, its byline, when it was first published and when its live text
was approved. Feeds read in a fixed number of queries however many entries
they carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles import selectors
from articles.evidence.corrections import corrections_for_readers
from articles.models import Revision, Translation
from freshness.http import public_page
from organizations.models import Organization
from reader.languages import language_name

FEED_SIZE = 30
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


# Generators: one author element per author, where Django writes at most one.


class MultiAuthorRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with one `<dc:creator>` per author."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.addQuickElement("dc:creator", name)


class MultiAuthorAtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 with one `<author>` per author."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


@dataclass(frozen=True)
class FeedScope:
    """What one request for a feed is about: a language, and an organization or none."""

    language: str
    host: str
    organization: Organization | None = None


class ArticleFeedBase(Feed):
    """Entries are published translations carrying `live_since` and prefetched bylines."""

    # Feed instances serve every request: per-request state lives in the FeedScope.

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """The feed, with validators from the content state and the page cache.

        A reader polling with a current copy gets a 304 and no body, after
        one query.
        """
        return self._cached_call(request, *args, **kwargs)

    @method_decorator(public_page(parameters=[], dated=False))
    def _cached_call(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return super().__call__(request, *args, **kwargs)

    def author_name(self, scope: FeedScope) -> str:
        return settings.SITE_NAME

    def item_title(self, item: Translation) -> str:
        return item.live_revision.title

    def item_description(self, item: Translation) -> str | None:
        # Both formats carry the summary as HTML; the standfirst is plain text.
        revision = item.live_revision
        description = escape(revision.standfirst) if revision.standfirst else ""
        if revision.corrected_at is not None:
            # A correction also moves the entry's updated date: it is an approval.
            description += format_html(
                "<p>{}</p>",
                _("Correction (%(date)s): %(note)s")
                % {
                    "date": date_format(revision.corrected_at, "DATE_FORMAT"),
                    "note": revision.correction_note,
                },
            )
        return description or None

    def item_link(self, item: Translation) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Translation) -> str:
        return item.feed_guid

    def item_guid_is_permalink(self, item: Translation) -> bool:
        return False

    def item_pubdate(self, item: Translation):
        return item.first_published_at or item.live_since

    def item_updateddate(self, item: Translation):
        return item.live_since

    def item_extra_kwargs(self, item: Translation) -> dict:
        return {"authors": [author.name for author in item.live_bylines]}

    def prepare(self, translations: list[Translation], scope: FeedScope) -> list[Translation]:
        """A stable id per article and language on each entry."""
        for translation in translations:
            translation.feed_guid = entry_id(translation, host=scope.host)
        return translations


def entry_id(translation: Translation, *, host: str) -> str:
    """A tag URI for one language version, stable across edits, approvals and slug changes."""
    minted = translation.article.created_at.date().isoformat()
    return f"tag:{host},{minted}:articles/{translation.article_id}/{translation.language}"


def _host(request: HttpRequest) -> str:
    domain, _port = split_domain_port(request.get_host())
    return domain or "localhost"


class LatestArticlesFeed(ArticleFeedBase):
    """RSS 2.0: the latest FEED_SIZE articles published in the feed's language."""

    feed_type = MultiAuthorRssFeed

    def get_object(self, request: HttpRequest) -> FeedScope:
        return FeedScope(language=get_language() or settings.LANGUAGE_CODE, host=_host(request))

    def title(self, scope: FeedScope) -> str:
        return _("%(site)s: commentary in %(language)s") % {
            "site": settings.SITE_NAME,
            "language": language_name(scope.language),
        }

    def description(self, scope: FeedScope) -> str:
        return _(
            "The latest translated commentary in %(language)s. Every highlighted claim "
            "links to the registry record behind it."
        ) % {"language": language_name(scope.language)}

    subtitle = description

    def link(self, scope: FeedScope) -> str:
        return reverse("home")

    def items(self, scope: FeedScope) -> list[Translation]:
        translations = list(
            Translation.objects.published()
            .filter(language=scope.language)
            .select_related("article", "live_revision", "live_claim_set")
            .defer("live_revision__body")
            .annotate(live_since=selectors.live_since())
            .order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )
        return self.prepare(translations, scope)


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """Atom 1.0: the same entries as the RSS feed."""

    feed_type = MultiAuthorAtomFeed


class OrganizationArticlesFeed(ArticleFeedBase):
    """Atom 1.0: published commentary whose evidence cites one registry organization.

    The entries are those the organization's page lists: each article once,
    in the feed's language when published in it, else in its original.
    """

    feed_type = MultiAuthorAtomFeed

    def get_object(self, request: HttpRequest, slug: str) -> FeedScope:
        return FeedScope(
            language=get_language() or settings.LANGUAGE_CODE,
            host=_host(request),
            organization=get_object_or_404(
                Organization.objects.with_local_name(get_language() or settings.LANGUAGE_CODE),
                slug=slug,
            ),
        )

    def title(self, scope: FeedScope) -> str:
        return _("%(site)s: commentary citing %(organization)s") % {
            "site": settings.SITE_NAME,
            "organization": scope.organization.local_name,
        }

    def subtitle(self, scope: FeedScope) -> str:
        return _("Published commentary with claims whose evidence is %(organization)s.") % {
            "organization": scope.organization.local_name
        }

    description = subtitle

    def link(self, scope: FeedScope) -> str:
        return scope.organization.get_absolute_url()

    def items(self, scope: FeedScope) -> list[Translation]:
        translations = selectors.citing_translations(
            organization=scope.organization, language=scope.language
        )
        selectors.attach_live_since(translations)
        return self.prepare(translations, scope)


# Corrections


def reader_link(correction: Revision, language: str) -> str:
    """Where a reader of `language` reads the corrected article: in that language when
    published in it, else the corrected version itself."""
    if getattr(correction, "readable_here", False):
        return correction.translation.article.get_absolute_url(language) + "#corrections"
    return correction.translation.get_absolute_url() + "#corrections"


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
