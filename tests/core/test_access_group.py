"""Access groups and the residents' default group."""

from __future__ import annotations

import uuid
from typing import Any

from menwei.core import default_residents_group, resident_door_ids


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
