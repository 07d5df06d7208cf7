"""The API's operations, gathered under one NinjaAPI that also writes their OpenAPI document."""

from __future__ import annotations

import functools
import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI

from api import published, registry, schemas
from api.errors import install_handlers
from api.http import AddressRateThrottle, ReadOnlyRouter, conditional
from api.links import Links
from freshness.generation import ContentState

TITLE = "Concordance open data API"
VERSION = "1.0.0"


class OpenDataAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Operation ids are what generated clients name their methods after.
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs):
        """The document, with each operation once: as a GET (a HEAD is a GET without body)."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            operations.pop("head", None)
        return schema


api = OpenDataAPI(
    title=TITLE,
    version=VERSION,
    description=(
        "Read-only open data: the registry of international organizations and United "
        "States membership events, and the published articles whose claims cite it. "
        "No authentication. Every successful answer carries an ETag for conditional "
        "requests; any origin may read the API; each address may make a limited "
        "number of requests a minute."
    ),
    urls_namespace="api",
    # The document is served by the `openapi_document` operation, with validators
    # and the rate limit; the interactive docs page would load scripts from a CDN.
    openapi_url=None,
    docs_url=None,
    throttle=AddressRateThrottle(),
    default_router=ReadOnlyRouter(),
)
install_handlers(api)

api.add_router("/organizations/", registry.organizations)
api.add_router("/events/", registry.events)
api.add_router("/instruments/", registry.instruments)
api.add_router("/articles/", published.articles)
api.add_router("/corrections/", published.corrections)

ENDPOINTS = {
    "organizations": "organizations",
    "events": "events",
    "instruments": "instruments",
    "articles": "articles",
    "corrections": "corrections",
}


@api.get(
    "/",
    response=schemas.responses(schemas.IndexOut, parameters=False, lookup=False),
    url_name="index",
    summary="Where everything is",
    tags=["index"],
    openapi_extra=schemas.OPENAPI_EXTRA,
)
def index(request: HttpRequest, response: HttpResponse):
    """Links to the OpenAPI document and to every list."""
    conditional(request, response)
    links = Links(request)
    return {
        "title": TITLE,
        "version": VERSION,
        "openapi": links.api("openapi"),
        "endpoints": {name: links.api(url_name) for name, url_name in ENDPOINTS.items()},
    }


@functools.cache
def _document() -> bytes:
    schema = api.get_openapi_schema(path_prefix=reverse("api:api-root"))
    return json.dumps(schema, ensure_ascii=False, sort_keys=True).encode()


@api.get("/openapi.json", url_name="openapi", include_in_schema=False)
def openapi_document(request: HttpRequest):
    """The OpenAPI document of the API, built once per process."""
    document = _document()
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    # The document depends on code only: its own digest stands in for the content
    # state, so that it costs no query and stays valid while content changes.
    conditional(request, response, state=ContentState(epoch=hashlib.sha256(document).hexdigest()))
    return response
