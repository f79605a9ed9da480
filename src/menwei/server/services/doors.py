"""Doors. Every change goes through ``core.Door``, which refuses a face-only door (R1)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from menwei.core import Door
from menwei.server.domain.caller import Caller
from menwei.store.ports import UnitOfWorkPort


def list_doors(uow: UnitOfWorkPort, caller: Caller) -> list[Door]:
    with uow:
        return uow.places.doors(caller.scope, community_id=caller.community_id)


def get_door(uow: UnitOfWorkPort, caller: Caller, door_id: uuid.UUID) -> Door:
    with uow:
        return uow.places.door(door_id, caller.scope)


def add_door(uow: UnitOfWorkPort, caller: Caller, values: dict[str, Any]) -> Door:
    assert caller.community_id is not None
    door = Door(id=uuid.uuid4(), community_id=caller.community_id, **values)
    with uow:
        uow.places.community(caller.community_id, caller.scope)
        if door.building_id is not None:
            uow.places.building(door.building_id, caller.scope)
        uow.places.save_door(door)
        uow.commit()
    return door


def change_door(
    uow: UnitOfWorkPort, caller: Caller, door_id: uuid.UUID, changes: dict[str, Any]
) -> Door:
    """Apply ``changes``; a change that would leave faces as the only way in is refused."""
    with uow:
        door = replace(uow.places.door(door_id, caller.scope), **changes)
        if door.building_id is not None:
            uow.places.building(door.building_id, caller.scope)
        uow.places.save_door(door)
        uow.commit()
    return door


def delete_door(uow: UnitOfWorkPort, caller: Caller, door_id: uuid.UUID) -> None:
    with uow:
        uow.places.delete_door(door_id, caller.scope)
        uow.commit()
