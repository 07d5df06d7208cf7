"""The registry FilterSets and the status-date form, on their own."""

import datetime

import pytest
import time_machine
from django.utils import translation

from organizations.filters import MembershipEventFilter, OrganizationFilter, StatusDateForm
from organizations.models import MembershipEvent, Organization
from tests.factories import (
    DomainFactory,
    InstrumentFactory,
    MembershipEventFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def slugs(filterset) -> list[str]:
    return sorted(filterset.qs.values_list("slug", flat=True))


def test_unbound_filter_returns_the_queryset_it_was_given():
    OrganizationFactory(slug="a", un_related=True)
    OrganizationFactory(slug="b", un_related=False)
    given = Organization.objects.filter(un_related=True)
    assert slugs(OrganizationFilter(queryset=given)) == ["a"]


def test_domain_and_instrument_choices_come_from_the_database():
    DomainFactory(slug="health", name="Health")
    InstrumentFactory(slug="eo-14155", number="14155")
    form = OrganizationFilter(queryset=Organization.objects.all()).form
    assert ("health", "Health") in form.fields["domain"].choices
    assert ("eo-14155", "Executive Order 14155") in form.fields["instrument"].choices


def test_status_filter_annotates_a_plain_queryset_itself():
    pending = OrganizationFactory(slug="pending")
    MembershipEventFactory(organization=pending, announced_on=D(2026, 1, 7))
    OrganizationFactory(slug="never")
    filterset = OrganizationFilter(
        {"status": "withdrawal_pending"}, queryset=Organization.objects.all()
    )
    assert slugs(filterset) == ["pending"]


@time_machine.travel(datetime.datetime(2026, 1, 21, 12, tzinfo=datetime.UTC))
def test_status_filter_reads_the_status_on_the_day_of_the_request():
    who = OrganizationFactory(slug="who")
    MembershipEventFactory(
        organization=who, announced_on=D(2025, 1, 20), effective_on=D(2026, 1, 22)
    )
    data = {"status": "withdrawn"}
    assert slugs(OrganizationFilter(data, queryset=Organization.objects.with_status())) == []
    with time_machine.travel(datetime.datetime(2026, 1, 22, 12, tzinfo=datetime.UTC)):
        queryset = Organization.objects.with_status()
        assert slugs(OrganizationFilter(data, queryset=queryset)) == ["who"]


def test_announced_bounds_must_both_hold_for_the_same_event():
    split = OrganizationFactory(slug="split")
    MembershipEventFactory(organization=split, announced_on=D(2019, 1, 1))
    MembershipEventFactory(organization=split, announced_on=D(2026, 1, 1))
    inside = OrganizationFactory(slug="inside")
    MembershipEventFactory(organization=inside, announced_on=D(2022, 6, 1))
    data = {"announced_after": "2020-01-01", "announced_before": "2024-12-31"}
    assert slugs(OrganizationFilter(data, queryset=Organization.objects.all())) == ["inside"]


def test_one_announced_bound_alone_filters():
    early = OrganizationFactory(slug="early")
    MembershipEventFactory(organization=early, announced_on=D(2019, 1, 1))
    late = OrganizationFactory(slug="late")
    MembershipEventFactory(organization=late, announced_on=D(2026, 1, 1))
    queryset = Organization.objects.all()
    before = OrganizationFilter({"announced_before": "2020-01-01"}, queryset=queryset)
    assert slugs(before) == ["early"]
    after = OrganizationFilter({"announced_after": "2020-01-01"}, queryset=queryset)
    assert slugs(after) == ["late"]


def test_instrument_filter_matches_without_repeating_organizations():
    memo = InstrumentFactory(slug="memo")
    named = OrganizationFactory(slug="named")
    for day in (7, 8, 9):
        MembershipEventFactory(organization=named, instrument=memo, announced_on=D(2026, 1, day))
    OrganizationFactory(slug="other")
    filterset = OrganizationFilter({"instrument": "memo"}, queryset=Organization.objects.all())
    assert list(filterset.qs.values_list("slug", flat=True)) == ["named"]
    assert filterset.selected_instrument == memo


def test_invalid_fields_are_reported_and_left_out():
    OrganizationFactory(slug="treaty", kind=Organization.Kind.TREATY)
    OrganizationFactory(slug="forum", kind=Organization.Kind.PARTNERSHIP_FORUM)
    filterset = OrganizationFilter(
        {"kind": "treaty", "un_related": "maybe", "sort": "; DROP TABLE"},
        queryset=Organization.objects.all(),
    )
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"un_related", "sort"}
    assert slugs(filterset) == ["treaty"]
    assert filterset.current_sort == "name"


