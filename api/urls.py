"""The API's URLs: ninja's operations, each behind a `ReadOnlyEndpoint`."""

from __future__ import annotations

from django.urls import URLPattern

from api.api import api
from api.http import ReadOnlyEndpoint

app_name = "api"

urlpatterns = [
    URLPattern(
        pattern.pattern,
        ReadOnlyEndpoint.as_view(operations=pattern.callback),
        pattern.default_args,
        pattern.name,
    )
    for pattern in api.urls[0]
]
