"""Membership status derived from events, in one place.

The rule, shared by `membership_status` (Python) and
`status_on_expression` (SQL, used by `OrganizationQuerySet.with_status`):

1. Only membership events count: joined, rejoined, withdrawal announced,
   withdrawal effective and withdrawal retracted. Funding cuts, reviews and
   observer status do not change membership.
2. Each event takes hold on a date: an announcement on the day it was
   announced, every other event on the day it took effect (falling back to
   the other date when one is missing).
3. The status on a date comes from the latest event that has taken hold by
   then: joined → member; rejoined → rejoined; retracted → member; withdrawal
   effective → withdrawn; withdrawal announced → withdrawn once its effective
   date has passed, else withdrawal pending (announced, not yet effective —
   also when no effective date is known).
4. Before any event has taken hold, a country whose first recorded event is a
   withdrawal was a member (the registry records the exit, not the entry);
   otherwise it was never a member.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import models
from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MEMBER = "member", _("Member")
    WITHDRAWAL_PENDING = "withdrawal_pending", _("Withdrawal pending")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJOINED = "rejoined", _("Rejoined")
    NEVER_MEMBER = "never_member", _("Never a member")


JOINED = "joined"
REJOINED = "rejoined"
ANNOUNCED = "withdrawal_announced"
EFFECTIVE = "withdrawal_effective"
RETRACTED = "withdrawal_retracted"

MEMBERSHIP_KINDS = (JOINED, REJOINED, ANNOUNCED, EFFECTIVE, RETRACTED)
WITHDRAWAL_KINDS = (ANNOUNCED, EFFECTIVE, RETRACTED)

# On the same day, a later step of a withdrawal outranks an earlier one.
_RANK = {JOINED: 0, REJOINED: 0, ANNOUNCED: 1, EFFECTIVE: 2, RETRACTED: 3}


class EventLike(Protocol):
    kind: str
    announced_on: datetime.date | None
    effective_on: datetime.date | None


def takes_hold_on(event: EventLike) -> datetime.date | None:
    """The date from which an event bears on membership (rule 2)."""
    if event.kind == ANNOUNCED:
        return event.announced_on or event.effective_on
    return event.effective_on or event.announced_on


def _status_after(event: EventLike, on: datetime.date) -> Status:
    if event.kind == JOINED or event.kind == RETRACTED:
        return Status.MEMBER
    if event.kind == REJOINED:
        return Status.REJOINED
    if event.kind == EFFECTIVE:
        return Status.WITHDRAWN
    if event.effective_on is not None and event.effective_on <= on:
        return Status.WITHDRAWN
    return Status.WITHDRAWAL_PENDING


def _ordered(events: Iterable[EventLike]) -> list[EventLike]:
    relevant = [e for e in events if e.kind in MEMBERSHIP_KINDS and takes_hold_on(e)]
    return sorted(relevant, key=lambda e: (takes_hold_on(e), _RANK[e.kind]))


def membership_status(events: Iterable[EventLike], on: datetime.date) -> Status:
    """The status of one country in one organization on `on`, from its events."""
    ordered = _ordered(events)
    current = [e for e in ordered if takes_hold_on(e) <= on]
    if current:
        return _status_after(current[-1], on)
    if ordered and ordered[0].kind in WITHDRAWAL_KINDS:
        return Status.MEMBER
    return Status.NEVER_MEMBER


@dataclass(frozen=True)
class Period:
    """A stretch of time with one status; `end` is None for a period still running."""

    start: datetime.date | None
    end: datetime.date | None
    status: Status


def _status_given(ordered: Sequence[EventLike], held: int, on: datetime.date) -> Status:
    """`membership_status` on `on` when the first `held` of the sorted events have taken hold."""
    if held:
        return _status_after(ordered[held - 1], on)
    if ordered and ordered[0].kind in WITHDRAWAL_KINDS:
        return Status.MEMBER
    return Status.NEVER_MEMBER


def status_periods(events: Sequence[EventLike]) -> list[Period]:
    """The history as consecutive periods, merging neighbours of equal status.

    The first period starts at None (before any record). Status changes on each
    event's hold date and, for announcements with a future effective date, on
    that date too. One sort and one pass over the events and change days, so a
    long history costs O(n log n), not a full recount per day.
    """
    ordered = _ordered(events)
    change_days = sorted(
        {takes_hold_on(e) for e in ordered}
        | {e.effective_on for e in ordered if e.kind == ANNOUNCED and e.effective_on}
    )
    held = 0
    while held < len(ordered) and takes_hold_on(ordered[held]) <= datetime.date.min:
        held += 1
    initial = _status_given(ordered, held, datetime.date.min)
    if not change_days:
        return [Period(None, None, initial)]
    periods = [Period(None, change_days[0], initial)]
    for index, day in enumerate(change_days):
        end = change_days[index + 1] if index + 1 < len(change_days) else None
        # Days ascend, so the events that have taken hold only ever grow.
        while held < len(ordered) and takes_hold_on(ordered[held]) <= day:
            held += 1
        status = _status_given(ordered, held, day)
        if status == periods[-1].status:
            periods[-1] = Period(periods[-1].start, end, status)
        else:
            periods.append(Period(day, end, status))
    return periods


def status_on_expression(
    on: datetime.date, country: str = "US", outer_ref: str = "pk", *, events: QuerySet
) -> Coalesce:
    """A SQL expression for `membership_status` of `country` on `on`, per organization row.

    `events` is the membership events' queryset (`MembershipEvent.objects.all()`):
    the rule reads events without this module depending on the models.
    """
    hold_on = Case(
        When(kind=ANNOUNCED, then=Coalesce("announced_on", "effective_on")),
        default=Coalesce("effective_on", "announced_on"),
    )
    rank = Case(
        *(When(kind=kind, then=Value(rank)) for kind, rank in _RANK.items()),
        output_field=models.IntegerField(),
    )
    status_after = Case(
        When(Q(kind=JOINED) | Q(kind=RETRACTED), then=Value(Status.MEMBER.value)),
        When(kind=REJOINED, then=Value(Status.REJOINED.value)),
        When(kind=EFFECTIVE, then=Value(Status.WITHDRAWN.value)),
        When(effective_on__lte=on, then=Value(Status.WITHDRAWN.value)),
        default=Value(Status.WITHDRAWAL_PENDING.value),
        output_field=CharField(),
    )
    membership_events = (
        events.filter(organization=OuterRef(outer_ref), country=country, kind__in=MEMBERSHIP_KINDS)
        .annotate(hold_on=hold_on, rank=rank)
        .filter(hold_on__isnull=False)
    )
    latest = (
        membership_events.filter(hold_on__lte=on)
        .order_by("-hold_on", "-rank", "-pk")
        .annotate(status_after=status_after)
        .values("status_after")[:1]
    )
    before_any = (
        membership_events.order_by("hold_on", "rank", "pk")
        .annotate(
            status_before=Case(
                When(kind__in=WITHDRAWAL_KINDS, then=Value(Status.MEMBER.value)),
                default=Value(Status.NEVER_MEMBER.value),
                output_field=CharField(),
            )
        )
        .values("status_before")[:1]
    )
    return Coalesce(
        Subquery(latest, output_field=CharField()),
        Subquery(before_any, output_field=CharField()),
        Value(Status.NEVER_MEMBER.value),
        output_field=CharField(),
    )


__all__ = [
    "MEMBERSHIP_KINDS",
    "Period",
    "Status",
    "membership_status",
    "status_on_expression",
    "status_periods",
    "takes_hold_on",
]
