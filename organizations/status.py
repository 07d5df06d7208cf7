"""Membership status derived from events, in one place.

The rule, shared by `membership_status` (Python) and
`status_on_expression` (SQL, used by `OrganizationQuerySet.with_status`):

1. What the United States is to a body (its `Relation`) says what its
   events can change. A member state or a party to a treaty has a
   membership to leave: it can be pending withdrawal and then withdrawn. An
   observer, a participant or a funder has none: it stops, and its status
   says what stopped ("observer — participation ended", "participation
   ended", "funding ceased"), never "withdrawal pending".
2. Only the events that bear on the relation count (`VOCABULARIES`): for
   members and parties, joining, rejoining and the steps of a withdrawal
   (announced, effective, retracted); observers also count their observer
   status and the end of their participation; participants the end of their
   participation or of their funding; funders the end of their funding.
   Funding cuts and reviews never count, and a member that stops paying or
   taking part is still a member.
3. Each event takes hold on a date: an announcement on the day it was
   announced, every other event on the day it took effect (falling back to
   the other date when one is missing).
4. The status on a date comes from the latest event that has taken hold by
   then, as the relation's vocabulary says: joined → member (party,
   observer, participant, funder); rejoined → rejoined; retracted → as
   joined; an announced withdrawal → withdrawn (or stopped) once its
   effective date has passed, else withdrawal pending for members and
   parties (also when no effective date is known) and unchanged for the
   others; every other exit → withdrawn or stopped at once. On the same day
   a later step outranks an earlier one.
5. Before any event has taken hold, a country whose first counted event is
   an exit was in the relation (the registry records the exit, not the
   entry); otherwise it was never a member.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Protocol

from django.db import models
from django.db.models import (
    Case,
    CharField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    """What the United States is to a body, which decides what its events can change."""

    MEMBER_STATE = "member_state", _("Member state")
    TREATY_PARTY = "treaty_party", _("Party to the treaty")
    OBSERVER = "observer", _("Observer")
    PARTICIPANT = "participant", _("Participant")
    FUNDER = "funder", _("Funder")


# The relations that are a membership, from which a country withdraws.
MEMBERSHIP_RELATIONS = (Relation.MEMBER_STATE, Relation.TREATY_PARTY)


class Status(models.TextChoices):
    MEMBER = "member", _("Member")
    PARTY = "party", _("Party")
    WITHDRAWAL_PENDING = "withdrawal_pending", _("Withdrawal pending")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJOINED = "rejoined", _("Rejoined")
    NEVER_MEMBER = "never_member", _("Never a member")
    OBSERVER = "observer", _("Observer")
    OBSERVER_ENDED = "observer_ended", _("Observer — participation ended")
    PARTICIPANT = "participant", _("Participant")
    PARTICIPATION_ENDED = "participation_ended", _("Participation ended")
    FUNDER = "funder", _("Funder")
    FUNDING_CEASED = "funding_ceased", _("Funding ceased")


JOINED = "joined"
REJOINED = "rejoined"
ANNOUNCED = "withdrawal_announced"
EFFECTIVE = "withdrawal_effective"
RETRACTED = "withdrawal_retracted"
OBSERVER_STATUS = "observer_status"
PARTICIPATION_ENDED = "participation_ended"
FUNDING_CEASED = "funding_ceased"

# The events that bear on a membership (rule 2, members and parties).
MEMBERSHIP_KINDS = (JOINED, REJOINED, ANNOUNCED, EFFECTIVE, RETRACTED)
# A first recorded event of these kinds means the country was in before it (rule 5).
EXIT_KINDS = (ANNOUNCED, EFFECTIVE, RETRACTED, PARTICIPATION_ENDED, FUNDING_CEASED)

# On the same day, a later step outranks an earlier one.
_RANK = {
    JOINED: 0,
    REJOINED: 0,
    OBSERVER_STATUS: 0,
    ANNOUNCED: 1,
    FUNDING_CEASED: 1,
    EFFECTIVE: 2,
    PARTICIPATION_ENDED: 2,
    RETRACTED: 3,
}


@dataclass(frozen=True)
class Vocabulary:
    """What the events that count leave one kind of relation at.

    `after`: each counted kind and the status once it has taken hold (an
    announcement: once its effective date has passed); `pending`: an
    announced withdrawal not yet effective; `before_exit`: the status before
    any record when the first counted event is an exit.
    """

    after: Mapping[str, Status]
    pending: Status
    before_exit: Status


def _membership(holding: Status) -> Vocabulary:
    return Vocabulary(
        after={
            JOINED: holding,
            REJOINED: Status.REJOINED,
            RETRACTED: holding,
            ANNOUNCED: Status.WITHDRAWN,
            EFFECTIVE: Status.WITHDRAWN,
        },
        pending=Status.WITHDRAWAL_PENDING,
        before_exit=holding,
    )


def _stopping(holding: Status, stops: Mapping[str, Status]) -> Vocabulary:
    return Vocabulary(
        after={JOINED: holding, REJOINED: holding, RETRACTED: holding, **stops},
        pending=holding,
        before_exit=holding,
    )


VOCABULARIES: dict[str, Vocabulary] = {
    Relation.MEMBER_STATE: _membership(Status.MEMBER),
    Relation.TREATY_PARTY: _membership(Status.PARTY),
    Relation.OBSERVER: _stopping(
        Status.OBSERVER,
        {
            OBSERVER_STATUS: Status.OBSERVER,
            ANNOUNCED: Status.OBSERVER_ENDED,
            EFFECTIVE: Status.OBSERVER_ENDED,
            PARTICIPATION_ENDED: Status.OBSERVER_ENDED,
        },
    ),
    Relation.PARTICIPANT: _stopping(
        Status.PARTICIPANT,
        {
            ANNOUNCED: Status.PARTICIPATION_ENDED,
            EFFECTIVE: Status.PARTICIPATION_ENDED,
            PARTICIPATION_ENDED: Status.PARTICIPATION_ENDED,
            FUNDING_CEASED: Status.FUNDING_CEASED,
        },
    ),
    Relation.FUNDER: _stopping(
        Status.FUNDER,
        {
            ANNOUNCED: Status.FUNDING_CEASED,
            EFFECTIVE: Status.FUNDING_CEASED,
            FUNDING_CEASED: Status.FUNDING_CEASED,
        },
    ),
}


def vocabulary(relation: str) -> Vocabulary:
    """The vocabulary of `relation`; a membership's when the relation is unknown."""
    return VOCABULARIES.get(relation, VOCABULARIES[Relation.MEMBER_STATE])


