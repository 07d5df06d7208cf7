from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from articles import views as article_views

urlpatterns = [
    path("healthz", article_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", article_views.home, name="home"),
    path("registry/", include("organizations.urls")),
    prefix_default_language=True,
)
