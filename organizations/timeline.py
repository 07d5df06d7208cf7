"""The geometry and wording of the membership timeline drawn as an inline SVG.

Pure functions: `build_timeline` turns `status_periods(events)` into bars on a
time axis with year ticks; `describe` says the same history in words for the
SVG's `<desc>`.

The axis starts on 1 January three years before the first recorded change, so
that the status before any record (a period with an open start) shows as a
visible stretch rather than a sliver, and ends on 1 January two years after
the later of today and the last change, so that a running period visibly runs
past today. It spans at least ten years, so that a single recent event does
not stretch one year across the whole width. A history with no change at all
is drawn over the ten years up to a little past today.

A long, dense history (hundreds of changes, some days apart) would give
periods far narrower than a pixel: a run of such periods is drawn as one bar
marked "Several changes", and the description names only the latest periods
and points to the events table for the rest, so the page stays light and
readable however many events an organization has.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from organizations.status import Period, Status

YEARS_BEFORE_FIRST_CHANGE = 3
YEARS_AFTER_LAST_DATE = 2
MINIMUM_SPAN_YEARS = 10
MAXIMUM_TICKS = 12
TICK_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)

WIDTH = 720
HEIGHT = 84
PADDING = 24
BAR_Y = 6
BAR_HEIGHT = 40
AXIS_Y = 52
TICK_LENGTH = 6
TICK_LABEL_Y = 74

# A period drawn narrower than this (in user units, about a pixel at the
# chart's usual size) cannot be seen or told apart from its neighbours.
MINIMUM_BAR_WIDTH = 1.0
# The description says this many periods, the latest, one sentence each.
DESCRIBED_PERIODS = 24

DAY = "day"
MONTH = "month"
YEAR = "year"
_FINENESS = {YEAR: 0, MONTH: 1, DAY: 2}


@dataclass(frozen=True)
class Crowded:
    """The status shown for a run of periods too short to draw one by one."""

    value: str = "changes"

    @property
    def label(self) -> str:
        return gettext("Several changes")


CROWDED = Crowded()


@dataclass(frozen=True)
class Bar:
    """One period, or a run of crowded ones, drawn as a rectangle from `x` over `width`."""

    x: float
    width: float
    status: Status | Crowded
    label: str
    start: datetime.date | None
    end: datetime.date | None

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def shows_label(self) -> bool:
        """Whether the status label fits inside the bar (wide scripts count double)."""
        needed = sum(14 if ord(char) > 0x2E80 else 7.5 for char in self.label) + 8
        return self.width >= needed


@dataclass(frozen=True)
class Tick:
    """A year mark on the axis, at 1 January of `year`."""

    x: float
    year: int


@dataclass(frozen=True)
class Timeline:
    """Everything the SVG template draws, in user units of a WIDTH by HEIGHT viewBox."""

    start: datetime.date
    end: datetime.date
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    marker_x: float | None = None
    width: int = WIDTH
    height: int = HEIGHT
    padding: int = PADDING
    bar_y: int = BAR_Y
    bar_height: int = BAR_HEIGHT
    axis_y: int = AXIS_Y
    tick_end_y: int = AXIS_Y + TICK_LENGTH
    tick_label_y: int = TICK_LABEL_Y
    statuses: tuple[Status | Crowded, ...] = field(default=())

    @property
    def status_values(self) -> frozenset[str]:
        """The statuses drawn, by value: the SVG defines a fill pattern for each, and no other."""
        return frozenset(status.value for status in self.statuses)

    @property
    def axis_end_x(self) -> int:
        return self.width - self.padding

    @property
    def bar_label_y(self) -> float:
        return self.bar_y + self.bar_height / 2 + 5


def _first_of_year(year: int) -> datetime.date:
    return datetime.date(min(max(year, datetime.MINYEAR), datetime.MAXYEAR), 1, 1)


def axis_bounds(
    periods: Sequence[Period], *, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the time axis for `periods` (see the module docstring)."""
    changes = [period.start for period in periods if period.start is not None]
    first = min(changes, default=today)
    last = max([*changes, today])
    end = _first_of_year(last.year + YEARS_AFTER_LAST_DATE)
    start = _first_of_year(
        min(first.year - YEARS_BEFORE_FIRST_CHANGE, end.year - MINIMUM_SPAN_YEARS)
    )
    return start, end


def tick_years(start: datetime.date, end: datetime.date) -> list[int]:
    """Round years between `start` and `end`, at most MAXIMUM_TICKS of them."""
    span = max(end.year - start.year, 1)
    step = next((s for s in TICK_STEPS if span / s <= MAXIMUM_TICKS), TICK_STEPS[-1])
    first = math.ceil(start.year / step) * step
    if datetime.date(first, 1, 1) < start:
        first += step
    return list(range(first, end.year + 1, step))


