"""The reader's site: every public page under a language prefix, and what crawlers read.

`urlpatterns` is mounted under `i18n_patterns` by the root URLconf;
`root_urlpatterns` (robots.txt and the sitemaps) stand outside any prefix.
Article and registry pages keep their own namespaces, `articles` and
`organizations`, which templates and `get_absolute_url` reverse.
"""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from reader import downloads
from reader.feeds import (
    CorrectionsFeed,
    LatestArticlesAtomFeed,
    LatestArticlesFeed,
    OrganizationArticlesFeed,
)
from reader.robots import robots_txt
from reader.sitemaps import SITEMAPS
from reader.views import articles, corrections, registry, search

article_urls = (
    [path("<slug:slug>/", articles.article_detail, name="detail")],
    "articles",
)

# The fixed paths come before `<slug>/` so that no organization slug can hide them.
registry_urls = (
    [
        path("", registry.OrganizationListView.as_view(), name="list"),
        path("events/", registry.MembershipEventListView.as_view(), name="events"),
        path("downloads/registry.json", downloads.registry_json_download, name="download_json"),
        path("downloads/<str:table>.csv", downloads.registry_csv_download, name="download_csv"),
        path(
            "instruments/<slug:slug>/", registry.InstrumentDetailView.as_view(), name="instrument"
        ),
        path("<slug:slug>/feed.atom", OrganizationArticlesFeed(), name="feed"),
        path("<slug:slug>/", registry.OrganizationDetailView.as_view(), name="detail"),
    ],
    "organizations",
)

urlpatterns = [
    path("", articles.home, name="home"),
    path("articles/", include(article_urls)),
    path("registry/", include(registry_urls)),
    path("feeds/articles.rss", LatestArticlesFeed(), name="feed_articles_rss"),
    path("feeds/articles.atom", LatestArticlesAtomFeed(), name="feed_articles_atom"),
    path("search/", search.search, name="search"),
    path("corrections/", corrections.corrections_list, name="corrections"),
    path("feeds/corrections.atom", CorrectionsFeed(), name="feed_corrections_atom"),
]

root_urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
