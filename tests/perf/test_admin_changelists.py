"""The registry's admin changelists stay fast however large the registry grows.

A list reads its page from an index in a fixed number of queries, never
counts a large table whole, and builds its row links and filter choices once
per page rather than once per row or per choice, with the same markup as
Django's own.
"""

from __future__ import annotations

import datetime
import html
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.changelists import EstimatedCountPaginator
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
ORGANIZATIONS = reverse("admin:organizations_organization_changelist")
EVENTS = reverse("admin:organizations_membershipevent_changelist")
INSTRUMENTS = reverse("admin:organizations_instrument_changelist")

# Session, user and the user's two permission lookups, then the list's own:
# the domain filter's choices, the count, the page and the page's parents.
ORGANIZATION_LIST_QUERIES = 8
# Session, user, permissions, then the instruments' number and latest change,
# the instrument filter's choices, the recorded countries, the count and the
# page. The filter's choices and the countries are then read from the cache.
EVENT_LIST_QUERIES = 9
EVENT_LIST_QUERIES_CACHED = 7


def estimate_queries() -> int:
    """On PostgreSQL an unfiltered list first asks the planner how many rows it has."""
    return 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def registry_of(organizations: int) -> None:
    """`organizations` organizations under a few parents, with names, domains and events."""
    parents = OrganizationFactory.create_batch(3)
    domain = DomainFactory()
    instruments = InstrumentFactory.create_batch(3)
    verifier = UserFactory()
    for number in range(organizations):
        organization = OrganizationFactory(parent=parents[number % 3])
        organization.domains.add(domain)
        OrganizationNameFactory(organization=organization)
        source = SourceFactory()
        event = MembershipEventFactory(
            organization=organization,
            instrument=instruments[number % 3],
            verified_by=verifier,
            verified_at=timezone.now(),
            verified_source=source,
        )
        event.sources.add(source)
        MembershipEventFactory(
            organization=organization,
            kind=MembershipEvent.Kind.WITHDRAWAL_EFFECTIVE,
            announced_on=None,
            effective_on=D(2026, 1, 22),
        )


def rows(response) -> list:
    return list(response.context["cl"].result_list)


def spec_of(response, title: str):
    return next(spec for spec in response.context["cl"].filter_specs if spec.title == title)


@pytest.mark.parametrize("organizations", [10, 100])
def test_organization_changelist_queries_do_not_grow_with_rows(
    moderator_client, django_assert_num_queries, organizations
):
    registry_of(organizations)

    with django_assert_num_queries(ORGANIZATION_LIST_QUERIES + estimate_queries()):
        response = moderator_client.get(ORGANIZATIONS)

    listed = rows(response)
    assert len(listed) == min(Organization.objects.count(), 50)
    assert all(row.parent.name for row in listed if row.parent_id)


@pytest.mark.parametrize("organizations", [10, 100])
def test_event_changelist_queries_do_not_grow_with_rows(
    moderator_client, django_assert_num_queries, organizations
):
    registry_of(organizations)

    with django_assert_num_queries(EVENT_LIST_QUERIES + estimate_queries()):
        first = moderator_client.get(EVENTS)
    with django_assert_num_queries(EVENT_LIST_QUERIES_CACHED + estimate_queries()):
        again = moderator_client.get(EVENTS)

    assert len(rows(first)) == len(rows(again)) == min(2 * organizations, 50)
    assert all(row.instrument.title for row in rows(again) if row.instrument_id)


def test_listing_opens_no_transaction(moderator_client):
    """Reading a list changes nothing, so it starts no revision and no transaction for one."""
    registry_of(3)

    for url in (ORGANIZATIONS, EVENTS):
        with CaptureQueriesContext(connection) as context:
            moderator_client.get(url)
        statements = [query["sql"].split()[0].upper() for query in context.captured_queries]
        assert not {"SAVEPOINT", "BEGIN", "RELEASE"} & set(statements)


@pytest.mark.postgres_only
def test_unfiltered_changelists_never_count_the_whole_table(moderator_client, monkeypatch):
    """The page numbers come from PostgreSQL's estimate, which ANALYZE keeps close."""
    registry_of(12)
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_ABOVE", 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE organizations_organization, organizations_membershipevent")

    for url, model in ((ORGANIZATIONS, Organization), (EVENTS, MembershipEvent)):
        with CaptureQueriesContext(connection) as context:
            response = moderator_client.get(url)
        table = model._meta.db_table
        counts = [
            query["sql"]
            for query in context.captured_queries
            if "COUNT(" in query["sql"].upper() and f'FROM "{table}"' in query["sql"]
        ]
        assert counts == []
        assert any("pg_class" in query["sql"] for query in context.captured_queries)
        assert response.context["cl"].result_count == model.objects.count()


def test_filtered_changelist_is_counted_exactly(moderator_client):
    registry_of(12)

    response = moderator_client.get(
        EVENTS, {"kind__exact": MembershipEvent.Kind.WITHDRAWAL_EFFECTIVE}
    )

    assert response.context["cl"].result_count == 12


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"country__exact": "US", "kind__exact": "joined"},
        {"instrument__isnull": "True", "o": "-3"},
        {"q": "世界 a&b=c+d", "verified": "yes", "organization__un_related__exact": "1"},
    ],
    ids=["none", "around", "empty-choice", "escaped"],
)
def test_instrument_filter_offers_the_links_django_would(moderator_client, params):
    registry_of(3)
    InstrumentFactory(kind=Instrument.Kind.STATUTE, title="Foreign Relations <Act> & more")
    chosen = Instrument.objects.first()

    for chosen_params in (params, params | {"instrument__id__exact": str(chosen.pk)}):
        response = moderator_client.get(EVENTS, chosen_params)
        cl = response.context["cl"]
        spec = spec_of(response, "instrument")

        ours = [
            {key: choice[key] for key in ("selected", "query_string", "display")}
            for choice in spec.choices(cl)
        ]
        djangos = list(admin.RelatedFieldListFilter.choices(spec, cl))
        assert ours == djangos
        assert len(ours) == Instrument.objects.count() + 2
        content = response.content.decode()
        for choice in djangos:
            assert f'<a href="{html.escape(choice["query_string"])}">' in content
        assert "Foreign Relations &lt;Act&gt; &amp; more</a>" in content


