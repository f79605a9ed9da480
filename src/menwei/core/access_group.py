"""Access groups: a set of doors open to the group's members on a weekly schedule.

Residents get a default group built from where they live: their own building's doors plus the
community's common gates and turnstiles, at any hour. Garage barriers are left out of the
default because parking is a separate service with its own group.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from menwei.core.door import Door
from menwei.core.person import HouseholdMembership
from menwei.core.place import Unit
from menwei.core.schedule import WeeklySchedule
from menwei.core.text import check_name


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessGroup:
    """Doors plus the schedule under which the group's members may pass them."""

    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    door_ids: frozenset[uuid.UUID]
    schedule: WeeklySchedule

    def __post_init__(self) -> None:
        check_name(self.name)

    def covers(self, door_id: uuid.UUID) -> bool:
        return door_id in self.door_ids

    def opens(self, door_id: uuid.UUID, at: datetime) -> bool:
        return self.covers(door_id) and self.schedule.is_open(at)


def resident_door_ids(building_id: uuid.UUID, doors: Iterable[Door]) -> frozenset[uuid.UUID]:
    """The doors a resident of ``building_id`` may use by default."""
    return frozenset(
        door.id
        for door in doors
        if door.building_id == building_id
        or (door.building_id is None and door.kind.is_common_entrance)
    )


def default_residents_group(
    *,
    group_id: uuid.UUID,
    community_id: uuid.UUID,
    building_id: uuid.UUID,
    building_name: str,
    doors: Iterable[Door],
    timezone: str = "Asia/Shanghai",
) -> AccessGroup:
    """The group every resident of a building joins when they move in."""
    return AccessGroup(
        id=group_id,
        community_id=community_id,
        name=f"{building_name} 住户",
        door_ids=resident_door_ids(
            building_id, (d for d in doors if d.community_id == community_id)
        ),
        schedule=WeeklySchedule.always(timezone),
    )


def resident_group_ids(
    person_id: uuid.UUID,
    memberships: Iterable[HouseholdMembership],
    units: Mapping[uuid.UUID, Unit],
    residents_group_by_building: Mapping[uuid.UUID, uuid.UUID],
    day: date,
) -> frozenset[uuid.UUID]:
    """The default groups ``person_id`` belongs to on ``day``, from where they live then.

    Moving out ends the building's access on the move-out day, without anyone having to
    remember to revoke it.
    """
    groups = set()
    for stay in memberships:
        if stay.person_id != person_id or not stay.is_current(day):
            continue
        unit = units.get(stay.unit_id)
        if unit is not None and unit.building_id in residents_group_by_building:
            groups.add(residents_group_by_building[unit.building_id])
    return frozenset(groups)
