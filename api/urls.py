"""The API's URLs: ninja's operations, each behind `open_endpoint`."""

from __future__ import annotations

from django.urls import URLPattern

from api.api import api
from api.http import open_endpoint

app_name = "api"


def _open(pattern: URLPattern) -> URLPattern:
    return URLPattern(
        pattern.pattern, open_endpoint(pattern.callback), pattern.default_args, pattern.name
    )


urlpatterns = [_open(pattern) for pattern in api.urls[0]]
