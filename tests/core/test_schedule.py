"""Weekly schedules: windows across midnight, whole days, holidays, the community's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from menwei.core import ALL_DAY, InvalidConfiguration, TimeWindow, WeeklySchedule

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


# 2026-11-16 is a Monday.
NIGHT = WeeklySchedule(weekly={0: (TimeWindow.parse("22:00-06:00"),)})


@pytest.mark.parametrize(
    ("at", "open_"),
    [
        (local(2026, 11, 16, 21, 59), False),
        (local(2026, 11, 16, 22, 0), True),
        (local(2026, 11, 16, 23, 59), True),
        (local(2026, 11, 17, 0, 0), True),  # Tuesday, but still Monday's night shift
        (local(2026, 11, 17, 5, 59), True),
        (local(2026, 11, 17, 6, 0), False),
        (local(2026, 11, 17, 22, 30), False),  # Tuesday night has no window of its own
        (local(2026, 11, 16, 3, 0), False),  # Sunday night's shift does not exist
    ],
)
def test_a_night_window_runs_across_midnight_into_the_next_day(at: datetime, open_: bool) -> None:
    assert NIGHT.is_open(at) is open_


def test_a_holiday_replaces_the_weekday_including_the_part_past_midnight() -> None:
    schedule = WeeklySchedule(
        weekly=NIGHT.weekly,
        holidays={date(2026, 11, 16): ()},
    )
    assert not schedule.is_open(local(2026, 11, 16, 23))
    assert not schedule.is_open(local(2026, 11, 17, 1))
    assert schedule.is_open(local(2026, 11, 23, 23))  # the next Monday is ordinary


def test_a_holiday_can_open_a_day_that_is_normally_closed() -> None:
    schedule = WeeklySchedule(
        weekly={}, holidays={date(2026, 11, 21): (TimeWindow.parse("09:00-12:00"),)}
    )
    assert schedule.is_open(local(2026, 11, 21, 10))
    assert not schedule.is_open(local(2026, 11, 28, 10))


def test_the_schedule_is_read_in_the_communitys_time_zone_not_utc() -> None:
    mornings = WeeklySchedule(weekly={d: (TimeWindow.parse("07:00-09:00"),) for d in range(7)})
    assert mornings.is_open(datetime(2026, 11, 16, 0, 30, tzinfo=UTC))  # 08:30 in Shanghai
    assert not mornings.is_open(datetime(2026, 11, 16, 8, 0, tzinfo=UTC))  # 16:00 in Shanghai
    urumqi = WeeklySchedule(weekly=mornings.weekly, timezone="Asia/Urumqi")
    assert urumqi.is_open(datetime(2026, 11, 16, 2, 30, tzinfo=UTC))  # 08:30 UTC+6


@given(
    st.datetimes(
        timezones=st.just(UTC), min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)
    )
)
@settings(max_examples=150)
def test_an_always_schedule_is_open_at_every_instant(at: datetime) -> None:
    assert WeeklySchedule.always().is_open(at)


times = st.times().map(lambda t: t.replace(microsecond=0))


@given(
    start=times,
    end=times,
    at=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
)
@settings(max_examples=200)
def test_a_daily_window_is_open_exactly_when_local_time_falls_inside_it(
    start: time, end: time, at: datetime
) -> None:
    window = TimeWindow(start, end)
    schedule = WeeklySchedule(weekly={d: (window,) for d in range(7)})
    moment = at.time()
    if start == end:
        expected = True
    elif start < end:
        expected = start <= moment < end
    else:
        expected = moment >= start or moment < end
    assert schedule.is_open(at.replace(tzinfo=SHANGHAI)) is expected


def test_an_empty_schedule_is_never_open() -> None:
    closed = WeeklySchedule(weekly={})
    start = local(2026, 11, 16, 0)
    assert not any(closed.is_open(start + timedelta(hours=h)) for h in range(24 * 7))


def test_all_day_covers_midnight_and_the_last_second() -> None:
    schedule = WeeklySchedule(weekly={2: (ALL_DAY,)})  # Wednesday
    assert schedule.is_open(local(2026, 11, 18, 0, 0))
    assert schedule.is_open(datetime(2026, 11, 18, 23, 59, 59, tzinfo=SHANGHAI))
    assert not schedule.is_open(local(2026, 11, 19, 0, 0))


@pytest.mark.parametrize("text", ["7-22", "07:00", "25:00-26:00", "早上-晚上", ""])
def test_an_unreadable_window_is_refused_with_the_expected_format(text: str) -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        TimeWindow.parse(text)
    assert "HH:MM-HH:MM" in caught.value.message_zh


def test_an_unknown_time_zone_or_weekday_is_refused() -> None:
    with pytest.raises(InvalidConfiguration):
        WeeklySchedule(weekly={}, timezone="Mars/Olympus")
    with pytest.raises(InvalidConfiguration):
        WeeklySchedule(weekly={7: (ALL_DAY,)})


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(InvalidConfiguration):
        NIGHT.is_open(datetime(2026, 11, 16, 23))
