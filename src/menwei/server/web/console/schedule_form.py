"""Reading a weekly schedule and a holiday list as the office types them on a phone.

Each day takes ranges like ``07:00-22:00``, several separated by commas; an empty day is
closed. A range must end after it starts: ``24:00`` is midnight at the end of the day, so
``00:00-24:00`` is the whole day and a night shift is written as two ranges on two days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from menwei.core import TimeWindow
from menwei.server.web.console.access_forms import message

MAX_WINDOWS = 8
MAX_HOLIDAYS = 366
HOLIDAY_NAME_MAX = 50
_RANGE = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-–~至到]\s*(\d{1,2})[:：](\d{2})$")
_SEPARATORS = re.compile(r"[,，;；、]")

BAD_RANGE = message("“%(text)s” is not a time range. Write it like 07:00-22:00.")
BAD_TIME = message(
    "“%(text)s” is not a time of day: hours run from 00 to 23 (24:00 only as an end), "
    "minutes from 00 to 59."
)
END_BEFORE_START = message(
    "“%(text)s” ends before it starts. For a range past midnight, write 22:00-24:00 on this day "
    "and 00:00-06:00 on the next."
)
TOO_MANY = message("At most 8 time ranges a day.")
BAD_HOLIDAY = message(
    "Line %(line)s is not a date and a name. "
    "Write one holiday a line, like 2026-10-01 National Day."
)
HOLIDAY_TOO_LONG = message("Line %(line)s: the holiday's name is too long (at most 50 characters).")
TOO_MANY_HOLIDAYS = message("At most 366 holidays.")

Problem = tuple[str, dict[str, object]]


def _minutes(hours: str, minutes: str, *, end: bool) -> int | None:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and (m != 0 or not end)):
        return None
    return h * 60 + m


def parse_day(text: str) -> tuple[list[str], Problem | None]:
    """``"07:00-12:00, 14:00-18:00"`` → ``["07:00-12:00", "14:00-18:00"]`` or a problem."""
    parts = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    if len(parts) > MAX_WINDOWS:
        return [], (TOO_MANY, {})
    windows = []
    for part in parts:
        shown = part[:40]
        found = _RANGE.match(part)
        if found is None:
            return [], (BAD_RANGE, {"text": shown})
        start = _minutes(found.group(1), found.group(2), end=False)
        end = _minutes(found.group(3), found.group(4), end=True)
        if start is None or end is None:
            return [], (BAD_TIME, {"text": shown})
        if end <= start:
            return [], (END_BEFORE_START, {"text": shown})
        windows.append(f"{start // 60:02d}:{start % 60:02d}-{end // 60 % 24:02d}:{end % 60:02d}")
    return windows, None


def show_windows(windows: Iterable[TimeWindow]) -> str:
    """Windows as the form shows them; a range ending at midnight ends at ``24:00``."""
    shown = []
    for window in windows:
        end = "24:00" if window.end.hour == 0 and window.end.minute == 0 else f"{window.end:%H:%M}"
        shown.append(f"{window.start:%H:%M}-{end}")
    return ", ".join(shown)


def parse_holidays(text: str) -> tuple[dict[date, str], Problem | None]:
    """One ``YYYY-MM-DD name`` a line; blank lines are skipped."""
    days: dict[date, str] = {}
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        day_text, _, name = line.partition(" ")
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError:
            return {}, (BAD_HOLIDAY, {"line": number})
        if len(name.strip()) > HOLIDAY_NAME_MAX:
            return {}, (HOLIDAY_TOO_LONG, {"line": number})
        days[day] = name.strip()
        if len(days) > MAX_HOLIDAYS:
            return {}, (TOO_MANY_HOLIDAYS, {})
    return days, None


def show_holidays(days: dict[date, str]) -> str:
    return "\n".join(f"{day.isoformat()} {name}".rstrip() for day, name in sorted(days.items()))
