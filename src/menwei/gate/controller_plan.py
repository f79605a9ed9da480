"""What a UHPPOTE controller must hold so that cards keep working with the gate host down.

A pure function of the gate's local state: the cards allowed at this door, each with the
controller's date range and either "any time" or a time profile built from the same access
groups and weekly schedules ``core`` decides with. The driver pushes this plan and removes
every card the plan no longer has (a revoked card, a move-out).

What a controller cannot hold is listed in ``notes``: card UIDs that do not fit its 32-bit card
number and schedules needing more time profiles than it has are left out (those cards are
refused while the gate host is down), and holiday exceptions, which it does not know (on a
holiday it keeps the weekday's hours).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from menwei.core.credential import Card
from menwei.core.door import Door
from menwei.core.schedule import WeeklySchedule
from menwei.core.state import AccessState

#: the controller's "no end" date, and the profile numbers it accepts (1 means any time)
FAR_FUTURE = date(2099, 12, 31)
ANY_TIME = 1
FIRST_PROFILE = 2
LAST_PROFILE = 254
SEGMENTS_PER_PROFILE = 3
MAX_CARD_NUMBER = 0xFFFFFFFF

# (weekday 0 = Monday, start minute, last minute inclusive)
Slot = tuple[int, int, int]


@dataclass(frozen=True)
class TimeProfile:
    """One controller time profile: weekdays, up to three segments, and the profile it chains to."""

    id: int
    weekdays: frozenset[int]
    segments: tuple[tuple[time, time], ...]
    linked: int = 0


@dataclass(frozen=True)
class CardEntry:
    """One card row on the controller: number, dates (inclusive), door permission, owner."""

    number: int
    start: date
    end: date
    permission: int
    person_id: uuid.UUID


@dataclass
class ControllerPlan:
    """Cards by controller card number, the time profiles they use, and what was left out."""

    door_number: int
    timezone: str
    cards: dict[int, CardEntry] = field(default_factory=dict)
    profiles: dict[int, TimeProfile] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def person_of(self, number: int) -> uuid.UUID | None:
        entry = self.cards.get(number)
        return None if entry is None else entry.person_id


def card_number(card: Card) -> int | None:
    """The controller's number for ``card``; ``None`` when it does not fit 32 bits.

    Wiegand-26 readers report facility code and card number, which controllers show as
    ``facility * 100000 + number``; a keyboard-wedge UID is its decimal digits (or hex).
    """
    uid = card.uid
    try:
        value = int(uid) if uid.isdecimal() else int(uid, 16)
    except ValueError:
        return None
    if card.facility_code is not None:
        value = card.facility_code * 100_000 + value
    return value if 0 < value <= MAX_CARD_NUMBER else None


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _slots(schedule: WeeklySchedule) -> set[Slot]:
    """The schedule as weekday slots; a window across midnight is split at 23:59."""
    slots: set[Slot] = set()
    for day, windows in schedule.weekly.items():
        for window in windows:
            start, end = _minutes(window.start), _minutes(window.end)
            if window.crosses_midnight:
                slots.add((day, start, 24 * 60 - 1))
                if end > 0:
                    slots.add(((day + 1) % 7, 0, end - 1))
            else:
                slots.add((day, start, end - 1))
    return slots


def _is_any_time(slots: set[Slot]) -> bool:
    return all((day, 0, 24 * 60 - 1) in slots for day in range(7))


def _as_time(minute: int) -> time:
    return time(minute // 60, minute % 60)


def _profile_chain(slots: set[Slot], first_id: int) -> list[TimeProfile]:
    """Profiles for ``slots``: days with the same segments share one; long lists chain."""
    by_day: dict[tuple[tuple[int, int], ...], set[int]] = {}
    for day in range(7):
        segments = tuple(sorted((s, e) for d, s, e in slots if d == day))
        if segments:
            by_day.setdefault(segments, set()).add(day)
    parts: list[tuple[frozenset[int], tuple[tuple[time, time], ...]]] = []
    for segments, days in sorted(by_day.items(), key=lambda item: min(item[1])):
        for i in range(0, len(segments), SEGMENTS_PER_PROFILE):
            chunk = segments[i : i + SEGMENTS_PER_PROFILE]
            parts.append((frozenset(days), tuple((_as_time(s), _as_time(e)) for s, e in chunk)))
    return [
        TimeProfile(
            id=first_id + n,
            weekdays=days,
            segments=segments,
            linked=first_id + n + 1 if n + 1 < len(parts) else 0,
        )
        for n, (days, segments) in enumerate(parts)
    ]


def _local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _dates(card: Card, now: datetime, zone: ZoneInfo) -> tuple[date, date] | None:
    """The card's inclusive local date range, or ``None`` if it cannot be used from today on."""
    validity = card.validity
    if validity.revoked_at is not None and validity.revoked_at <= now:
        return None
    start = _local_date(validity.valid_from, zone)
    end = FAR_FUTURE
    if validity.valid_until is not None:
        until = validity.valid_until.astimezone(zone)
        end = until.date() if until.time() != time(0) else until.date() - timedelta(days=1)
    if validity.revoked_at is not None:
        end = min(end, _local_date(validity.revoked_at, zone) - timedelta(days=1))
    if end < max(start, _local_date(now, zone)):
        return None
    return start, end


