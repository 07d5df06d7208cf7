"""The registry as open data: organizations, membership events and instruments.

The lists filter with the registry pages' own FilterSets, so a query string
means the same on `/en/registry/?…` and on `/api/organizations/?…`. Each
operation first reads its validators from the content generation (one query)
and answers 304 when the caller's copy is current; otherwise it loads what it
shows in a fixed number of queries, whatever the page size.
"""

# No `from __future__ import annotations` here: ninja reads the annotations of a view
# that `@paginate` wraps in ninja's own module, where names given as strings would
# not resolve.

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query

from api import schemas
from api.errors import InvalidParameters, NotFound
from api.http import conditional
from api.links import Links
from api.pagination import Shown
from api.routers import DataRouter
from organizations.filters import MembershipEventFilter, OrganizationFilter
from organizations.models import Instrument, MembershipEvent, Organization
from organizations.status import membership_status, status_periods

REGISTRY_COUNTRY = "US"

organizations = DataRouter(tags=["organizations"])
events = DataRouter(tags=["events"])
instruments = DataRouter(tags=["instruments"])


def filter_data(query: schemas.OrganizationQuery | schemas.EventQuery) -> dict[str, str]:
    """The query's filters as the registry's FilterSets read them from a query string."""
    data = {}
    for name, value in query.model_dump(exclude_none=True).items():
        if isinstance(value, bool):
            data[name] = "true" if value else "false"
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def filtered(filterset) -> Any:
    """The FilterSet's queryset, or a 400 naming every parameter it refused."""
    if not filterset.is_valid():
        raise InvalidParameters(
            {
                name: [str(message) for message in messages]
                for name, messages in filterset.errors.items()
            }
        )
    return filterset.qs


def _sources(sources: Iterable) -> list[dict[str, Any]]:
    return [
        {
            "url": source.url,
            "title": source.title,
            "kind": source.kind,
            "publisher": source.publisher,
            "published_on": source.published_on,
            "accessed_on": source.accessed_on,
            "archive_url": source.archive_url,
            "note": source.note,
        }
        for source in sources
    ]


def event_out(event: MembershipEvent, links: Links, *, organization_slug: str) -> dict[str, Any]:
    """An event as the API shows it; its instrument and sources must be loaded."""
    verified_against = event.verification_source
    return {
        "key": event.key,
        "organization": organization_slug,
        "kind": event.kind,
        "country": event.country,
        "announced_on": event.announced_on,
        "effective_on": event.effective_on,
        "date_precision": event.date_precision,
        "instrument": event.instrument.slug if event.instrument_id else None,
        "summary": event.summary,
        "sources": _sources(event.sources.all()),
        "has_primary_source": event.has_primary_source,
        "verified": verified_against is not None,
        "verification": {"source": verified_against.url, "verified_at": event.verified_at}
        if verified_against is not None
        else None,
        "api_url": links.api("event", key=event.key),
    }


def organization_out(organization: Organization, links: Links) -> dict[str, Any]:
    """The fields lists and the detail share; parent and domains must be loaded."""
    return {
        **organization.open_data(),
        "url": links.page(organization),
        "api_url": links.api("organization", slug=organization.slug),
    }


def instrument_out(instrument: Instrument, links: Links) -> dict[str, Any]:
    """An instrument with the counts `with_counts()` annotates."""
    return {
        "slug": instrument.slug,
        "kind": instrument.kind,
        "number": instrument.number,
        "title": instrument.title,
        "signed_on": instrument.signed_on,
        "citation": instrument.citation,
        "official_url": instrument.url,
        "organizations": {
            "total": instrument.organization_count,
            "un_related": instrument.un_count,
            "non_un": instrument.non_un_count,
        },
        "url": links.page(instrument),
        "api_url": links.api("instrument", slug=instrument.slug),
    }


# Organizations


@organizations.listing(
    "/", schemas.OrganizationOut, url_name="organizations", summary="List organizations"
)
def list_organizations(
    request: HttpRequest, response: HttpResponse, query: Query[schemas.OrganizationQuery]
):
    """Organizations by name, filtered as on the registry page, with their US status today."""
    filterset = OrganizationFilter(
        filter_data(query),
        queryset=Organization.objects.select_related("parent")
        .prefetch_related("domains")
        .with_status()
        .order_by("name", "pk"),
    )
    rows = filtered(filterset)
    conditional(request, response, dated=True)
    links = Links(request)
    # The status today is annotated on the rows, so the list needs no events.
    return Shown(rows, lambda row: {**organization_out(row, links), "status": row.status})


