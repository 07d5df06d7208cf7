"""An organization with a long history: a small page, a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.models import MembershipEvent
from organizations.status import membership_status, status_periods
from organizations.timeline import build_timeline
from reader.views.registry import EVENTS_PAGE_SIZE
from tests.factories import MembershipEventFactory, OrganizationFactory, SourceFactory

pytestmark = pytest.mark.django_db

D = datetime.date
KINDS = (
    MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED,
    MembershipEvent.Kind.WITHDRAWAL_RETRACTED,
    MembershipEvent.Kind.FUNDING_CUT,
    MembershipEvent.Kind.REJOINED,
)


def organization_with_events(slug: str, count: int):
    organization = OrganizationFactory(slug=slug)
    source = SourceFactory()
    first = MembershipEventFactory(
        organization=organization, kind=KINDS[0], announced_on=D(1950, 1, 1)
    )
    first.sources.add(source)
    MembershipEvent.objects.bulk_create(
        MembershipEvent(
            organization=organization,
            key=f"{slug}-{index}",
            country="US" if index % 10 else "FR",
            # A long history is mostly funding and reviews; membership changes now and then.
            kind=KINDS[index // 50 % len(KINDS)] if index % 50 == 1 else KINDS[2],
            announced_on=D(1950, 1, 2) + datetime.timedelta(days=9 * index),
            effective_on=D(1950, 1, 2) + datetime.timedelta(days=9 * index + 30),
            summary=f"Event number {index}",
        )
        for index in range(1, count)
    )
    return organization


def get(client, organization, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(organization.get_absolute_url(), params or {})
    assert response.status_code == 200
    return response, len(context.captured_queries)


def test_heavy_organization_page_is_small_and_reads_as_many_queries_as_a_light_one(client):
    light = organization_with_events("light", 3)
    heavy = organization_with_events("heavy", 1200)

    _, light_queries = get(client, light)
    heavy_response, heavy_queries = get(client, heavy)

    assert heavy_queries == light_queries <= 9
    assert len(heavy_response.context["events"]) == EVENTS_PAGE_SIZE
    assert heavy_response.content.count(b'<tr id="event-') == EVENTS_PAGE_SIZE
    assert len(heavy_response.content) < 60_000


def test_heavy_organization_pages_through_events_newest_first_keeping_the_date(client):
    heavy = organization_with_events("heavy", 1200)
    newest = MembershipEvent.objects.filter(organization=heavy).newest_first()

    first, _ = get(client, heavy, {"on": "1990-01-01"})
    last, _ = get(client, heavy, {"on": "1990-01-01", "events_page": "12"})

    assert [event.pk for event in first.context["events"]] == [
        event.pk for event in newest[:EVENTS_PAGE_SIZE]
    ]
    assert [event.pk for event in last.context["events"]] == [event.pk for event in newest[1100:]]
    assert b"events_page=2" in first.content and b"on=1990-01-01" in first.content
    assert last.context["status_on"] == D(1990, 1, 1)


def test_heavy_organization_timeline_covers_every_event_not_only_the_page(client):
    heavy = organization_with_events("heavy", 1200)
    us_events = list(MembershipEvent.objects.filter(organization=heavy, country="US"))

    response, _ = get(client, heavy, {"on": "1960-06-01"})

    assert response.context["status"] == membership_status(us_events, D(1960, 6, 1))
    assert f'data-us-status="{response.context["status"].value}"'.encode() in response.content
    expected = build_timeline(
        status_periods(us_events), today=timezone.localdate(), marker=D(1960, 6, 1)
    )
    assert response.context["timeline"].bars == expected.bars
    assert len(expected.bars) > 10
