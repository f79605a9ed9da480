"""Anti-passback (防潜回): a card or face used to go in must be used to go out before it can
go in again, so one credential cannot be handed back through the fence.

Doors that share a ``passback_zone`` form a pair (an "in" reader and an "out" reader, or one
two-way door). Hard mode refuses the repeat; soft mode lets it through but flags the event for
staff; off ignores the zone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from enum import StrEnum

from menwei.core.direction import Direction


class AntiPassbackMode(StrEnum):
    OFF = "off"
    SOFT = "soft"
    HARD = "hard"


def is_passback(
    last_passages: Mapping[tuple[uuid.UUID, str], Direction],
    person_id: uuid.UUID,
    zone: str,
    direction: Direction,
) -> bool:
    """Whether passing ``direction`` now repeats the person's last passage in ``zone``.

    A first passage is never a passback: after an outage the gate cannot know, and locking a
    resident out for the system's gap is worse than one missed check.
    """
    if direction is Direction.BOTH:
        return False
    return last_passages.get((person_id, zone)) is direction
