"""The membership status rule, as a pure function and as a SQL annotation."""

import datetime
from dataclasses import dataclass

import pytest

from organizations.models import Organization
from organizations.status import Period, Relation, Status, membership_status, status_periods
from tests.factories import MembershipEventFactory, OrganizationFactory

D = datetime.date


@dataclass
class Event:
    kind: str
    announced_on: datetime.date | None = None
    effective_on: datetime.date | None = None


WHO = [
    Event("withdrawal_announced", D(2020, 7, 6)),
    Event("withdrawal_retracted", D(2021, 1, 20), D(2021, 1, 20)),
    Event("withdrawal_announced", D(2025, 1, 20), D(2026, 1, 22)),
    Event("withdrawal_effective", D(2025, 1, 22), D(2026, 1, 22)),
]
PARIS = [
    Event("withdrawal_announced", D(2019, 11, 4), D(2020, 11, 4)),
    Event("rejoined", D(2021, 1, 20), D(2021, 2, 19)),
    Event("withdrawal_announced", D(2025, 1, 20), D(2026, 1, 27)),
]
# The Human Rights Council, where the United States was an observer in 2025.
UNHRC = [
    Event("participation_ended", D(2025, 2, 4), D(2025, 2, 4)),
    Event("funding_ceased", D(2025, 2, 4), D(2025, 2, 4)),
]
# A UN Secretariat department or an expert body: the memorandum ends participation.
DESA = [Event("participation_ended", D(2026, 1, 7))]
COUNCIL_OF_EUROPE = [Event("observer_status", None, D(1995, 12, 7))]
UNRWA = [Event("funding_ceased", D(2025, 2, 4), D(2025, 2, 4))]
UNESCO = [
    Event("withdrawal_announced", D(1983, 12, 30), D(1984, 12, 31)),
    Event("withdrawal_effective", None, D(1984, 12, 31)),
    Event("rejoined", None, D(2003, 10, 1)),
    Event("withdrawal_announced", D(2017, 10, 12), D(2018, 12, 31)),
    Event("rejoined", None, D(2023, 7, 11)),
    Event("review_ordered", D(2025, 2, 4)),
    Event("withdrawal_announced", D(2025, 7, 22), D(2026, 12, 31)),
]
TODAY = D(2026, 12, 4)


def test_no_events_means_never_member():
    assert membership_status([], D(2026, 1, 1)) == Status.NEVER_MEMBER


def test_before_a_recorded_withdrawal_the_country_was_a_member():
    assert membership_status(WHO, D(2019, 1, 1)) == Status.MEMBER


def test_before_a_recorded_joining_the_country_was_never_a_member():
    events = [Event("joined", None, D(2014, 6, 18))]
    assert membership_status(events, D(2014, 6, 17)) == Status.NEVER_MEMBER
    assert membership_status(events, D(2014, 6, 18)) == Status.MEMBER


def test_announcement_without_effective_date_is_pending():
    events = [Event("withdrawal_announced", D(2026, 1, 7))]
    assert membership_status(events, D(2026, 1, 6)) == Status.MEMBER
    assert membership_status(events, D(2026, 1, 7)) == Status.WITHDRAWAL_PENDING
    assert membership_status(events, D(2030, 1, 1)) == Status.WITHDRAWAL_PENDING


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2020, 7, 5), Status.MEMBER),
        (D(2020, 7, 6), Status.WITHDRAWAL_PENDING),
        (D(2021, 1, 19), Status.WITHDRAWAL_PENDING),
        (D(2021, 1, 20), Status.MEMBER),
        (D(2025, 1, 20), Status.WITHDRAWAL_PENDING),
        (D(2025, 6, 1), Status.WITHDRAWAL_PENDING),
        (D(2026, 1, 21), Status.WITHDRAWAL_PENDING),
        (D(2026, 1, 22), Status.WITHDRAWN),
        (D(2026, 11, 26), Status.WITHDRAWN),
    ],
)
def test_who_history(on, expected):
    assert membership_status(WHO, on) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2019, 11, 3), Status.MEMBER),
        (D(2019, 11, 4), Status.WITHDRAWAL_PENDING),
        (D(2020, 11, 4), Status.WITHDRAWN),
        (D(2021, 1, 20), Status.WITHDRAWN),
        (D(2021, 2, 19), Status.REJOINED),
        (D(2025, 1, 20), Status.WITHDRAWAL_PENDING),
        (D(2026, 1, 26), Status.WITHDRAWAL_PENDING),
        (D(2026, 1, 27), Status.WITHDRAWN),
    ],
)
def test_paris_history_with_an_effective_date_on_the_announcement(on, expected):
    assert membership_status(PARIS, on) == expected


