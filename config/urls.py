from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles import corrections_views, search_views
from articles import views as article_views
from articles.corrections import CorrectionsFeed
from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from articles.robots import robots_txt
from articles.sitemaps import ArticleSitemap, SitePagesSitemap
from organizations.sitemaps import InstrumentSitemap, OrganizationSitemap

# /sitemap.xml is an index of these sections, each paged at 50,000 URLs.
SITEMAPS = {
    "articles": ArticleSitemap,
    "organizations": OrganizationSitemap,
    "instruments": InstrumentSitemap,
    "pages": SitePagesSitemap,
}

urlpatterns = [
    path("healthz", article_views.healthz, name="healthz"),
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
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/review/", include("articles.review_urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]

urlpatterns += i18n_patterns(
    path("", article_views.home, name="home"),
    path("articles/", include("articles.urls")),
    path("registry/", include("organizations.urls")),
    path("feeds/articles.rss", LatestArticlesFeed(), name="feed_articles_rss"),
    path("feeds/articles.atom", LatestArticlesAtomFeed(), name="feed_articles_atom"),
    path("search/", search_views.search, name="search"),
    path("corrections/", corrections_views.corrections_list, name="corrections"),
    path("feeds/corrections.atom", CorrectionsFeed(), name="feed_corrections_atom"),
    prefix_default_language=True,
)
