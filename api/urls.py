"""The API's URLs: ninja's operations and the OpenAPI document, each behind `open_endpoint`."""

from __future__ import annotations

import functools
import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse

from api.api import api
from api.http import ConditionalResponse, conditional, open_endpoint
from freshness.generation import ContentState

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
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    # The document depends on code only: its own digest stands in for the content
    # state, so that it costs no query and stays valid while content changes.
    digest = hashlib.sha256(document).hexdigest()
    try:
        conditional(request, response, state=ContentState(epoch=digest))
    except ConditionalResponse as answered:
        return answered.response
    return response


def _open(pattern: URLPattern) -> URLPattern:
    return URLPattern(
        pattern.pattern, open_endpoint(pattern.callback), pattern.default_args, pattern.name
    )


urlpatterns = [
    path("openapi.json", open_endpoint(openapi_document), name="openapi"),
    *(_open(pattern) for pattern in api.urls[0]),
]