@organizations.detail(
    "/{slug}/",
    schemas.OrganizationDetailOut,
    url_name="organization",
    summary="One organization with its names, events and US status",
)
def get_organization(
    request: HttpRequest,
    response: HttpResponse,
    slug: schemas.Slug,
    query: Query[schemas.StatusDateQuery],
):
    """The organization, its US status on `on` (default today) and its status periods."""
    conditional(request, response, dated=True)
    organization = (
        Organization.objects.select_related("parent")
        .prefetch_related(
            "names",
            "domains",
            Prefetch("events", queryset=MembershipEvent.objects.for_timeline()),
        )
        .filter(slug=slug)
        .first()
    )
    if organization is None:
        raise NotFound(_("There is no organization %(slug)s.") % {"slug": slug})
    status_on = query.on or timezone.localdate()
    organization_events = list(organization.events.all())
    registry_events = [event for event in organization_events if event.country == REGISTRY_COUNTRY]
    links = Links(request)
    return {
        **organization_out(organization, links),
        "founded": organization.founded,
        "headquarters": organization.headquarters,
        "website": organization.website,
        "description": organization.description,
        "status_on": status_on,
        "status": membership_status(registry_events, status_on, organization.relation),
        "status_periods": [
            {"start": period.start, "end": period.end, "status": period.status}
            for period in status_periods(registry_events, organization.relation)
        ],
        "names": [
            {
                "language": name.language,
                "name": name.name,
                "acronym": name.acronym,
                "preferred": name.is_preferred,
            }
            for name in organization.names.all()
        ],
        "events": [
            event_out(event, links, organization_slug=organization.slug)
            for event in organization_events
        ],
    }


# Events


def _events_for_list():
    return (
        MembershipEvent.objects.select_related("organization", "instrument")
        .prefetch_related("sources")
        .newest_first()
    )


@events.listing("/", schemas.EventOut, url_name="events", summary="List membership events")
def list_events(request: HttpRequest, response: HttpResponse, query: Query[schemas.EventQuery]):
    """Membership events, latest first, filtered as on the registry's event page."""
    rows = filtered(MembershipEventFilter(filter_data(query), queryset=_events_for_list()))
    conditional(request, response)
    links = Links(request)
    return Shown(
        rows, lambda event: event_out(event, links, organization_slug=event.organization.slug)
    )


@events.detail("/{key}/", schemas.EventOut, url_name="event", summary="One membership event")
def get_event(request: HttpRequest, response: HttpResponse, key: schemas.LongSlug):
    """A membership event with its sources."""
    conditional(request, response)
    event = _events_for_list().filter(key=key).first()
    if event is None:
        raise NotFound(_("There is no event %(key)s.") % {"key": key})
    return event_out(event, Links(request), organization_slug=event.organization.slug)


# Instruments


@instruments.listing("/", schemas.InstrumentOut, url_name="instruments", summary="List instruments")
def list_instruments(request: HttpRequest, response: HttpResponse):
    """Instruments, latest signed first, with how many organizations their events name."""
    conditional(request, response)
    rows = Instrument.objects.with_counts().order_by("-signed_on", "title", "pk")
    links = Links(request)
    return Shown(rows, lambda instrument: instrument_out(instrument, links))


@instruments.detail(
    "/{slug}/",
    schemas.InstrumentDetailOut,
    url_name="instrument",
    summary="One instrument and the organizations it names",
)
def get_instrument(request: HttpRequest, response: HttpResponse, slug: schemas.Slug):
    """An instrument, its counts and the organizations its events name, by name."""
    conditional(request, response)
    instrument = Instrument.objects.with_counts().filter(slug=slug).first()
    if instrument is None:
        raise NotFound(_("There is no instrument %(slug)s.") % {"slug": slug})
    named = Organization.objects.named_in(instrument).order_by("name", "pk")
    links = Links(request)
    return {
        **instrument_out(instrument, links),
        "description": instrument.description,
        "named_organizations": [
            {
                "slug": organization.slug,
                "name": organization.name,
                "acronym": organization.acronym,
                "un_related": organization.un_related,
                "api_url": links.api("organization", slug=organization.slug),
            }
            for organization in named
        ],
    }