def test_funding_cuts_do_not_change_membership():
    events = [Event("funding_cut", D(2025, 2, 4), D(2025, 2, 4))]
    assert membership_status(events, D(2026, 1, 1)) == Status.NEVER_MEMBER


@pytest.mark.parametrize(
    ("events", "relation", "expected"),
    [
        (WHO, Relation.MEMBER_STATE, (Status.WITHDRAWAL_PENDING, Status.WITHDRAWN)),
        (PARIS, Relation.TREATY_PARTY, (Status.WITHDRAWAL_PENDING, Status.WITHDRAWN)),
        (UNESCO, Relation.MEMBER_STATE, (Status.REJOINED, Status.WITHDRAWAL_PENDING)),
        (UNHRC, Relation.OBSERVER, (Status.OBSERVER_ENDED, Status.OBSERVER_ENDED)),
        (DESA, Relation.PARTICIPANT, (Status.PARTICIPANT, Status.PARTICIPATION_ENDED)),
        (UNRWA, Relation.FUNDER, (Status.FUNDING_CEASED, Status.FUNDING_CEASED)),
        (COUNCIL_OF_EUROPE, Relation.OBSERVER, (Status.OBSERVER, Status.OBSERVER)),
    ],
)
def test_real_histories_on_1_june_2025_and_today(events, relation, expected):
    assert (
        membership_status(events, D(2025, 6, 1), relation),
        membership_status(events, TODAY, relation),
    ) == expected


def test_only_a_membership_or_a_treaty_is_ever_pending_withdrawal():
    announced = [Event("withdrawal_announced", D(2026, 1, 7))]
    pending = {
        relation: membership_status(announced, TODAY, relation) for relation in Relation.values
    }
    assert pending == {
        "member_state": Status.WITHDRAWAL_PENDING,
        "treaty_party": Status.WITHDRAWAL_PENDING,
        "observer": Status.OBSERVER,
        "participant": Status.PARTICIPANT,
        "funder": Status.FUNDER,
    }


def test_a_withdrawal_ends_a_participation_once_it_takes_effect():
    events = [Event("withdrawal_announced", D(2026, 1, 7), D(2027, 1, 7))]
    assert membership_status(events, D(2026, 6, 1), Relation.PARTICIPANT) == Status.PARTICIPANT
    assert (
        membership_status(events, D(2027, 1, 7), Relation.PARTICIPANT) == Status.PARTICIPATION_ENDED
    )
    assert membership_status(events, D(2027, 1, 7), Relation.FUNDER) == Status.FUNDING_CEASED


def test_an_observer_was_an_observer_before_its_participation_ended():
    assert membership_status(UNHRC, D(2025, 2, 3), Relation.OBSERVER) == Status.OBSERVER
    assert membership_status(UNHRC, D(2025, 2, 4), Relation.OBSERVER) == Status.OBSERVER_ENDED


def test_ending_participation_or_funding_leaves_a_membership_as_it_was():
    """A member that stops taking part or paying is still a member."""
    events = [*UNHRC, Event("joined", None, D(2000, 1, 1))]
    assert membership_status(events, TODAY) == Status.MEMBER
    assert membership_status(UNRWA, TODAY, Relation.MEMBER_STATE) == Status.NEVER_MEMBER


