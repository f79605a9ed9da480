"""Processors, communities, buildings, units and doors, converted to and from ``menwei.core``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from menwei.core.anti_passback import AntiPassbackMode
from menwei.core.credential import CredentialKind
from menwei.core.direction import Direction
from menwei.core.door import Door, DoorKind
from menwei.core.place import Building, Community, Processor, ProcessorKind, Unit
from menwei.core.tailgating import TailgatingMode
from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.repositories.changes import DELETE, UPSERT, ChangeLog
from menwei.store.repositories.checks import require
from menwei.store.scope import CommunityScope
from menwei.store.tables import BuildingRow, CommunityRow, DoorRow, ProcessorRow, UnitRow
from menwei.text import Message


def _processor(row: ProcessorRow) -> Processor:
    return Processor(
        id=row.id,
        name=row.name,
        kind=ProcessorKind(row.kind),
        contact=row.contact,
        responsible_person=row.responsible_person,
    )


def _community(row: CommunityRow) -> Community:
    return Community(
        id=row.id,
        processor_id=row.processor_id,
        name=row.name,
        address=row.address,
        timezone=row.timezone,
    )


def _building(row: BuildingRow) -> Building:
    return Building(id=row.id, community_id=row.community_id, name=row.name)


def _unit(row: UnitRow) -> Unit:
    return Unit(
        id=row.id,
        building_id=row.building_id,
        number=row.number,
        floor_area_m2=row.floor_area,
        entrance=row.entrance,
    )


def door_from_row(row: DoorRow) -> Door:
    return Door(
        id=row.id,
        community_id=row.community_id,
        name=row.name,
        kind=DoorKind(row.kind),
        direction=Direction(row.direction),
        accepts=frozenset(CredentialKind(k) for k in row.accepted_kinds),
        building_id=row.building_id,
        anti_passback=AntiPassbackMode(row.anti_passback),
        passback_zone=row.passback_zone,
        tailgating=TailgatingMode(row.tailgating or TailgatingMode.ALERT.value),
    )


def _door_values(door: Door) -> dict[str, object]:
    return {
        "community_id": door.community_id,
        "building_id": door.building_id,
        "name": door.name,
        "kind": door.kind.value,
        "direction": door.direction.value,
        "accepted_kinds": sorted(k.value for k in door.accepts),
        "anti_passback": door.anti_passback.value,
        "passback_zone": door.passback_zone,
        "tailgating": door.tailgating.value,
    }


class PlaceRepository:
    """Places of the communities in the caller's scope."""

    def __init__(self, session: Session, changes: ChangeLog) -> None:
        self._session = session
        self._changes = changes

    def _flush(self, what: Message) -> None:
        try:
            self._session.flush()
        except IntegrityError:
            # the unit of work is now unusable; leaving its block rolls everything back
            raise RecordConflict(
                message_id="conflict.already_exists", values={"what": what}
            ) from None

    # processors -------------------------------------------------------------------------
    def add_processor(self, processor: Processor, *, responsible_contact: str = "") -> Processor:
        self._session.add(
            ProcessorRow(
                id=processor.id,
                name=processor.name,
                kind=processor.kind.value,
                contact=processor.contact,
                responsible_person=processor.responsible_person,
                responsible_contact=responsible_contact,
            )
        )
        self._flush(Message("record.processor_with_id"))
        return processor

    def processor(self, processor_id: uuid.UUID) -> Processor:
        row = self._session.get(ProcessorRow, processor_id)
        if row is None:
            raise RecordNotFound("processor", processor_id)
        return _processor(row)

    def processors(self) -> list[Processor]:
        rows = self._session.scalars(select(ProcessorRow).order_by(ProcessorRow.name)).all()
        return [_processor(row) for row in rows]

    def filing(self, processor_id: uuid.UUID) -> tuple[str, date] | None:
        """The processor's filing number and day, or ``None`` while it has not filed."""
        row = require(self._session, ProcessorRow, processor_id, "processor")
        if not row.filing_number or row.filed_on is None:
            return None
        return row.filing_number, row.filed_on

    def record_filing(self, processor_id: uuid.UUID, number: str, filed_on: date) -> None:
        """Store the filing the processor made; a later one (a renewal) replaces it."""
        row = require(self._session, ProcessorRow, processor_id, "processor")
        row.filing_number = number
        row.filed_on = filed_on
        self._session.flush()

    # communities ------------------------------------------------------------------------
    def add_community(self, community: Community) -> Community:
        require(self._session, ProcessorRow, community.processor_id, "processor")
        self._session.add(
            CommunityRow(
                id=community.id,
                processor_id=community.processor_id,
                name=community.name,
                address=community.address,
                timezone=community.timezone,
            )
        )
        self._flush(Message("record.community_with_id"))
        return community

    def community(self, community_id: uuid.UUID, scope: CommunityScope) -> Community:
        row = self._session.scalar(
            select(CommunityRow).where(
                CommunityRow.id == community_id, scope.clause(CommunityRow.id)
            )
        )
        if row is None:
            raise RecordNotFound("community", community_id)
        return _community(row)

    def communities(
        self, scope: CommunityScope, *, processor_id: uuid.UUID | None = None
    ) -> list[Community]:
        query = select(CommunityRow).where(scope.clause(CommunityRow.id))
        if processor_id is not None:
            query = query.where(CommunityRow.processor_id == processor_id)
        rows = self._session.scalars(query.order_by(CommunityRow.name)).all()
        return [_community(row) for row in rows]

    def community_ids_of_processor(self, processor_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """For resolving a processor administrator's scope."""
        ids = self._session.scalars(
            select(CommunityRow.id).where(CommunityRow.processor_id == processor_id)
        ).all()
        return frozenset(ids)

    def set_face_enabled(self, community_id: uuid.UUID, enabled: bool) -> None:
        row = self._session.get(CommunityRow, community_id)
        if row is None:
            raise RecordNotFound("community", community_id)
        row.face_enabled = enabled
        self._session.flush()
        self._changes.record(community_id, "community", community_id, UPSERT)

    def face_enabled(self, community_id: uuid.UUID) -> bool:
        return bool(
            self._session.scalar(
                select(CommunityRow.face_enabled).where(CommunityRow.id == community_id)
            )
        )

    # buildings and units ----------------------------------------------------------------
    def add_building(self, building: Building) -> Building:
        require(self._session, CommunityRow, building.community_id, "community")
        self._session.add(
            BuildingRow(id=building.id, community_id=building.community_id, name=building.name)
        )
        self._flush(Message.of("record.building_named", name=building.name))
        return building

    def buildings(self, community_id: uuid.UUID, scope: CommunityScope) -> list[Building]:
        rows = self._session.scalars(
            select(BuildingRow)
            .where(BuildingRow.community_id == community_id, scope.clause(BuildingRow.community_id))
            .order_by(BuildingRow.name)
        ).all()
        return [_building(row) for row in rows]

    def building(self, building_id: uuid.UUID, scope: CommunityScope) -> Building:
        row = self._session.scalar(
            select(BuildingRow).where(
                BuildingRow.id == building_id, scope.clause(BuildingRow.community_id)
            )
        )
        if row is None:
            raise RecordNotFound("building", building_id)
        return _building(row)

    def add_unit(self, unit: Unit) -> Unit:
        building = self._session.get(BuildingRow, unit.building_id)
        if building is None:
            raise RecordNotFound("building", unit.building_id)
        self._session.add(
            UnitRow(
                id=unit.id,
                community_id=building.community_id,
                building_id=unit.building_id,
                entrance=unit.entrance,
                number=unit.number,
                floor_area=unit.floor_area_m2,
            )
        )
        self._flush(Message.of("record.unit_numbered", number=unit.number))
        return unit

    def units(
        self,
        community_id: uuid.UUID,
        scope: CommunityScope,
        *,
        building_id: uuid.UUID | None = None,
    ) -> list[Unit]:
        query = select(UnitRow).where(
            UnitRow.community_id == community_id, scope.clause(UnitRow.community_id)
        )
        if building_id is not None:
            query = query.where(UnitRow.building_id == building_id)
        rows = self._session.scalars(
            query.order_by(UnitRow.building_id, UnitRow.entrance, UnitRow.number)
        ).all()
        return [_unit(row) for row in rows]

    def unit(self, unit_id: uuid.UUID, scope: CommunityScope) -> Unit:
        row = self._session.scalar(
            select(UnitRow).where(UnitRow.id == unit_id, scope.clause(UnitRow.community_id))
        )
        if row is None:
            raise RecordNotFound("unit", unit_id)
        return _unit(row)

    def community_of_unit(self, unit_id: uuid.UUID) -> uuid.UUID:
        community_id = self._session.scalar(
            select(UnitRow.community_id).where(UnitRow.id == unit_id)
        )
        if community_id is None:
            raise RecordNotFound("unit", unit_id)
        return community_id

    # doors ------------------------------------------------------------------------------
    def save_door(self, door: Door) -> Door:
        """Create or update a door. ``Door`` itself has already refused a face-only door (R1)."""
        require(self._session, CommunityRow, door.community_id, "community")
        if door.building_id is not None:
            building = require(self._session, BuildingRow, door.building_id, "building")
            if building.community_id != door.community_id:
                raise RecordNotFound("building", door.building_id)
        row = self._session.get(DoorRow, door.id)
        if row is None:
            self._session.add(DoorRow(id=door.id, **_door_values(door)))
        else:
            if row.community_id != door.community_id:
                raise RecordNotFound("door", door.id)
            for name, value in _door_values(door).items():
                setattr(row, name, value)
        self._flush(Message.of("record.door_named", name=door.name))
        self._changes.record(door.community_id, "door", door.id, UPSERT)
        return door

    def door(self, door_id: uuid.UUID, scope: CommunityScope) -> Door:
        row = self._session.scalar(
            select(DoorRow).where(DoorRow.id == door_id, scope.clause(DoorRow.community_id))
        )
        if row is None:
            raise RecordNotFound("door", door_id)
        return door_from_row(row)

    def doors(self, scope: CommunityScope, *, community_id: uuid.UUID | None = None) -> list[Door]:
        query = select(DoorRow).where(scope.clause(DoorRow.community_id))
        if community_id is not None:
            query = query.where(DoorRow.community_id == community_id)
        rows = self._session.scalars(query.order_by(DoorRow.name)).all()
        return [door_from_row(row) for row in rows]

    def doors_by_id(self, door_ids: Sequence[uuid.UUID], scope: CommunityScope) -> list[Door]:
        if not door_ids:
            return []
        rows = self._session.scalars(
            select(DoorRow).where(DoorRow.id.in_(door_ids), scope.clause(DoorRow.community_id))
        ).all()
        return [door_from_row(row) for row in rows]

    def delete_door(self, door_id: uuid.UUID, scope: CommunityScope) -> None:
        row = self._session.scalar(
            select(DoorRow).where(DoorRow.id == door_id, scope.clause(DoorRow.community_id))
        )
        if row is None:
            raise RecordNotFound("door", door_id)
        community_id = row.community_id
        self._session.delete(row)
        self._session.flush()
        self._changes.record(community_id, "door", door_id, DELETE)
