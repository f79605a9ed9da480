"""The tailgating rule: more people crossed while the door was open than were let in.

"If someone follows right behind me, it is as if nothing were installed." The gate counts
distinct tracked people crossing; this rule says whether that count, against the
authorisations granted, is tailgating. Each authorisation keeps the door window open for
``window`` after it; ``tolerance`` allows for a child carried through or a tracker that split
one person in two, as the community chooses.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from menwei.core.errors import InvalidConfiguration

#: How long a door set to ``hold`` stays shut after a tailgating alert.
HOLD_SECONDS = 30


class TailgatingMode(StrEnum):
    """What a door's gate does when more people cross than were let in; each door has its own.

    Only a door with a camera can count people: a door that reads no faces watches nothing,
    whatever it is set to (``Door.tailgating_in_effect``).
    """

    ALERT = "alert"  # 仅报警：告警发给物业，门照常
    HOLD = "hold"  # 报警并暂停开门：告警，且门在 HOLD_SECONDS 内不再开启
    OFF = "off"  # 不监测

    @property
    def watches(self) -> bool:
        return self is not TailgatingMode.OFF


@dataclass(frozen=True, slots=True, kw_only=True)
class TailgatingRule:
    window: timedelta = timedelta(seconds=6)
    tolerance: int = 0

    def __post_init__(self) -> None:
        if self.window <= timedelta(0) or self.tolerance < 0:
            raise InvalidConfiguration(
                message_id="invalid_configuration.tailgating_window_must_longer"
            )


@dataclass(frozen=True, slots=True)
class Crossing:
    """One tracked person seen crossing at ``at``; ``track_id`` identifies no one."""

    track_id: Hashable
    at: datetime


@dataclass(frozen=True, slots=True)
class TailgatingVerdict:
    """Counts only, never faces or names."""

    tailgating: bool
    authorisations: int
    crossings: int

    @property
    def extra_people(self) -> int:
        return max(0, self.crossings - self.authorisations)


def is_tailgating(authorisations: int, crossings: int, rule: TailgatingRule) -> bool:
    """Whether ``crossings`` people exceed ``authorisations`` by more than the tolerance."""
    return crossings > authorisations + rule.tolerance


def assess_tailgating(
    authorised_at: Iterable[datetime],
    crossings: Iterable[Crossing],
    rule: TailgatingRule,
) -> TailgatingVerdict:
    """Judge one door-open episode.

    The episode starts at the first authorisation and stays open until ``rule.window`` after
    the last one. A person tracked several times counts once; crossings outside the episode
    are not counted (they belong to another one).
    """
    grants = sorted(authorised_at)
    if not grants:
        people = {c.track_id for c in crossings}
        return TailgatingVerdict(
            tailgating=is_tailgating(0, len(people), rule),
            authorisations=0,
            crossings=len(people),
        )
    start, end = grants[0], grants[-1] + rule.window
    people = {c.track_id for c in crossings if start <= c.at < end}
    return TailgatingVerdict(
        tailgating=is_tailgating(len(grants), len(people), rule),
        authorisations=len(grants),
        crossings=len(people),
    )
