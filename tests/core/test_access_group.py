"""Access groups and the residents' default group."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from menwei.core import (
    HouseholdMembership,
    Unit,
    default_residents_group,
    resident_door_ids,
    resident_group_ids,
)


def test_residents_get_their_building_and_the_common_gates_but_not_the_garage(world: Any) -> None:
    doors = [
        world.east_in,
        world.east_out,
        world.side_gate,
        world.a_door,
        world.b_door,
        world.garage,
    ]
    ids = resident_door_ids(world.building_a, doors)
    assert ids == {world.east_in.id, world.east_out.id, world.side_gate.id, world.a_door.id}


def test_the_default_group_ignores_doors_of_another_community(world: Any) -> None:
    group = default_residents_group(
        group_id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        building_id=world.building_a,
        building_name="1 号楼",
        doors=[world.east_in, world.a_door],
    )
    assert group.door_ids == frozenset()


def test_the_default_group_is_open_at_any_hour(world: Any) -> None:
    group = default_residents_group(
        group_id=uuid.uuid4(),
        community_id=world.community_id,
        building_id=world.building_b,
        building_name="2 号楼",
        doors=[world.east_in, world.b_door],
    )
    assert group.opens(world.b_door.id, world.now)
    assert not group.opens(world.a_door.id, world.now)


def test_a_resident_keeps_their_buildings_group_only_while_they_live_there(world: Any) -> None:
    unit_a = Unit(
        id=uuid.uuid4(), building_id=world.building_a, number="301", floor_area_m2=Decimal("90")
    )
    unit_b = Unit(
        id=uuid.uuid4(), building_id=world.building_b, number="502", floor_area_m2=Decimal("120")
    )
    group_a, group_b = uuid.uuid4(), uuid.uuid4()
    stays = [
        HouseholdMembership(
            id=uuid.uuid4(),
            person_id=world.bob.id,
            unit_id=unit_a.id,
            moved_in=date(2024, 1, 1),
            moved_out=date(2026, 6, 1),
        ),
        HouseholdMembership(
            id=uuid.uuid4(), person_id=world.bob.id, unit_id=unit_b.id, moved_in=date(2026, 6, 1)
        ),
        HouseholdMembership(
            id=uuid.uuid4(), person_id=world.alice.id, unit_id=unit_b.id, moved_in=date(2020, 1, 1)
        ),
    ]
    units = {unit_a.id: unit_a, unit_b.id: unit_b}
    by_building = {world.building_a: group_a, world.building_b: group_b}

    def groups_on(day: date) -> frozenset[uuid.UUID]:
        return resident_group_ids(world.bob.id, stays, units, by_building, day)

    assert groups_on(date(2023, 12, 31)) == frozenset()
    assert groups_on(date(2026, 5, 31)) == {group_a}
    assert groups_on(date(2026, 6, 1)) == {group_b}
