"""Small builders for store tests: a processor, a community with a building, unit and doors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from menwei.core.anti_passback import AntiPassbackMode
from menwei.core.credential import CredentialKind
from menwei.core.direction import Direction
from menwei.core.door import Door, DoorKind
from menwei.core.person import Person, Role
from menwei.core.place import Building, Community, Processor, ProcessorKind, Unit
from menwei.store.uow import UnitOfWork

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Site:
    processor: Processor
    community: Community
    building: Building
    unit: Unit
    gate: Door
    unit_door: Door
    owner: Person


def make_site(uow: UnitOfWork, name: str = "太阳国际公寓") -> Site:
    """One community with a building, a unit, a gate, a unit door and an owner, committed."""
    processor = Processor(
        id=uuid.uuid4(),
        name=f"{name}物业",
        kind=ProcessorKind.PROPERTY_COMPANY,
        contact="0571-00000000",
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name=name)
    building = Building(id=uuid.uuid4(), community_id=community.id, name="1 号楼")
    unit = Unit(
        id=uuid.uuid4(), building_id=building.id, number="301", floor_area_m2=Decimal("89.50")
    )
    gate = Door(
        id=uuid.uuid4(),
        community_id=community.id,
        name="南门",
        kind=DoorKind.GATE,
        direction=Direction.IN,
        accepts=frozenset({CredentialKind.CARD, CredentialKind.FACE, CredentialKind.QR}),
        anti_passback=AntiPassbackMode.HARD,
        passback_zone="south",
    )
    unit_door = Door(
        id=uuid.uuid4(),
        community_id=community.id,
        building_id=building.id,
        name="1 号楼单元门",
        kind=DoorKind.UNIT_DOOR,
        direction=Direction.BOTH,
        accepts=frozenset({CredentialKind.CARD, CredentialKind.PIN}),
    )
    owner = Person(id=uuid.uuid4(), community_id=community.id, name="王芳", role=Role.OWNER)
    with uow:
        uow.places.add_processor(processor)
        uow.places.add_community(community)
        uow.places.add_building(building)
        uow.places.add_unit(unit)
        uow.places.save_door(gate)
        uow.places.save_door(unit_door)
        uow.people.save(owner)
        uow.commit()
    return Site(processor, community, building, unit, gate, unit_door, owner)
