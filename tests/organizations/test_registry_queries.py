"""The registry pages read in a fixed number of queries, however many rows they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.models import Instrument, MembershipEvent, Organization
from tests.factories import (
    DomainFactory,
    InstrumentFactory,
    MembershipEventFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
LIST_FILTERS = {
    "q": "Body",
    "un_related": "true",
    "domain": "health",
    "status": "withdrawal_pending",
    "instrument": "memo",
    "announced_after": "2020-01-01",
    "announced_before": "2030-01-01",
    "sort": "-founded",
}


def populate(count: int, *, first: int = 0) -> None:
    """`count` UN-related organizations that every filter of LIST_FILTERS matches.

    Each has names in two languages, two domains, a parent and a verified, sourced event.
    """
    memo = Instrument.objects.filter(slug="memo").first() or InstrumentFactory(slug="memo")
    health, climate = DomainFactory(slug="health"), DomainFactory(slug="climate")
    parent = Organization.objects.filter(slug="parent-body").first() or OrganizationFactory(
        name="Parent body", slug="parent-body", un_related=False
    )
    moderator = UserFactory(username="verifier")
    for index in range(first, first + count):
        organization = OrganizationFactory(
            name=f"Body {index:03d}",
            slug=f"body-{index:03d}",
            un_related=True,
            parent=parent,
            founded=1900 + index,
        )
        organization.domains.add(health, climate)
        OrganizationNameFactory(organization=organization, language="zh-hans")
        OrganizationNameFactory(organization=organization, language="fr")
        source = SourceFactory()
        event = MembershipEventFactory(
            organization=organization,
            instrument=memo,
            announced_on=D(2026, 1, 7),
            verified_by=moderator,
            verified_at=timezone.now(),
            verified_source=source,
        )
        event.sources.add(source)


def count_queries(client, path: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("count", [10, 100])
def test_registry_list_reads_in_at_most_seven_queries(client, count, django_assert_max_num_queries):
    populate(count)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("organizations:list"), LIST_FILTERS)
    assert response.context["paginator"].count == count


def test_registry_list_queries_do_not_grow_with_rows(client):
    populate(10)
    small = count_queries(client, reverse("organizations:list"), LIST_FILTERS)
    populate(90, first=10)
    assert count_queries(client, reverse("organizations:list"), LIST_FILTERS) == small
    assert count_queries(client, reverse("organizations:list")) <= 7


@pytest.mark.parametrize("export_format", ["csv", "json"])
def test_downloads_read_in_a_constant_number_of_queries(client, export_format):
    populate(10)
    params = {**LIST_FILTERS, "format": export_format}
    small = count_queries(client, reverse("organizations:list"), params)
    populate(90, first=10)
    assert count_queries(client, reverse("organizations:list"), params) == small
    assert small <= 7


def make_organization_with_events(slug: str, events: int) -> Organization:
    parent = OrganizationFactory(slug=f"{slug}-parent")
    OrganizationNameFactory(organization=parent, language="en", name=f"{slug} parent alias")
    organization = OrganizationFactory(slug=slug, parent=parent)
    organization.domains.add(DomainFactory(slug="health"))
    organization.sources.add(SourceFactory(), SourceFactory())
    OrganizationNameFactory(organization=organization, language="zh-hans")
    for _ in range(3):
        child = OrganizationFactory(parent=organization)
        OrganizationNameFactory(organization=child, language="zh-hans")
    instrument = InstrumentFactory()
    moderator = UserFactory(username=f"{slug}-moderator")
    for index in range(events):
        source = SourceFactory()
        event = MembershipEventFactory(
            organization=organization,
            kind=MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED
            if index % 2 == 0
            else MembershipEvent.Kind.WITHDRAWAL_RETRACTED,
            announced_on=D(1960, 1, 1) + datetime.timedelta(days=200 * index),
            instrument=instrument,
            verified_by=moderator,
            verified_at=timezone.now(),
            verified_source=source,
        )
        event.sources.add(source, SourceFactory(kind="primary"))
    return organization


@pytest.mark.parametrize("events", [1, 60])
def test_organization_page_reads_in_at_most_nine_queries(
    client, events, django_assert_max_num_queries
):
    organization = make_organization_with_events("body", events)
    with django_assert_max_num_queries(9):
        response = client.get(organization.get_absolute_url(), {"on": "2000-01-01"})
    assert len(response.context["events"]) == events


def test_organization_page_queries_do_not_grow_with_events(client):
    one = make_organization_with_events("one", 1)
    sixty = make_organization_with_events("sixty", 60)
    assert count_queries(client, one.get_absolute_url()) == count_queries(
        client, sixty.get_absolute_url()
    )


def test_event_list_queries_do_not_grow_with_rows(client):
    populate(10)
    params = {"un_related": "true", "instrument": "memo", "q": "Body", "country": "US"}
    small = count_queries(client, reverse("organizations:events"), params)
    populate(90, first=10)
    assert count_queries(client, reverse("organizations:events"), params) == small
    assert small <= 5


def test_instrument_page_queries_do_not_grow_with_organizations(client):
    populate(10)
    path = reverse("organizations:instrument", kwargs={"slug": "memo"})
    small = count_queries(client, path)
    populate(90, first=10)
    assert count_queries(client, path) == small
    assert small <= 5
