"""Processors, communities, buildings and units, read and written within the caller's reach."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from menwei.core import Building, Community, Person, Processor, ProcessorKind, Unit
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import NotFound
from menwei.server.policy import AccountRole, reaches_processor
from menwei.server.services.privacy import own_person_id
from menwei.store.records import EventFilter
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


def list_processors(uow: UnitOfWork, caller: Caller) -> list[Processor]:
    with uow:
        found = uow.places.processors()
    return [p for p in found if reaches_processor(caller.principal, p.id)]


def get_processor(uow: UnitOfWork, caller: Caller, processor_id: uuid.UUID) -> Processor:
    if not reaches_processor(caller.principal, processor_id):
        raise NotFound()
    with uow:
        return uow.places.processor(processor_id)


def add_processor(
    uow: UnitOfWork,
    *,
    name: str,
    kind: ProcessorKind,
    contact: str,
    responsible_person: str,
    responsible_contact: str,
) -> Processor:
    processor = Processor(
        id=uuid.uuid4(),
        name=name,
        kind=kind,
        contact=contact,
        responsible_person=responsible_person,
    )
    with uow:
        uow.places.add_processor(processor, responsible_contact=responsible_contact)
        uow.commit()
    return processor


def list_communities(uow: UnitOfWork, caller: Caller) -> list[Community]:
    with uow:
        return uow.places.communities(caller.scope)


def get_community(uow: UnitOfWork, caller: Caller) -> Community:
    assert caller.community_id is not None
    with uow:
        return uow.places.community(caller.community_id, caller.scope)


def own_community_zone(uow: UnitOfWork, caller: Caller) -> str:
    """The time zone of the signed-in resident's own community, in which their pages write
    times and days."""
    with uow:
        person = uow.people.get(own_person_id(caller), caller.scope)
        return uow.places.community(person.community_id, caller.scope).timezone


def add_community(
    uow: UnitOfWork,
    caller: Caller,
    *,
    processor_id: uuid.UUID,
    name: str,
    address: str,
    timezone: str,
) -> Community:
    """A processor admin may only open communities for their own processor."""
    if not reaches_processor(caller.principal, processor_id):
        raise NotFound()
    community = Community(
        id=uuid.uuid4(), processor_id=processor_id, name=name, address=address, timezone=timezone
    )
    with uow:
        uow.places.processor(processor_id)
        uow.places.add_community(community)
        uow.commit()
    return community


@dataclass(frozen=True, slots=True)
class CommunityStats:
    """Aggregates only: what a supervisor may see. Never a name, never a person."""

    community_id: uuid.UUID
    buildings: int
    units: int
    doors: int
    face_doors: int
    face_enabled: bool
    events_allowed: int
    events_denied: int


def community_stats(uow: UnitOfWork, caller: Caller) -> CommunityStats:
    assert caller.community_id is not None
    cid = caller.community_id
    with uow:
        uow.places.community(cid, caller.scope)
        doors = uow.places.doors(caller.scope, community_id=cid)
        outcomes = uow.events.count_by_outcome(EventFilter(community_id=cid), caller.scope)
        return CommunityStats(
            community_id=cid,
            buildings=len(uow.places.buildings(cid, caller.scope)),
            units=len(uow.places.units(cid, caller.scope)),
            doors=len(doors),
            face_doors=sum(1 for d in doors if "face" in d.accepts),
            face_enabled=uow.places.face_enabled(cid),
            events_allowed=outcomes.get("allow", 0),
            events_denied=outcomes.get("deny", 0),
        )


def list_buildings(uow: UnitOfWork, caller: Caller) -> list[Building]:
    assert caller.community_id is not None
    with uow:
        return uow.places.buildings(caller.community_id, caller.scope)


def get_building(uow: UnitOfWork, caller: Caller, building_id: uuid.UUID) -> Building:
    with uow:
        building = uow.places.building(building_id, caller.scope)
    return building


def add_building(uow: UnitOfWork, caller: Caller, *, name: str) -> Building:
    assert caller.community_id is not None
    building = Building(id=uuid.uuid4(), community_id=caller.community_id, name=name)
    with uow:
        uow.places.community(caller.community_id, caller.scope)
        uow.places.add_building(building)
        uow.commit()
    return building


def list_units(
    uow: UnitOfWork, caller: Caller, *, building_id: uuid.UUID | None = None
) -> list[Unit]:
    assert caller.community_id is not None
    with uow:
        return uow.places.units(caller.community_id, caller.scope, building_id=building_id)


def get_unit(uow: UnitOfWork, caller: Caller, unit_id: uuid.UUID) -> Unit:
    with uow:
        return uow.places.unit(unit_id, caller.scope)


def add_unit(
    uow: UnitOfWork,
    caller: Caller,
    *,
    building_id: uuid.UUID,
    number: str,
    floor_area_m2: Decimal,
    entrance: str,
) -> Unit:
    unit = Unit(
        id=uuid.uuid4(),
        building_id=building_id,
        number=number,
        floor_area_m2=floor_area_m2,
        entrance=entrance,
    )
    with uow:
        uow.places.building(building_id, caller.scope)
        uow.places.add_unit(unit)
        uow.commit()
    return unit


def all_scope() -> CommunityScope:
    return CommunityScope.all()


def is_platform(caller: Caller) -> bool:
    return caller.principal.role is AccountRole.PLATFORM_ADMIN


# -- the office's view of units and who lives in them ----------------------------------------


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts ``2`` before ``10`` and ``301`` before ``1001``, as people count."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def unit_labels(uow: UnitOfWork, caller: Caller) -> dict[uuid.UUID, str]:
    """Every unit of the community named as the office says it (``1 号楼 2-301``), in order."""
    from menwei.server.services.people import unit_label

    assert caller.community_id is not None
    with uow:
        names = {b.id: b.name for b in uow.places.buildings(caller.community_id, caller.scope)}
        units = uow.places.units(caller.community_id, caller.scope)
    ordered = sorted(
        units,
        key=lambda u: (
            natural(names.get(u.building_id, "")),
            natural(u.entrance),
            natural(u.number),
        ),
    )
    return {u.id: unit_label(names.get(u.building_id, ""), u.entrance, u.number) for u in ordered}


def households(
    uow: UnitOfWork, caller: Caller, unit_ids: list[uuid.UUID], day: date
) -> dict[uuid.UUID, list[Person]]:
    """Who lives in each of ``unit_ids`` on ``day``: one query for the lot."""
    with uow:
        return uow.people.living_in(unit_ids, day, caller.scope)
