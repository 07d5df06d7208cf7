"""The root URLconf: the reader's site under a language prefix, the admin, the review desk,
the API and the health check."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from ops.views import healthz
from reader.urls import root_urlpatterns

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    *root_urlpatterns,
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/review/", include("review.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]

urlpatterns += i18n_patterns(path("", include("reader.urls")), prefix_default_language=True)
