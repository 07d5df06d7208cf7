"""Figure checks: the numbers articles state, measured live in the registry.

A `FigureCheck` names a measure and its parameters; `compute` asks the
registry for that number today. Every measure counts United States events
only (the registry's subject), and each is one query, whether for one check
or for many checks of the same measure (`registry_values`), so pages and
`check_claims` read a fixed number of queries however many figures they show.

The measures:

- organizations_with_event_under_instrument: how many distinct organizations
  have an event of `event_kind` (of any kind when it is blank) under
  `instrument` (only UN-related ones when `un_related` is yes, only the
  others when no).
- events_in_range: how many events of `event_kind` were announced between
  `date_from` and `date_to`, both included (optionally under `instrument`,
  optionally for UN-related or other organizations only).
- days_announcement_to_effect: for `organization`, the days from announcement
  to effect of its latest event of `event_kind` (default: withdrawal
  announced) that has both dates, optionally under `instrument`. None when
  there is no such event.
- organizations_in_domain_with_status: how many organizations in `domain`
  (UN-related or not, optionally) had the US membership status `status` on
  `on_date`, as `Organization.objects.with_status` derives it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from articles.models import Claim, FigureCheck
from organizations.models import MembershipEvent, Organization
from organizations.status import ANNOUNCED, status_on_expression

Measure = FigureCheck.Measure
COUNTRY = "US"


def compute(check: FigureCheck) -> int | None:
    """The number the registry gives today for `check` (one query)."""
    return registry_values([check])[0]


def registry_values(checks: Sequence[FigureCheck]) -> list[int | None]:
    """Today's registry value of each check, in order: one query per measure present."""
    by_measure: dict[str, list[int]] = defaultdict(list)
    for index, check in enumerate(checks):
        by_measure[check.measure].append(index)
    values: list[int | None] = [None] * len(checks)
    for measure, indexes in by_measure.items():
        measured = MEASURES[measure]([checks[index] for index in indexes])
        for index, value in zip(indexes, measured, strict=True):
            values[index] = value
    return values


def attach_registry_values(checks: Sequence[FigureCheck]) -> list[FigureCheck]:
    """Set `registry_value` on every check, one query per measure; return the checks."""
    for check, value in zip(checks, registry_values(checks), strict=True):
        check.registry_value = value
    return list(checks)


def attach_to_claims(claims: Iterable[Claim]) -> None:
    """Set `live_figure` on each claim: its figure check with today's registry value, or None.

    Reads nothing when no claim is a figure; otherwise one query for the
    checks and one per measure they use.
    """
    claims = list(claims)
    figures = [claim.pk for claim in claims if claim.kind == Claim.Kind.FIGURE]
    checks = {}
    if figures:
        found = list(FigureCheck.objects.filter(claim_id__in=figures).order_by("pk"))
        checks = {check.claim_id: check for check in attach_registry_values(found)}
    for claim in claims:
        claim.live_figure = checks.get(claim.pk)


def published_checks() -> list[FigureCheck]:
    """Checks of published articles, with their claims and today's registry values."""
    return attach_registry_values(list(FigureCheck.objects.published().for_checking()))


def format_figure(value: int | Decimal | None) -> str:
    """A figure as readers write it: 66, 12.5; a dash when the registry has none."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def verdict_label(check: FigureCheck) -> str:
    """ "holds", or "differs: stated 66, registry 65"."""
    if check.holds:
        return _("holds")
    return _("differs: stated %(stated)s, registry %(registry)s") % {
        "stated": format_figure(check.stated_value),
        "registry": format_figure(check.registry_value),
    }


# Measures: each takes the checks of its kind and returns their values in order.


def _us_events():
    return MembershipEvent.objects.filter(country=COUNTRY)


def _un_condition(un_related: bool | None, prefix: str = "organization__") -> Q:
    return Q() if un_related is None else Q(**{f"{prefix}un_related": un_related})


def _aggregate_counts(queryset, conditions: list[Q], field: str) -> list[int]:
    row = queryset.aggregate(
        **{
            f"value_{index}": Count(field, distinct=True, filter=condition)
            for index, condition in enumerate(conditions)
        }
    )
    return [row[f"value_{index}"] for index in range(len(conditions))]


def _organizations_with_event_under_instrument(checks: list[FigureCheck]) -> list[int]:
    conditions = [
        Q(instrument_id=check.instrument_id)
        & (Q(kind=check.event_kind) if check.event_kind else Q())
        & _un_condition(check.un_related)
        for check in checks
    ]
    return _aggregate_counts(
        _us_events().filter(reduce(or_, conditions)), conditions, "organization"
    )


def _events_in_range(checks: list[FigureCheck]) -> list[int]:
    conditions = []
    for check in checks:
        condition = Q(
            kind=check.event_kind,
            announced_on__gte=check.date_from,
            announced_on__lte=check.date_to,
        ) & _un_condition(check.un_related)
        if check.instrument_id is not None:
            condition &= Q(instrument_id=check.instrument_id)
        conditions.append(condition)
    return _aggregate_counts(_us_events().filter(reduce(or_, conditions)), conditions, "pk")


def _days_announcement_to_effect(checks: list[FigureCheck]) -> list[int | None]:
    def condition(check: FigureCheck) -> Q:
        found = Q(organization_id=check.organization_id, kind=check.event_kind or ANNOUNCED)
        if check.instrument_id is not None:
            found &= Q(instrument_id=check.instrument_id)
        return found

    rows = list(
        _us_events()
        .filter(reduce(or_, [condition(check) for check in checks]))
        .filter(announced_on__isnull=False, effective_on__isnull=False)
        .values_list("organization_id", "kind", "instrument_id", "announced_on", "effective_on")
        .order_by("announced_on", "pk")
    )
    values: list[int | None] = []
    for check in checks:
        kind = check.event_kind or ANNOUNCED
        matching = [
            (announced, effective)
            for organization_id, event_kind, instrument_id, announced, effective in rows
            if organization_id == check.organization_id
            and event_kind == kind
            and (check.instrument_id is None or instrument_id == check.instrument_id)
        ]
        if matching:
            announced, effective = matching[-1]
            values.append((effective - announced).days)
        else:
            values.append(None)
    return values


def _organizations_in_domain_with_status(checks: list[FigureCheck]) -> list[int]:
    days: dict[datetime.date, str] = {}
    for check in checks:
        days.setdefault(check.on_date, f"status_{len(days)}")
    through = Organization.domains.through
    organizations = Organization.objects.filter(
        Exists(
            through.objects.filter(
                organization_id=OuterRef("pk"), domain_id__in={c.domain_id for c in checks}
            )
        )
    ).alias(
        **{
            alias: status_on_expression(day, COUNTRY, events=MembershipEvent.objects.all())
            for day, alias in days.items()
        }
    )
    conditions = [
        Q(domains=check.domain_id, **{days[check.on_date]: check.status})
        & _un_condition(check.un_related, prefix="")
        for check in checks
    ]
    return _aggregate_counts(organizations, conditions, "pk")


MEASURES = {
    Measure.ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT: _organizations_with_event_under_instrument,
    Measure.EVENTS_IN_RANGE: _events_in_range,
    Measure.DAYS_ANNOUNCEMENT_TO_EFFECT: _days_announcement_to_effect,
    Measure.ORGANIZATIONS_IN_DOMAIN_WITH_STATUS: _organizations_in_domain_with_status,
}
