"""Sitemap sections: articles, registry pages and the site's own pages.

Registry pages exist under every language prefix, but their interface is
translated only into the interface languages; the other prefixes serve the
same page with an English interface. Their sections list the interface
languages only, so that crawlers are not sent to near-duplicates, and point
`x-default` at the unprefixed URL, which redirects each reader to their
language.

An article is listed once per published language version. Each entry names
the article's other published versions as `hreflang` alternates, itself
included as search engines ask, and `x-default` is the published original.
Versions readers cannot see (drafts, unpublished) appear nowhere.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.translation import override

from articles.models import Translation
from articles.selectors import live_since
from organizations.models import Instrument, Organization

INTERFACE_LANGUAGES = ["en", "zh-hans"]


class InterfaceLanguagesSitemap(Sitemap):
    """A page per interface language, each listing the others and `x-default` as alternates."""

    i18n = True
    languages = INTERFACE_LANGUAGES
    alternates = True
    x_default = True


class OrganizationSitemap(InterfaceLanguagesSitemap):
    """Every organization's page; it changes when the organization or one of its events does."""

    def items(self):
        return (
            Organization.objects.annotate(
                last_changed=Greatest(
                    "updated_at", Coalesce(Max("events__updated_at"), "updated_at")
                )
            )
            .only("slug", "updated_at")
            .order_by("slug")
        )

    def lastmod(self, organization: Organization):
        return organization.last_changed


class InstrumentSitemap(InterfaceLanguagesSitemap):
    """Every instrument's page."""

    def items(self):
        return Instrument.objects.only("slug", "updated_at").order_by("slug")

    def lastmod(self, instrument: Instrument):
        return instrument.updated_at


def article_path(slug: str, language: str) -> str:
    """The path of an article's page in `language`."""
    with override(language):
        return reverse("articles:detail", kwargs={"slug": slug})


class ArticleSitemap(Sitemap):
    """Every published language version of every article, with its published siblings."""

    def items(self):
        # Ordered by article so that each sitemap page covers a range of articles
        # and one query finds every sibling of the page's entries.
        return (
            Translation.objects.published()
            .select_related("article")
            .only("pk", "language", "is_original", "article__slug", "live_revision")
            .annotate(live_since=live_since())
            .order_by("article_id", "-is_original", "language")
        )

    def location(self, translation: Translation) -> str:
        return article_path(translation.article.slug, translation.language)

    def lastmod(self, translation: Translation):
        return translation.live_since

    def get_latest_lastmod(self):
        return (
            Translation.objects.published()
            .annotate(live_since=live_since())
            .aggregate(latest=Max("live_since"))["latest"]
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        if not urls:
            return urls
        prefix = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        article_ids = [url["item"].article_id for url in urls]
        versions = defaultdict(list)
        for article_id, slug, language, is_original in (
            Translation.objects.published()
            .filter(article_id__gte=min(article_ids), article_id__lte=max(article_ids))
            .order_by("article_id", "-is_original", "language")
            .values_list("article_id", "article__slug", "language", "is_original")
        ):
            versions[article_id].append(
                (language, prefix + article_path(slug, language), is_original)
            )
        for url in urls:
            siblings = versions[url["item"].article_id]
            url["alternates"] = [
                {"lang_code": language, "location": location}
                for language, location, _original in siblings
            ]
            url["alternates"] += [
                {"lang_code": "x-default", "location": location}
                for _language, location, original in siblings
                if original
            ]
        return urls


class SitePagesSitemap(InterfaceLanguagesSitemap):
    """The home page and the registry's list pages, in the interface languages."""

    def items(self) -> list[str]:
        return ["home", "organizations:list", "organizations:events"]

    def location(self, name: str) -> str:
        return reverse(name)


# /sitemap.xml is an index of these sections, each paged at 50,000 URLs.
SITEMAPS = {
    "articles": ArticleSitemap,
    "organizations": OrganizationSitemap,
    "instruments": InstrumentSitemap,
    "pages": SitePagesSitemap,
}
