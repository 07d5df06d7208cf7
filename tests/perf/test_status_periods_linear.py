"""status_periods stays linear in the number of events and agrees with membership_status."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from organizations import status as status_module
from organizations.status import MEMBERSHIP_KINDS, Period, membership_status, status_periods

KINDS = (*MEMBERSHIP_KINDS, "funding_cut", "review")


@dataclass(frozen=True)
class Event:
    kind: str
    announced_on: datetime.date | None
    effective_on: datetime.date | None


def _random_events(count: int, seed: int) -> list[Event]:
    rng = random.Random(seed)
    start = datetime.date(1950, 1, 1)
    events = []
    for _ in range(count):
        announced = start + datetime.timedelta(days=rng.randrange(30000))
        effective = announced + datetime.timedelta(days=rng.randrange(-10, 800))
        events.append(
            Event(
                kind=rng.choice(KINDS),
                announced_on=None if rng.random() < 0.1 else announced,
                effective_on=None if rng.random() < 0.2 else effective,
            )
        )
    return events


def _periods_by_recount(events: list[Event]) -> list[Period]:
    """The periods as the rule defines them: the status recomputed on every change day."""
    days = sorted(
        {status_module.takes_hold_on(e) for e in events if e.kind in MEMBERSHIP_KINDS} - {None}
        | {e.effective_on for e in events if e.kind == "withdrawal_announced" and e.effective_on}
    )
    periods = [
        Period(None, days[0] if days else None, membership_status(events, datetime.date.min))
    ]
    for index, day in enumerate(days):
        end = days[index + 1] if index + 1 < len(days) else None
        status = membership_status(events, day)
        if status == periods[-1].status:
            periods[-1] = Period(periods[-1].start, end, status)
        else:
            periods.append(Period(day, end, status))
    return periods


def test_status_periods_match_a_recount_on_every_change_day():
    for seed in range(40):
        events = _random_events(60, seed)
        assert status_periods(events) == _periods_by_recount(events), seed


def test_status_periods_of_5000_events_take_a_bounded_number_of_steps(monkeypatch):
    events = _random_events(5000, seed=7)
    calls = {"_status_after": 0, "takes_hold_on": 0, "membership_status": 0}
    for name in calls:
        original = getattr(status_module, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(status_module, name, counted)

    periods = status_periods(events)

    assert len(periods) > 100
    assert calls["membership_status"] == 0
    # One status per change day (at most two per event) and a few hold dates per
    # event for sorting and the pass: linear, where a recount per day would be
    # millions of steps.
    assert calls["_status_after"] <= 2 * len(events) + 1
    assert calls["takes_hold_on"] <= 8 * len(events)
