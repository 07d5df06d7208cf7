"""RSS and Atom feeds: the latest commentary per language, and per registry organization.

Each entry is one published language version: its live title and
standfirst, its byline, when it was first published and when its live text
was approved. Feeds read in a fixed number of queries however many entries
they carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import DateTimeField, F, OuterRef, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from articles import selectors
from articles.caching import cache_page
from articles.models import ReviewLog, Translation
from organizations.models import Organization

FEED_SIZE = 30
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


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


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


class ArticleFeedBase(Feed):
    """Entries are published translations carrying `live_since` and prefetched bylines."""

    # Feed instances serve every request: per-request state lives in the FeedScope.

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """The feed, with validators from the content state and the page cache.

        A reader polling with a current copy gets a 304 and no body, after
        one query.
        """
        return self._cached_call(request, *args, **kwargs)

    @method_decorator(cache_page(parameters=[], dated=False))
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
        return {"authors": [byline.author.name for byline in item.article.bylines.all()]}

    def prepare(self, translations: list[Translation], scope: FeedScope) -> list[Translation]:
        """Bylines (one query) and a stable id per article and language on each entry."""
        articles = {translation.article_id: translation.article for translation in translations}
        prefetch_related_objects(list(articles.values()), selectors.bylines_prefetch())
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
            "language": _language_name(scope.language),
        }

    def description(self, scope: FeedScope) -> str:
        return _(
            "The latest translated commentary in %(language)s. Every highlighted claim "
            "links to the registry record behind it."
        ) % {"language": _language_name(scope.language)}

    subtitle = description

    def link(self, scope: FeedScope) -> str:
        return reverse("home")

    def items(self, scope: FeedScope) -> list[Translation]:
        translations = list(
            Translation.objects.published()
            .filter(language=scope.language)
            .select_related("article", "live_revision")
            .defer("live_revision__body")
            .annotate(live_since=live_since())
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
        attach_live_since(translations)
        return self.prepare(translations, scope)
