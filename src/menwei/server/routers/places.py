"""Processors, communities (with aggregates), buildings and units."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from menwei.core import Building, Community, Processor, ProcessorKind, Unit
from menwei.server.deps import Caller, InCommunity, Permit, UowDep
from menwei.server.pagination import Page, Paging, page_of, paging
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import places

router = APIRouter(prefix=API_PREFIX, tags=["places"])

ProcessorsRead = Annotated[Caller, Depends(Permit("processors:read"))]
ProcessorsWrite = Annotated[Caller, Depends(Permit("processors:write"))]
CommunitiesRead = Annotated[Caller, Depends(Permit("communities:read"))]
CommunitiesWrite = Annotated[Caller, Depends(Permit("communities:write"))]
CommunityRead = Annotated[Caller, Depends(InCommunity("communities:read"))]
CommunityStats = Annotated[Caller, Depends(InCommunity("communities:stats"))]
BuildingsRead = Annotated[Caller, Depends(InCommunity("buildings:read"))]
BuildingsWrite = Annotated[Caller, Depends(InCommunity("buildings:write"))]
UnitsRead = Annotated[Caller, Depends(InCommunity("units:read"))]
UnitsWrite = Annotated[Caller, Depends(InCommunity("units:write"))]
PagingDep = Annotated[Paging, Depends(paging)]

Text = Annotated[str, Field(min_length=1, max_length=200)]


class ProcessorCreate(ApiModel):
    name: Text
    kind: ProcessorKind
    contact: str = Field(default="", max_length=200)
    responsible_person: str = Field(default="", max_length=100)
    responsible_contact: str = Field(default="", max_length=200)


class ProcessorPublic(BaseModel):
    id: uuid.UUID
    name: str
    kind: ProcessorKind
    contact: str
    responsible_person: str


class CommunityCreate(ApiModel):
    processor_id: uuid.UUID
    name: Text
    address: str = Field(default="", max_length=300)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)


class CommunityPublic(BaseModel):
    id: uuid.UUID
    processor_id: uuid.UUID
    name: str
    address: str
    timezone: str


class CommunityStatsPublic(BaseModel):
    community_id: uuid.UUID
    buildings: int
    units: int
    doors: int
    face_doors: int
    face_enabled: bool
    events_allowed: int
    events_denied: int


class BuildingCreate(ApiModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]


class BuildingPublic(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str


class UnitCreate(ApiModel):
    building_id: uuid.UUID
    number: Annotated[str, Field(min_length=1, max_length=50)]
    floor_area_m2: Annotated[Decimal, Field(gt=0, le=100_000, max_digits=10, decimal_places=2)]
    entrance: str = Field(default="", max_length=50)


class UnitPublic(BaseModel):
    id: uuid.UUID
    building_id: uuid.UUID
    number: str
    entrance: str
    floor_area_m2: Decimal


def processor_public(p: Processor) -> ProcessorPublic:
    return ProcessorPublic(
        id=p.id,
        name=p.name,
        kind=p.kind,
        contact=p.contact,
        responsible_person=p.responsible_person,
    )


def community_public(c: Community) -> CommunityPublic:
    return CommunityPublic(
        id=c.id, processor_id=c.processor_id, name=c.name, address=c.address, timezone=c.timezone
    )


def building_public(b: Building) -> BuildingPublic:
    return BuildingPublic(id=b.id, community_id=b.community_id, name=b.name)


def unit_public(u: Unit) -> UnitPublic:
    return UnitPublic(
        id=u.id,
        building_id=u.building_id,
        number=u.number,
        entrance=u.entrance,
        floor_area_m2=u.floor_area_m2,
    )


@router.get("/processors")
def list_processors(caller: ProcessorsRead, uow: UowDep, paged: PagingDep) -> Page[ProcessorPublic]:
    return page_of(places.list_processors(uow, caller), paged, processor_public)


@router.post("/processors", status_code=201)
def add_processor(body: ProcessorCreate, caller: ProcessorsWrite, uow: UowDep) -> ProcessorPublic:
    return processor_public(places.add_processor(uow, **body.model_dump()))


@router.get("/processors/{processor_id}")
def get_processor(processor_id: uuid.UUID, caller: ProcessorsRead, uow: UowDep) -> ProcessorPublic:
    return processor_public(places.get_processor(uow, caller, processor_id))


@router.get("/communities")
def list_communities(
    caller: CommunitiesRead, uow: UowDep, paged: PagingDep
) -> Page[CommunityPublic]:
    return page_of(places.list_communities(uow, caller), paged, community_public)


@router.post("/communities", status_code=201)
def add_community(body: CommunityCreate, caller: CommunitiesWrite, uow: UowDep) -> CommunityPublic:
    return community_public(places.add_community(uow, caller, **body.model_dump()))


@router.get("/communities/{community_id}")
def get_community(caller: CommunityRead, uow: UowDep) -> CommunityPublic:
    return community_public(places.get_community(uow, caller))


@router.get("/communities/{community_id}/stats")
def community_stats(caller: CommunityStats, uow: UowDep) -> CommunityStatsPublic:
    """Counts only, for supervisors and committees: no names, no people, no events."""
    stats = places.community_stats(uow, caller)
    return CommunityStatsPublic(**{name: getattr(stats, name) for name in stats.__slots__})


@router.get("/communities/{community_id}/buildings")
def list_buildings(caller: BuildingsRead, uow: UowDep, paged: PagingDep) -> Page[BuildingPublic]:
    return page_of(places.list_buildings(uow, caller), paged, building_public)


@router.post("/communities/{community_id}/buildings", status_code=201)
def add_building(body: BuildingCreate, caller: BuildingsWrite, uow: UowDep) -> BuildingPublic:
    return building_public(places.add_building(uow, caller, name=body.name))


@router.get("/communities/{community_id}/buildings/{building_id}")
def get_building(building_id: uuid.UUID, caller: BuildingsRead, uow: UowDep) -> BuildingPublic:
    return building_public(places.get_building(uow, caller, building_id))


@router.get("/communities/{community_id}/units")
def list_units(
    caller: UnitsRead, uow: UowDep, paged: PagingDep, building_id: uuid.UUID | None = None
) -> Page[UnitPublic]:
    return page_of(places.list_units(uow, caller, building_id=building_id), paged, unit_public)


@router.post("/communities/{community_id}/units", status_code=201)
def add_unit(body: UnitCreate, caller: UnitsWrite, uow: UowDep) -> UnitPublic:
    return unit_public(places.add_unit(uow, caller, **body.model_dump()))


@router.get("/communities/{community_id}/units/{unit_id}")
def get_unit(unit_id: uuid.UUID, caller: UnitsRead, uow: UowDep) -> UnitPublic:
    return unit_public(places.get_unit(uow, caller, unit_id))
