"""Weekly time profiles with holiday exceptions, read in the community's own time zone.

A window whose end is not after its start runs across midnight (22:00–06:00 is open from
Monday 22:00 until Tuesday 06:00) and belongs to the day it starts on; a window from 00:00 to
00:00 is the whole day. On a holiday the holiday's windows replace the weekday's (no windows =
closed), including the part that spills past midnight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from menwei.core.errors import InvalidConfiguration

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """Open from ``start`` (inclusive) to ``end`` (exclusive), local time."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise InvalidConfiguration(message_id="invalid_configuration.time_window_has_zone")

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def opens_on_its_day(self, moment: time) -> bool:
        """Open at ``moment`` on the day the window starts."""
        if self.crosses_midnight:
            return moment >= self.start
        return self.start <= moment < self.end

    def opens_on_next_day(self, moment: time) -> bool:
        """Open at ``moment`` on the day after it starts (the part past midnight)."""
        return self.crosses_midnight and self.end != time(0) and moment < self.end

    @classmethod
    def parse(cls, text: str) -> TimeWindow:
        """``"07:00-22:00"`` → a window; ``"22:00-06:00"`` runs across midnight."""
        try:
            start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise InvalidConfiguration(
                message_id="invalid_configuration.cannot_read_time_window", values={"text": text}
            ) from None
        return cls(start, end)


ALL_DAY = TimeWindow(time(0), time(0))


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklySchedule:
    """Windows per weekday (0 = Monday) plus dated holiday exceptions."""

    weekly: Mapping[int, tuple[TimeWindow, ...]]
    holidays: Mapping[date, tuple[TimeWindow, ...]] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if any(day not in range(7) for day in self.weekly):
            raise InvalidConfiguration(
                message_id="invalid_configuration.weekdays_run_monday_sunday"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidConfiguration(
                message_id="invalid_configuration.unknown_time_zone",
                values={"timezone": self.timezone},
            ) from None

    @classmethod
    def always(cls, timezone: str = "Asia/Shanghai") -> WeeklySchedule:
        """Open every hour of every day, holidays included (a resident's own doors)."""
        return cls(weekly={day: (ALL_DAY,) for day in range(7)}, timezone=timezone)

    def windows_on(self, day: date) -> tuple[TimeWindow, ...]:
        if day in self.holidays:
            return self.holidays[day]
        return self.weekly.get(day.weekday(), ())

    def is_open(self, at: datetime) -> bool:
        """Whether access is allowed at the instant ``at`` (a timezone-aware datetime)."""
        if at.utcoffset() is None:
            raise InvalidConfiguration(message_id="invalid_configuration.naive_time")
        local = at.astimezone(ZoneInfo(self.timezone))
        today, moment = local.date(), local.time().replace(tzinfo=None)
        if any(w.opens_on_its_day(moment) for w in self.windows_on(today)):
            return True
        yesterday = today - timedelta(days=1)
        return any(w.opens_on_next_day(moment) for w in self.windows_on(yesterday))