def test_observer_status_counts_only_for_an_observer():
    assert membership_status(COUNCIL_OF_EUROPE, D(1995, 12, 6), Relation.OBSERVER) == (
        Status.NEVER_MEMBER
    )
    assert membership_status(COUNCIL_OF_EUROPE, TODAY, Relation.OBSERVER) == Status.OBSERVER
    assert membership_status(COUNCIL_OF_EUROPE, TODAY) == Status.NEVER_MEMBER


def test_a_participant_whose_funding_and_participation_end_the_same_day_has_ended_participation():
    events = [
        Event("funding_ceased", D(2026, 1, 7)),
        Event("participation_ended", D(2026, 1, 7)),
    ]
    assert membership_status(events, TODAY, Relation.PARTICIPANT) == Status.PARTICIPATION_ENDED
    assert membership_status(events[:1], TODAY, Relation.PARTICIPANT) == Status.FUNDING_CEASED


def test_periods_follow_the_relation():
    assert status_periods(DESA, Relation.PARTICIPANT) == [
        Period(None, D(2026, 1, 7), Status.PARTICIPANT),
        Period(D(2026, 1, 7), None, Status.PARTICIPATION_ENDED),
    ]
    assert status_periods(UNHRC, Relation.OBSERVER) == [
        Period(None, D(2025, 2, 4), Status.OBSERVER),
        Period(D(2025, 2, 4), None, Status.OBSERVER_ENDED),
    ]


def test_periods_merge_neighbours_and_end_open():
    periods = status_periods(PARIS)
    assert periods == [
        Period(None, D(2019, 11, 4), Status.MEMBER),
        Period(D(2019, 11, 4), D(2020, 11, 4), Status.WITHDRAWAL_PENDING),
        Period(D(2020, 11, 4), D(2021, 2, 19), Status.WITHDRAWN),
        Period(D(2021, 2, 19), D(2025, 1, 20), Status.REJOINED),
        Period(D(2025, 1, 20), D(2026, 1, 27), Status.WITHDRAWAL_PENDING),
        Period(D(2026, 1, 27), None, Status.WITHDRAWN),
    ]


@pytest.mark.django_db
def test_annotation_agrees_with_the_function_on_every_boundary():
    """Every relation, over real histories and each history under every other relation too."""
    real = {
        "who": (WHO, Relation.MEMBER_STATE),
        "paris": (PARIS, Relation.TREATY_PARTY),
        "unesco": (UNESCO, Relation.MEMBER_STATE),
        "unhrc": (UNHRC, Relation.OBSERVER),
        "desa": (DESA, Relation.PARTICIPANT),
        "unrwa": (UNRWA, Relation.FUNDER),
        "council-of-europe": (COUNCIL_OF_EUROPE, Relation.OBSERVER),
        "none": ([], Relation.MEMBER_STATE),
        "joined": ([Event("joined", None, D(2014, 6, 18))], Relation.MEMBER_STATE),
    }
    histories = dict(real)
    for slug, (events, _relation) in real.items():
        for relation in Relation.values:
            histories[f"{slug}-as-{relation}"] = (events, relation)
    for slug, (events, relation) in histories.items():
        organization = OrganizationFactory(slug=slug, relation=relation)
        for event in events:
            MembershipEventFactory(
                organization=organization,
                kind=event.kind,
                announced_on=event.announced_on,
                effective_on=event.effective_on,
            )
    days = sorted(
        {
            d
            for events, _relation in histories.values()
            for e in events
            for d in (e.announced_on, e.effective_on)
            if d
        }
    )
    probes = (
        {D(1990, 1, 1), D(2040, 1, 1)} | set(days) | {d - datetime.timedelta(days=1) for d in days}
    )
    for on in sorted(probes):
        annotated = dict(Organization.objects.with_status(on).values_list("slug", "status"))
        for slug, (events, relation) in histories.items():
            assert annotated[slug] == membership_status(events, on, relation), (slug, on)


@pytest.mark.django_db
def test_other_countries_events_do_not_count():
    organization = OrganizationFactory()
    MembershipEventFactory(organization=organization, country="FR", kind="withdrawal_announced")
    assert Organization.objects.with_status(D(2026, 1, 1)).get().status == Status.NEVER_MEMBER