def build_timeline(
    periods: Sequence[Period],
    *,
    today: datetime.date,
    marker: datetime.date | None = None,
) -> Timeline:
    """Lay `periods` out on a time axis; a period with an open start begins at the axis start.

    `marker` (a date, usually the one the page shows the status on) becomes a
    vertical line when it falls on the axis.
    """
    start, end = axis_bounds(periods, today=today)
    total_days = (end - start).days
    plot_width = WIDTH - 2 * PADDING

    def x_of(day: datetime.date) -> float:
        clamped = min(max(day, start), end)
        return round(PADDING + (clamped - start).days / total_days * plot_width, 2)

    bars = []
    for period in periods:
        left = x_of(period.start or start)
        right = x_of(period.end or end)
        if right <= left:
            continue
        bars.append(
            Bar(
                x=left,
                width=round(right - left, 2),
                status=period.status,
                label=str(period.status.label),
                start=period.start,
                end=period.end,
            )
        )
    bars = _merge_crowded(bars)
    ticks = tuple(Tick(x_of(datetime.date(year, 1, 1)), year) for year in tick_years(start, end))
    marker_x = x_of(marker) if marker is not None and start <= marker <= end else None
    statuses = tuple(dict.fromkeys(bar.status for bar in bars))
    return Timeline(
        start=start,
        end=end,
        bars=tuple(bars),
        ticks=ticks,
        marker_x=marker_x,
        statuses=statuses,
    )


def _merge_crowded(bars: list[Bar]) -> list[Bar]:
    """Bars with each run of two or more too narrow to see merged into one crowded bar."""
    merged: list[Bar] = []
    run: list[Bar] = []

    def close_run() -> None:
        if len(run) == 1:
            merged.append(run[0])
        elif run:
            first, last = run[0], run[-1]
            merged.append(
                Bar(
                    x=first.x,
                    width=round(last.x + last.width - first.x, 2),
                    status=CROWDED,
                    label=CROWDED.label,
                    start=first.start,
                    end=last.end,
                )
            )
        run.clear()

    for bar in bars:
        if bar.width < MINIMUM_BAR_WIDTH:
            run.append(bar)
            continue
        close_run()
        merged.append(bar)
    close_run()
    return merged


def format_date(value: datetime.date, precision: str = DAY) -> str:
    """A date as precisely as it is known: '2025', 'January 2025' or 'Jan. 20, 2025'."""
    if precision == YEAR:
        return str(value.year)
    if precision == MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


def iso_date(value: datetime.date, precision: str = DAY) -> str:
    """The machine-readable form of a date at its precision, for `<time datetime>`."""
    if precision == YEAR:
        return f"{value.year:04d}"
    if precision == MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def precision_by_date(events: Iterable) -> dict[datetime.date, str]:
    """How precisely each date of `events` is known; a date known to the day anywhere wins."""
    precisions: dict[datetime.date, str] = {}
    for event in events:
        precision = getattr(event, "date_precision", DAY) or DAY
        for day in (event.announced_on, event.effective_on):
            if day is None:
                continue
            known = precisions.get(day)
            if known is None or _FINENESS.get(precision, 2) > _FINENESS.get(known, 2):
                precisions[day] = precision
    return precisions


def describe(
    periods: Sequence[Period], *, precisions: Mapping[datetime.date, str] | None = None
) -> str:
    """The history in sentences, one per period, for readers who cannot see the bars.

    Past DESCRIBED_PERIODS periods, the earlier ones are summed up in one
    sentence that points to the events table.
    """
    precisions = precisions or {}

    def say(day: datetime.date) -> str:
        return format_date(day, precisions.get(day, DAY))

    sentences = []
    earlier = periods[: max(len(periods) - DESCRIBED_PERIODS, 0)]
    if earlier:
        sentences.append(
            ngettext(
                "%(count)s earlier period, up to %(end)s, is not described here; "
                "the events table lists every change.",
                "%(count)s earlier periods, up to %(end)s, are not described here; "
                "the events table lists every change.",
                len(earlier),
            )
            % {"count": len(earlier), "end": say(earlier[-1].end)}
        )
        periods = periods[len(earlier) :]
    for period in periods:
        values = {"status": period.status.label}
        if period.start is None and period.end is None:
            sentence = gettext("%(status)s: no change recorded.") % values
        elif period.start is None:
            sentence = gettext("%(status)s until %(end)s.") % {**values, "end": say(period.end)}
        elif period.end is None:
            sentence = gettext("%(status)s from %(start)s onwards.") % {
                **values,
                "start": say(period.start),
            }
        else:
            sentence = gettext("%(status)s from %(start)s to %(end)s.") % {
                **values,
                "start": say(period.start),
                "end": say(period.end),
            }
        sentences.append(sentence)
    return " ".join(sentences)


__all__ = [
    "CROWDED",
    "Bar",
    "Crowded",
    "Tick",
    "Timeline",
    "axis_bounds",
    "build_timeline",
    "describe",
    "format_date",
    "iso_date",
    "precision_by_date",
    "tick_years",
]