def plan_for(
    state: AccessState, door: Door, *, door_number: int, now: datetime, timezone: str
) -> ControllerPlan:
    """The cards and time profiles one controller door should hold at ``now``."""
    zone = ZoneInfo(timezone)
    plan = ControllerPlan(door_number=door_number, timezone=timezone)
    profile_ids: dict[frozenset[Slot], int] = {}
    next_id = FIRST_PROFILE
    holidays_seen = False
    for card in sorted(state.cards.values(), key=lambda c: c.uid):
        if card.person_id not in state.people:
            continue
        covering = [g for g in state.groups_of(card.person_id) if g.covers(door.id)]
        if not covering:
            continue
        number = card_number(card)
        if number is None:
            plan.notes.append(f"card …{card.uid[-4:]} does not fit a controller card number")
            continue
        dates = _dates(card, now, zone)
        if dates is None:
            continue
        slots: set[Slot] = set()
        for group in covering:
            slots |= _slots(group.schedule)
            holidays_seen = holidays_seen or bool(group.schedule.holidays)
        if not slots:
            continue
        if _is_any_time(slots):
            permission = ANY_TIME
        else:
            key = frozenset(slots)
            if key not in profile_ids:
                chain = _profile_chain(slots, next_id)
                if chain[-1].id > LAST_PROFILE:
                    plan.notes.append("more schedules than the controller has time profiles")
                    continue
                profile_ids[key] = next_id
                next_id += len(chain)
                plan.profiles.update((p.id, p) for p in chain)
            permission = profile_ids[key]
        plan.cards[number] = CardEntry(number, dates[0], dates[1], permission, card.person_id)
    if holidays_seen:
        plan.notes.append("holiday exceptions are decided by the gate only")
    return plan


def differences(
    plan: ControllerPlan, held: Iterable[CardEntry]
) -> tuple[list[CardEntry], list[int]]:
    """Cards to write (new or changed) and card numbers to delete, against what is ``held``."""
    held_by_number = {entry.number: entry for entry in held}
    to_put = [
        entry
        for number, entry in sorted(plan.cards.items())
        if _row(held_by_number.get(number)) != _row(entry)
    ]
    to_delete = sorted(n for n in held_by_number if n not in plan.cards)
    return to_put, to_delete


def _row(entry: CardEntry | None) -> tuple[int, date, date, int] | None:
    """What the controller stores (it knows nothing of people)."""
    return None if entry is None else (entry.number, entry.start, entry.end, entry.permission)
