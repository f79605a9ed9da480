"""Anti-passback (防潜回): a card or face used to go in must be used to go out before it can
go in again, so one credential cannot be handed back through the fence.

Doors that share a ``passback_zone`` form a pair (an "in" reader and an "out" reader, or one
two-way door whose reader reports the way). Hard mode refuses the repeat; soft mode lets it
through but flags the event for staff; off ignores the zone.

A remembered passage expires after the community's ``anti_passback_expiry`` (12 hours unless
it says otherwise): someone who left through a held door, by the exit button or during a
power cut must not be locked out of their home until staff notice.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from menwei.core.direction import Direction


class AntiPassbackMode(StrEnum):
    OFF = "off"
    SOFT = "soft"
    HARD = "hard"


@dataclass(frozen=True, slots=True)
class LastPassage:
    """The way a person last passed a zone, and when."""

    direction: Direction
    at: datetime


def is_passback(
    last_passages: Mapping[tuple[uuid.UUID, str], LastPassage],
    person_id: uuid.UUID,
    zone: str,
    direction: Direction,
    at: datetime,
    expiry: timedelta | None,
) -> bool:
    """Whether passing ``direction`` at ``at`` repeats the person's last passage in ``zone``.

    A first passage is never a passback: after an outage the gate cannot know, and locking a
    resident out for the system's gap is worse than one missed check.
    """
    if direction is Direction.BOTH:
        return False
    last = last_passages.get((person_id, zone))
    if last is None or last.direction is not direction:
        return False
    return expiry is None or at - last.at < expiry