class EventLike(Protocol):
    kind: str
    announced_on: datetime.date | None
    effective_on: datetime.date | None


def takes_hold_on(event: EventLike) -> datetime.date | None:
    """The date from which an event bears on the relation (rule 3)."""
    if event.kind == ANNOUNCED:
        return event.announced_on or event.effective_on
    return event.effective_on or event.announced_on


def _status_after(event: EventLike, on: datetime.date, words: Vocabulary) -> Status:
    if event.kind == ANNOUNCED and not (event.effective_on and event.effective_on <= on):
        return words.pending
    return words.after[event.kind]


def _ordered(events: Iterable[EventLike], words: Vocabulary) -> list[EventLike]:
    relevant = [e for e in events if e.kind in words.after and takes_hold_on(e)]
    return sorted(relevant, key=lambda e: (takes_hold_on(e), _RANK[e.kind]))


def _status_given(
    ordered: Sequence[EventLike], held: int, on: datetime.date, words: Vocabulary
) -> Status:
    """The status on `on` when the first `held` of the sorted events have taken hold."""
    if held:
        return _status_after(ordered[held - 1], on, words)
    if ordered and ordered[0].kind in EXIT_KINDS:
        return words.before_exit
    return Status.NEVER_MEMBER


def membership_status(
    events: Iterable[EventLike], on: datetime.date, relation: str = Relation.MEMBER_STATE
) -> Status:
    """The status of one country in one organization on `on`, from its events and relation."""
    words = vocabulary(relation)
    ordered = _ordered(events, words)
    held = sum(1 for e in ordered if takes_hold_on(e) <= on)
    return _status_given(ordered, held, on, words)


@dataclass(frozen=True)
class Period:
    """A stretch of time with one status; `end` is None for a period still running."""

    start: datetime.date | None
    end: datetime.date | None
    status: Status


