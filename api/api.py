"""The API's operations, gathered under one NinjaAPI that also writes their OpenAPI document."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from api import published, registry, schemas
from api.errors import install_handlers
from api.http import conditional
from api.links import Links

TITLE = "Concordance open data API"
VERSION = "1.0.0"


class OpenDataAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Operation ids are what generated clients name their methods after.
        return operation.view_func.__name__


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
    # The document is served by `api.urls.openapi_document`, with validators;
    # the interactive docs page would load scripts from a CDN.
    openapi_url=None,
    docs_url=None,
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