def test_sort_by_name_follows_the_names_readers_see():
    alpha = OrganizationFactory(slug="alpha", name="Alpha")
    OrganizationNameFactory(organization=alpha, language="fr", name="Zèbre")
    beta = OrganizationFactory(slug="beta", name="Beta")
    OrganizationNameFactory(organization=beta, language="fr", name="Abeille")

    def ordered(language, sort):
        with translation.override(language):
            filterset = OrganizationFilter({"sort": sort}, queryset=Organization.objects.all())
            return list(filterset.qs.values_list("slug", flat=True))

    assert ordered("en", "name") == ["alpha", "beta"]
    assert ordered("en", "-name") == ["beta", "alpha"]
    assert ordered("fr", "name") == ["beta", "alpha"]


def test_current_sort_is_the_chosen_one_or_name():
    queryset = Organization.objects.all()
    assert OrganizationFilter({"sort": "-founded"}, queryset=queryset).current_sort == "-founded"
    assert OrganizationFilter({}, queryset=queryset).current_sort == "name"
    assert OrganizationFilter(queryset=queryset).current_sort == "name"


def test_event_filter_country_is_case_insensitive_and_validated():
    MembershipEventFactory(country="US")
    MembershipEventFactory(country="FR")
    queryset = MembershipEvent.objects.all()
    assert MembershipEventFilter({"country": "fr"}, queryset=queryset).qs.count() == 1
    invalid = MembershipEventFilter({"country": "1!"}, queryset=queryset)
    assert "country" in invalid.errors
    assert invalid.qs.count() == 2


def test_event_filter_searches_organization_names_in_every_language():
    who = OrganizationFactory(slug="who", name="World Health Organization", acronym="WHO")
    OrganizationNameFactory(organization=who, language="zh-hans", name="世界卫生组织")
    MembershipEventFactory(organization=who)
    MembershipEventFactory(organization=who, announced_on=D(2020, 7, 6))
    MembershipEventFactory()
    queryset = MembershipEvent.objects.all()
    assert MembershipEventFilter({"q": "卫生"}, queryset=queryset).qs.count() == 2
    assert MembershipEventFilter({"q": "who"}, queryset=queryset).qs.count() == 2


def test_status_date_form_reads_an_iso_date():
    form = StatusDateForm({"on": "2025-06-01"})
    assert form.status_date(default=D(2000, 1, 1)) == D(2025, 6, 1)


@pytest.mark.parametrize("data", [None, {}, {"on": ""}, {"other": "x"}])
def test_status_date_form_without_a_date_uses_the_default(data):
    assert StatusDateForm(data).status_date(default=D(2000, 1, 1)) == D(2000, 1, 1)


@pytest.mark.parametrize("value", ["2025-02-30", "06/01/2025", "2025-6-1x", "-1"])
def test_status_date_form_with_a_malformed_date_reports_it_and_uses_the_default(value):
    form = StatusDateForm({"on": value})
    assert form.status_date(default=D(2000, 1, 1)) == D(2000, 1, 1)
    assert "on" in form.errors


def test_relation_filter_keeps_the_relation_and_status_says_what_it_means():
    desa = OrganizationFactory(slug="desa", relation=Organization.Relation.PARTICIPANT)
    MembershipEventFactory(
        organization=desa,
        kind=MembershipEvent.Kind.PARTICIPATION_ENDED,
        announced_on=D(2026, 1, 7),
    )
    OrganizationFactory(slug="member", relation=Organization.Relation.MEMBER_STATE)

    participants = OrganizationFilter({"relation": "participant"}, queryset=Organization.objects)
    ended = OrganizationFilter({"status": "participation_ended"}, queryset=Organization.objects)

    assert slugs(participants) == ["desa"]
    assert slugs(ended) == ["desa"]
    assert not OrganizationFilter({"relation": "ally"}, queryset=Organization.objects).is_valid()
