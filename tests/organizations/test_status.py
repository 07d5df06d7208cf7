"""The membership status rule, as a pure function and as a SQL annotation."""

import datetime
from dataclasses import dataclass

import pytest

from organizations.models import Organization
from organizations.status import Period, Status, membership_status, status_periods
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
    histories = {
        "who": WHO,
        "paris": PARIS,
        "none": [],
        "joined": [Event("joined", None, D(2014, 6, 18))],
    }
    for slug, events in histories.items():
        organization = OrganizationFactory(slug=slug)
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
            for events in histories.values()
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
        for slug, events in histories.items():
            assert annotated[slug] == membership_status(events, on), (slug, on)


@pytest.mark.django_db
def test_other_countries_events_do_not_count():
    organization = OrganizationFactory()
    MembershipEventFactory(organization=organization, country="FR", kind="withdrawal_announced")
    assert Organization.objects.with_status(D(2026, 1, 1)).get().status == Status.NEVER_MEMBER
