"""Doors and what their readers accept. A face-only door is refused with the rule cited (R1)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from menwei.core import (
    AntiPassbackMode,
    CredentialKind,
    Direction,
    Door,
    DoorKind,
    TailgatingMode,
)
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.pagination import Page, Paging, page_of, paging
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel, PatchModel
from menwei.server.services import doors

router = APIRouter(prefix=API_PREFIX, tags=["doors"])

DoorsRead = Annotated[Caller, Depends(InCommunity("doors:read"))]
DoorsWrite = Annotated[Caller, Depends(InCommunity("doors:write"))]
PagingDep = Annotated[Paging, Depends(paging)]


class DoorCreate(ApiModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: DoorKind
    direction: Direction = Direction.BOTH
    accepts: Annotated[list[CredentialKind], Field(min_length=1, max_length=4)]
    building_id: uuid.UUID | None = None
    anti_passback: AntiPassbackMode = AntiPassbackMode.OFF
    passback_zone: Annotated[str | None, Field(max_length=50)] = None
    tailgating: TailgatingMode = TailgatingMode.ALERT


class DoorUpdate(PatchModel):
    clearable = frozenset({"building_id", "passback_zone"})

    name: Annotated[str | None, Field(min_length=1, max_length=100)] = None
    kind: DoorKind | None = None
    direction: Direction | None = None
    accepts: Annotated[list[CredentialKind] | None, Field(min_length=1, max_length=4)] = None
    building_id: uuid.UUID | None = None
    anti_passback: AntiPassbackMode | None = None
    passback_zone: Annotated[str | None, Field(max_length=50)] = None
    tailgating: TailgatingMode | None = None


class DoorPublic(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    kind: DoorKind
    direction: Direction
    accepts: list[CredentialKind]
    building_id: uuid.UUID | None
    anti_passback: AntiPassbackMode
    passback_zone: str | None
    #: the stored setting, and what the gate applies (``off`` at a door without a camera)
    tailgating: TailgatingMode
    tailgating_in_effect: TailgatingMode


def door_public(d: Door) -> DoorPublic:
    return DoorPublic(
        id=d.id,
        community_id=d.community_id,
        name=d.name,
        kind=d.kind,
        direction=d.direction,
        accepts=sorted(d.accepts),
        building_id=d.building_id,
        anti_passback=d.anti_passback,
        passback_zone=d.passback_zone,
        tailgating=d.tailgating,
        tailgating_in_effect=d.tailgating_in_effect,
    )


def _values(body: BaseModel, *, exclude_unset: bool) -> dict[str, object]:
    values = body.model_dump(exclude_unset=exclude_unset)
    if values.get("accepts") is not None:
        values["accepts"] = frozenset(values["accepts"])
    return values


@router.get("/communities/{community_id}/doors")
def list_doors(caller: DoorsRead, uow: UowDep, paged: PagingDep) -> Page[DoorPublic]:
    return page_of(doors.list_doors(uow, caller), paged, door_public)


@router.post(
    "/communities/{community_id}/doors",
    status_code=201,
    responses={409: {"description": "Refused: faces would be the only way in (R1)."}},
)
def add_door(body: DoorCreate, caller: DoorsWrite, uow: UowDep) -> DoorPublic:
    return door_public(doors.add_door(uow, caller, _values(body, exclude_unset=False)))


@router.get("/communities/{community_id}/doors/{door_id}")
def get_door(door_id: uuid.UUID, caller: DoorsRead, uow: UowDep) -> DoorPublic:
    return door_public(doors.get_door(uow, caller, door_id))


@router.patch(
    "/communities/{community_id}/doors/{door_id}",
    responses={409: {"description": "Refused: faces would be the only way in (R1)."}},
)
def change_door(
    door_id: uuid.UUID, body: DoorUpdate, caller: DoorsWrite, uow: UowDep
) -> DoorPublic:
    return door_public(doors.change_door(uow, caller, door_id, _values(body, exclude_unset=True)))


@router.delete("/communities/{community_id}/doors/{door_id}", status_code=204)
def delete_door(door_id: uuid.UUID, caller: DoorsWrite, uow: UowDep) -> Response:
    doors.delete_door(uow, caller, door_id)
    return Response(status_code=204)
