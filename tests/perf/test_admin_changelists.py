"""The registry's admin changelists read a page from an index, not by sorting every event."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.models import MembershipEvent
from tests.factories import MembershipEventFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def test_event_changelist_lists_newest_first_without_joining_for_the_order(moderator_client):
    old = MembershipEventFactory(announced_on=D(1990, 1, 1))
    new = MembershipEventFactory(announced_on=D(2025, 1, 1))

    with CaptureQueriesContext(connection) as context:
        response = moderator_client.get(reverse("admin:organizations_membershipevent_changelist"))

    rows = list(response.context["cl"].result_list)
    assert [rows[0].pk, rows[-1].pk] == [new.pk, old.pk]
    page_query = next(q["sql"] for q in context.captured_queries if "LIMIT" in q["sql"])
    assert 'ORDER BY "organizations_organization"."name"' not in page_query


def test_event_changelist_marks_verified_only_events_citing_a_source(moderator_client):
    verifier = UserFactory(username="verifier")
    sourced = MembershipEventFactory(verified_by=verifier, verified_at=timezone.now())
    sourced.sources.add(SourceFactory())
    unsourced = MembershipEventFactory(verified_by=verifier, verified_at=timezone.now())
    unverified = MembershipEventFactory()
    unverified.sources.add(SourceFactory())

    response = moderator_client.get(reverse("admin:organizations_membershipevent_changelist"))

    verified = {row.pk: row.verified_with_source for row in response.context["cl"].result_list}
    assert verified == {sourced.pk: True, unsourced.pk: False, unverified.pk: False}
    assert MembershipEvent.objects.verified().get() == sourced


def test_country_filter_lists_recorded_countries_and_filters_by_them(moderator_client):
    cache.clear()
    MembershipEventFactory(country="US")
    french = MembershipEventFactory(country="FR")
    url = reverse("admin:organizations_membershipevent_changelist")

    response = moderator_client.get(url, {"country__exact": "FR"})

    assert [row.pk for row in response.context["cl"].result_list] == [french.pk]
    assert b"?country__exact=US" in moderator_client.get(url).content
