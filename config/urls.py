from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from articles import views as article_views
from articles.robots import robots_txt

urlpatterns = [
    path("healthz", article_views.healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/review/", include("articles.review_urls")),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", article_views.home, name="home"),
    path("articles/", include("articles.urls")),
    path("registry/", include("organizations.urls")),
    prefix_default_language=True,
)