def status_periods(
    events: Sequence[EventLike], relation: str = Relation.MEMBER_STATE
) -> list[Period]:
    """The history as consecutive periods, merging neighbours of equal status.

    The first period starts at None (before any record). Status changes on each
    event's hold date and, for announcements with a future effective date, on
    that date too. One sort and one pass over the events and change days, so a
    long history costs O(n log n), not a full recount per day.
    """
    words = vocabulary(relation)
    ordered = _ordered(events, words)
    change_days = sorted(
        {takes_hold_on(e) for e in ordered}
        | {e.effective_on for e in ordered if e.kind == ANNOUNCED and e.effective_on}
    )
    held = 0
    while held < len(ordered) and takes_hold_on(ordered[held]) <= datetime.date.min:
        held += 1
    initial = _status_given(ordered, held, datetime.date.min, words)
    if not change_days:
        return [Period(None, None, initial)]
    periods = [Period(None, change_days[0], initial)]
    for index, day in enumerate(change_days):
        end = change_days[index + 1] if index + 1 < len(change_days) else None
        # Days ascend, so the events that have taken hold only ever grow.
        while held < len(ordered) and takes_hold_on(ordered[held]) <= day:
            held += 1
        status = _status_given(ordered, held, day, words)
        if status == periods[-1].status:
            periods[-1] = Period(periods[-1].start, end, status)
        else:
            periods.append(Period(day, end, status))
    return periods


def _when_status(conditions: Mapping[Status, list[Q]]) -> list[When]:
    return [
        When(reduce(or_, found), then=Value(status.value)) for status, found in conditions.items()
    ]


def status_on_expression(
    on: datetime.date,
    country: str = "US",
    outer_ref: str = "pk",
    *,
    events: QuerySet,
) -> Coalesce:
    """A SQL expression for `membership_status` of `country` on `on`, per organization row.

    `events` is the membership events' queryset (`MembershipEvent.objects.all()`):
    the rule reads events without this module depending on the models. The
    organization's relation is read from the outer row, beside its id.
    """
    relation_ref = "relation" if outer_ref == "pk" else f"{outer_ref}__relation"
    hold_on = Case(
        When(kind=ANNOUNCED, then=Coalesce("announced_on", "effective_on")),
        default=Coalesce("effective_on", "announced_on"),
    )
    rank = Case(
        *(When(kind=kind, then=Value(rank)) for kind, rank in _RANK.items()),
        output_field=models.IntegerField(),
    )
    # Two passes, as a Case reads its branches in order: an announcement whose
    # effective date has passed, then every event as it reads before that.
    counted, effective, after, before = [], defaultdict(list), defaultdict(list), defaultdict(list)
    for relation, words in VOCABULARIES.items():
        counted.append(Q(relation=relation, kind__in=list(words.after)))
        for kind, status in words.after.items():
            if kind == ANNOUNCED:
                effective[status].append(Q(relation=relation, kind=kind, effective_on__lte=on))
                status = words.pending
            after[status].append(Q(relation=relation, kind=kind))
        before[words.before_exit].append(Q(relation=relation, kind__in=EXIT_KINDS))
    counted_events = (
        events.filter(organization=OuterRef(outer_ref), country=country)
        .annotate(
            relation=ExpressionWrapper(OuterRef(relation_ref), output_field=CharField()),
            hold_on=hold_on,
            rank=rank,
        )
        .filter(reduce(or_, counted), hold_on__isnull=False)
    )
    latest = (
        counted_events.filter(hold_on__lte=on)
        .order_by("-hold_on", "-rank", "-pk")
        .annotate(
            status_after=Case(
                *_when_status(effective), *_when_status(after), output_field=CharField()
            )
        )
        .values("status_after")[:1]
    )
    before_any = (
        counted_events.order_by("hold_on", "rank", "pk")
        .annotate(
            status_before=Case(
                *_when_status(before),
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
    "EXIT_KINDS",
    "MEMBERSHIP_KINDS",
    "MEMBERSHIP_RELATIONS",
    "VOCABULARIES",
    "Period",
    "Relation",
    "Status",
    "Vocabulary",
    "membership_status",
    "status_on_expression",
    "status_periods",
    "takes_hold_on",
    "vocabulary",
]
