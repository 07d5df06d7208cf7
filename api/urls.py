"""The API's URLs: ninja's operations and the OpenAPI document, each behind `open_endpoint`."""

from __future__ import annotations

import functools
import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse

from api.api import api
from api.http import Freshness, open_endpoint

app_name = "api"


@functools.cache
def _document() -> bytes:
    schema = api.get_openapi_schema(path_prefix=reverse("api:api-root"))
    return json.dumps(schema, ensure_ascii=False, sort_keys=True).encode()


def openapi_document(request: HttpRequest) -> HttpResponse:
    """The OpenAPI document of the API, built once per process."""
    if request.method != "GET":
        return HttpResponse(status=405)
    document = _document()
    freshness = Freshness.of(hashlib.sha256(document).hexdigest())
    if (not_modified := freshness.not_modified(request)) is not None:
        return not_modified
    return freshness.apply(
        request, HttpResponse(document, content_type="application/json; charset=utf-8")
    )


def _open(pattern: URLPattern) -> URLPattern:
    return URLPattern(
        pattern.pattern, open_endpoint(pattern.callback), pattern.default_args, pattern.name
    )


urlpatterns = [
    path("openapi.json", open_endpoint(openapi_document), name="openapi"),
    *(_open(pattern) for pattern in api.urls[0]),
]
