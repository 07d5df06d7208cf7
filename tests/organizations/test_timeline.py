"""The membership timeline's geometry and wording, without a database."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import translation

from organizations.status import Period, Status, status_periods
from organizations.timeline import (
    CROWDED,
    DESCRIBED_PERIODS,
    MINIMUM_BAR_WIDTH,
    PADDING,
    WIDTH,
    axis_bounds,
    build_timeline,
    describe,
    format_date,
    iso_date,
    precision_by_date,
    tick_years,
)

D = datetime.date
TODAY = D(2026, 3, 1)


@dataclass
class Event:
    kind: str
    announced_on: datetime.date | None = None
    effective_on: datetime.date | None = None
    date_precision: str = "day"


WHO = [
    Event("withdrawal_announced", D(2020, 7, 6)),
    Event("withdrawal_retracted", D(2021, 1, 20), D(2021, 1, 20)),
    Event("withdrawal_announced", D(2025, 1, 20), D(2026, 1, 22)),
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_axis_starts_three_years_before_the_first_change_and_ends_after_today():
    start, end = axis_bounds(status_periods(WHO), today=TODAY)
    assert start == D(2017, 1, 1)
    assert end == D(2028, 1, 1)


def test_axis_spans_at_least_ten_years():
    periods = status_periods([Event("withdrawal_announced", D(2026, 1, 7))])
    start, end = axis_bounds(periods, today=TODAY)
    assert (start, end) == (D(2018, 1, 1), D(2028, 1, 1))


def test_axis_reaches_past_a_future_change():
    periods = status_periods([Event("withdrawal_announced", D(2026, 1, 7), D(2031, 6, 1))])
    _, end = axis_bounds(periods, today=TODAY)
    assert end == D(2033, 1, 1)


def test_history_without_changes_is_one_bar_across_the_whole_axis():
    timeline = build_timeline(status_periods([]), today=TODAY)
    assert len(timeline.bars) == 1
    bar = timeline.bars[0]
    assert bar.status == Status.NEVER_MEMBER
    assert bar.x == PADDING
    assert bar.width == WIDTH - 2 * PADDING


def test_period_with_open_start_begins_at_the_axis_start():
    timeline = build_timeline(status_periods(WHO), today=TODAY)
    first = timeline.bars[0]
    assert first.start is None
    assert first.x == PADDING
    assert first.status == Status.MEMBER


def test_running_period_ends_at_the_axis_end():
    timeline = build_timeline(status_periods(WHO), today=TODAY)
    last = timeline.bars[-1]
    assert last.end is None
    assert last.status == Status.WITHDRAWN
    assert last.x + last.width == pytest.approx(WIDTH - PADDING, abs=0.02)


def test_bars_follow_one_another_without_gaps_in_time_order():
    timeline = build_timeline(status_periods(WHO), today=TODAY)
    assert [bar.status for bar in timeline.bars] == [
        Status.MEMBER,
        Status.WITHDRAWAL_PENDING,
        Status.MEMBER,
        Status.WITHDRAWAL_PENDING,
        Status.WITHDRAWN,
    ]
    for left, right in zip(timeline.bars, timeline.bars[1:], strict=False):
        assert left.x + left.width == pytest.approx(right.x, abs=0.02)


def test_bar_width_is_proportional_to_duration():
    periods = [
        Period(None, D(2020, 1, 1), Status.MEMBER),
        Period(D(2020, 1, 1), D(2022, 1, 1), Status.WITHDRAWAL_PENDING),
        Period(D(2022, 1, 1), None, Status.WITHDRAWN),
    ]
    timeline = build_timeline(periods, today=D(2024, 6, 1))
    days = (timeline.end - timeline.start).days
    pending = timeline.bars[1]
    assert pending.width == pytest.approx((WIDTH - 2 * PADDING) * 731 / days, abs=0.02)


def test_each_bar_carries_its_status_label_as_text():
    timeline = build_timeline(status_periods(WHO), today=TODAY)
    assert [bar.label for bar in timeline.bars][-1] == "Withdrawn"
    with translation.override("zh-hans"):
        labelled = build_timeline(status_periods(WHO), today=TODAY)
    assert all(bar.label for bar in labelled.bars)


def test_label_is_drawn_only_when_it_fits():
    timeline = build_timeline(status_periods(WHO), today=TODAY)
    shown = {bar.status: bar.shows_label for bar in timeline.bars}
    assert timeline.bars[0].shows_label
    assert not timeline.bars[1].shows_label  # six months of pending is too narrow
    assert shown[Status.WITHDRAWN]


def test_legend_lists_each_status_once_in_order_of_appearance():
    timeline = build_timeline(status_periods(WHO), today=TODAY)
    assert timeline.statuses == (Status.MEMBER, Status.WITHDRAWAL_PENDING, Status.WITHDRAWN)


def test_ticks_are_first_days_of_years_inside_the_axis():
    timeline = build_timeline(status_periods(WHO), today=TODAY)
    assert [tick.year for tick in timeline.ticks] == list(range(2017, 2029))
    assert timeline.ticks[0].x == PADDING
    assert timeline.ticks[-1].x == WIDTH - PADDING


def test_long_axes_thin_their_ticks_to_round_years():
    years = tick_years(D(1943, 1, 1), D(2028, 1, 1))
    assert years == [1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020]


def test_marker_is_placed_on_the_axis_and_dropped_outside_it():
    timeline = build_timeline(status_periods(WHO), today=TODAY, marker=D(2017, 1, 1))
    assert timeline.marker_x == PADDING
    outside = build_timeline(status_periods(WHO), today=TODAY, marker=D(1990, 1, 1))
    assert outside.marker_x is None


def test_description_says_the_history_in_words():
    text = describe(status_periods(WHO))
    assert text == (
        "Member until July 6, 2020. "
        "Withdrawal pending from July 6, 2020 to Jan. 20, 2021. "
        "Member from Jan. 20, 2021 to Jan. 20, 2025. "
        "Withdrawal pending from Jan. 20, 2025 to Jan. 22, 2026. "
        "Withdrawn from Jan. 22, 2026 onwards."
    )


def test_description_of_an_empty_history():
    assert describe(status_periods([])) == "Never a member: no change recorded."


def test_description_shows_year_only_dates_as_years():
    events = [Event("joined", None, D(1945, 1, 1), date_precision="year")]
    text = describe(status_periods(events), precisions=precision_by_date(events))
    assert text == "Never a member until 1945. Member from 1945 onwards."


def test_a_date_known_to_the_day_anywhere_is_shown_to_the_day():
    events = [
        Event("joined", None, D(1945, 1, 1), date_precision="year"),
        Event("withdrawal_announced", D(1945, 1, 1), date_precision="day"),
    ]
    assert precision_by_date(events) == {D(1945, 1, 1): "day"}


@pytest.mark.parametrize(
    ("precision", "shown", "machine"),
    [
        ("year", "2025", "2025"),
        ("month", "January 2025", "2025-01"),
        ("day", "Jan. 20, 2025", "2025-01-20"),
    ],
)
def test_dates_are_formatted_at_their_precision(precision, shown, machine):
    assert format_date(D(2025, 1, 20), precision) == shown
    assert iso_date(D(2025, 1, 20), precision) == machine


DENSE_HISTORY_START = D(1990, 1, 1)


def dense_history(changes: int, *, days_apart: int = 3) -> list[Period]:
    """A status changing every few days: far more periods than the chart has pixels."""
    start = DENSE_HISTORY_START
    statuses = [Status.MEMBER, Status.WITHDRAWAL_PENDING, Status.WITHDRAWN, Status.REJOINED]
    periods = [Period(None, start, Status.NEVER_MEMBER)]
    day = start
    for index in range(changes):
        following = day + datetime.timedelta(days=days_apart)
        periods.append(Period(day, following, statuses[index % len(statuses)]))
        day = following
    periods.append(Period(day, None, Status.MEMBER))
    return periods


def test_a_run_of_periods_too_short_to_see_is_drawn_as_one_crowded_bar():
    periods = dense_history(2000)

    timeline = build_timeline(periods, today=TODAY)

    crowded = [bar for bar in timeline.bars if bar.status is CROWDED]
    assert len(timeline.bars) < 20
    assert len(crowded) == 1
    assert crowded[0].start == periods[1].start
    assert crowded[0].label == "Several changes"
    assert CROWDED in timeline.statuses
    # The bars still tile the axis without gaps.
    for before, after in zip(timeline.bars, timeline.bars[1:], strict=False):
        assert after.x == pytest.approx(before.x + before.width, abs=0.02)


def test_a_single_narrow_period_between_wide_ones_keeps_its_own_bar():
    periods = [
        Period(None, D(2000, 1, 1), Status.NEVER_MEMBER),
        Period(D(2000, 1, 1), D(2000, 1, 3), Status.MEMBER),
        Period(D(2000, 1, 3), None, Status.WITHDRAWN),
    ]

    timeline = build_timeline(periods, today=TODAY)

    assert [bar.status for bar in timeline.bars] == [
        Status.NEVER_MEMBER,
        Status.MEMBER,
        Status.WITHDRAWN,
    ]
    assert timeline.bars[1].width < MINIMUM_BAR_WIDTH


def test_a_long_history_is_described_by_its_latest_periods_and_a_pointer_to_the_events():
    periods = dense_history(100)

    with translation.override("en"):
        text = describe(periods)

    earlier = len(periods) - DESCRIBED_PERIODS
    assert text.startswith(f"{earlier} earlier periods, up to ")
    assert "the events table lists every change." in text
    assert text.count(" from ") == DESCRIBED_PERIODS
    assert text.endswith("onwards.")


def test_crowded_bars_are_named_in_chinese():
    with translation.override("zh-hans"):
        timeline = build_timeline(dense_history(500), today=TODAY)
        text = describe(dense_history(500))

    assert any(bar.label == "多次变动" for bar in timeline.bars)
    assert "事件表列出了每一次变动" in text