def test_instrument_filter_shows_a_change_to_the_instruments_at_once(moderator_client):
    renamed = InstrumentFactory(kind=Instrument.Kind.STATUTE, title="Old title")
    gone = InstrumentFactory(kind=Instrument.Kind.STATUTE, title="Repealed act")
    MembershipEventFactory(instrument=renamed)

    def offered() -> list[str]:
        return [
            display
            for _pk, display in spec_of(moderator_client.get(EVENTS), "instrument").lookup_choices
        ]

    assert offered() == ["Old title", "Repealed act"]
    with CaptureQueriesContext(connection) as context:
        offered()
    instrument_reads = [
        query["sql"]
        for query in context.captured_queries
        if 'FROM "organizations_instrument"' in query["sql"]
    ]
    assert instrument_reads == [], "the choices come from the cache while the registry stands"

    renamed.title = "New title"
    renamed.save()
    assert offered() == ["New title", "Repealed act"]

    gone.delete()
    InstrumentFactory(kind=Instrument.Kind.STATUTE, title="Added act")
    assert sorted(offered()) == ["Added act", "New title"]


def test_row_checkboxes_and_links_are_djangos(moderator_client):
    organization = OrganizationFactory(name='Bank & "Fund" <Trust>', acronym="B&F")
    MembershipEventFactory(organization=organization)

    for url, model in ((ORGANIZATIONS, Organization), (EVENTS, MembershipEvent)):
        response = moderator_client.get(url)
        cl = response.context["cl"]
        model_admin = admin.site.get_model_admin(model)
        for row in rows(response):
            assert model_admin.action_checkbox(row) == admin.ModelAdmin.action_checkbox(
                model_admin, row
            )
            assert cl.url_for_result(row) == ChangeList.url_for_result(cl, row)
            assert cl.url_for_result(row) in response.content.decode()


@pytest.mark.parametrize("object_id", ["12", "a b/c_d", "ünï?#%", "x:y@z~"])
def test_change_links_quote_any_id_as_django_does(moderator_client, object_id):
    cl = moderator_client.get(EVENTS).context["cl"]
    row = SimpleNamespace(id=object_id)

    assert cl.url_for_result(row) == ChangeList.url_for_result(cl, row)


def test_big_lists_offer_no_facet_counts(moderator_client):
    """Facet counts would count a large table once per filter choice."""
    registry_of(3)

    for url in (ORGANIZATIONS, EVENTS):
        response = moderator_client.get(url, {"_facets": "1"})

        assert response.status_code == 200
        assert response.context["cl"].add_facets is False


def test_instrument_changelist_counts_and_sorts_by_each_instruments_events(moderator_client):
    busy = InstrumentFactory(title="Busy", signed_on=D(2020, 1, 1))
    idle = InstrumentFactory(title="Idle", signed_on=D(2025, 1, 1))
    MembershipEventFactory.create_batch(2, instrument=busy)

    response = moderator_client.get(INSTRUMENTS, {"o": "-6"})

    assert [(row.title, row.event_count) for row in rows(response)] == [("Busy", 2), ("Idle", 0)]
    assert idle.pk in {row.pk for row in rows(response)}


def test_event_changelist_lists_newest_first_without_joining_for_the_order(moderator_client):
    old = MembershipEventFactory(announced_on=D(1990, 1, 1))
    new = MembershipEventFactory(announced_on=D(2025, 1, 1))

    with CaptureQueriesContext(connection) as context:
        response = moderator_client.get(EVENTS)

    listed = rows(response)
    assert [listed[0].pk, listed[-1].pk] == [new.pk, old.pk]
    page_query = next(q["sql"] for q in context.captured_queries if "LIMIT" in q["sql"])
    assert 'ORDER BY "organizations_organization"."name"' not in page_query


def test_event_changelist_marks_verified_only_events_citing_their_source(moderator_client):
    verifier = UserFactory(username="verifier")
    source, dropped = SourceFactory(), SourceFactory()
    sourced = MembershipEventFactory(
        verified_by=verifier, verified_at=timezone.now(), verified_source=source
    )
    sourced.sources.add(source)
    # Verified against a source it no longer cites (written around the services).
    stale = MembershipEventFactory(
        verified_by=verifier, verified_at=timezone.now(), verified_source=dropped
    )
    stale.sources.add(SourceFactory())
    unverified = MembershipEventFactory()
    unverified.sources.add(SourceFactory(kind="primary"))

    response = moderator_client.get(EVENTS)

    verified = {row.pk: row.verification_holds for row in rows(response)}
    assert verified == {sourced.pk: True, stale.pk: False, unverified.pk: False}
    primary = {row.pk: row.cites_primary for row in rows(response)}
    assert primary == {sourced.pk: False, stale.pk: False, unverified.pk: True}
    assert MembershipEvent.objects.verified().get() == sourced


def test_country_filter_lists_recorded_countries_and_filters_by_them(moderator_client):
    cache.clear()
    MembershipEventFactory(country="US")
    french = MembershipEventFactory(country="FR")

    response = moderator_client.get(EVENTS, {"country__exact": "FR"})

    assert [row.pk for row in rows(response)] == [french.pk]
    assert b"?country__exact=US" in moderator_client.get(EVENTS).content
