"""Access groups with their weekly schedules, members, and the community's holiday list."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from menwei.core import AccessGroup
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.pagination import Page, Paging, page_of, paging
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import groups

router = APIRouter(prefix=API_PREFIX, tags=["access groups"])

GroupsRead = Annotated[Caller, Depends(InCommunity("groups:read"))]
GroupsWrite = Annotated[Caller, Depends(InCommunity("groups:write"))]
GroupMembers = Annotated[Caller, Depends(InCommunity("people:read"))]
PagingDep = Annotated[Paging, Depends(paging)]

Window = Annotated[str, Field(pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$", examples=["07:00-22:00"])]
#: A day holds a few opening windows; 48 half-hour ones is already more than any schedule needs.
Windows = Annotated[list[Window], Field(max_length=48)]


class GroupSave(ApiModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    door_ids: Annotated[list[uuid.UUID], Field(max_length=500)]
    weekly: dict[Annotated[int, Field(ge=0, le=6)], Windows] = Field(
        description="Windows per weekday, 0 = Monday; a missing day is closed."
    )
    holiday_windows: Windows | None = Field(
        default=None, description="Windows on the community's holidays; null keeps weekdays."
    )


class GroupPublic(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    door_ids: list[uuid.UUID]
    weekly: dict[int, list[str]]
    holidays: dict[date, list[str]] = Field(
        description="The community's holidays this group observes, with its windows on each "
        "(an empty list: closed); empty when the group keeps its weekday hours."
    )
    timezone: str


class Members(ApiModel):
    person_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=1000)]


class Holidays(ApiModel):
    days: dict[date, Annotated[str, Field(max_length=50)]]


def group_public(g: AccessGroup) -> GroupPublic:
    return GroupPublic(
        id=g.id,
        community_id=g.community_id,
        name=g.name,
        door_ids=sorted(g.door_ids),
        weekly={
            day: [f"{w.start:%H:%M}-{w.end:%H:%M}" for w in windows]
            for day, windows in sorted(g.schedule.weekly.items())
        },
        holidays={
            day: [f"{w.start:%H:%M}-{w.end:%H:%M}" for w in windows]
            for day, windows in sorted(g.schedule.holidays.items())
        },
        timezone=g.schedule.timezone,
    )


def _save(body: GroupSave, caller: Caller, uow: UowDep, group_id: uuid.UUID | None) -> AccessGroup:
    return groups.save_group(
        uow,
        caller,
        group_id=group_id,
        name=body.name,
        door_ids=frozenset(body.door_ids),
        weekly=body.weekly,
        holiday_windows=body.holiday_windows,
    )


@router.get("/communities/{community_id}/groups")
def list_groups(caller: GroupsRead, uow: UowDep, paged: PagingDep) -> Page[GroupPublic]:
    return page_of(groups.list_groups(uow, caller), paged, group_public)


@router.post("/communities/{community_id}/groups", status_code=201)
def add_group(body: GroupSave, caller: GroupsWrite, uow: UowDep) -> GroupPublic:
    return group_public(_save(body, caller, uow, None))


@router.get("/communities/{community_id}/groups/{group_id}")
def get_group(group_id: uuid.UUID, caller: GroupsRead, uow: UowDep) -> GroupPublic:
    return group_public(groups.get_group(uow, caller, group_id))


@router.put("/communities/{community_id}/groups/{group_id}")
def replace_group(
    group_id: uuid.UUID, body: GroupSave, caller: GroupsWrite, uow: UowDep
) -> GroupPublic:
    return group_public(_save(body, caller, uow, group_id))


@router.delete("/communities/{community_id}/groups/{group_id}", status_code=204)
def delete_group(group_id: uuid.UUID, caller: GroupsWrite, uow: UowDep) -> Response:
    groups.delete_group(uow, caller, group_id)
    return Response(status_code=204)


@router.get("/communities/{community_id}/groups/{group_id}/members")
def list_members(group_id: uuid.UUID, caller: GroupMembers, uow: UowDep) -> list[uuid.UUID]:
    """Who is in the group: the office only (a committee member sees the count)."""
    return groups.members(uow, caller, group_id)


class MemberCount(BaseModel):
    count: int


@router.get("/communities/{community_id}/groups/{group_id}/members/count")
def count_members(group_id: uuid.UUID, caller: GroupsRead, uow: UowDep) -> MemberCount:
    """How many people are in the group, without saying who."""
    return MemberCount(count=len(groups.members(uow, caller, group_id)))


@router.post("/communities/{community_id}/groups/{group_id}/members")
def add_members(
    group_id: uuid.UUID, body: Members, caller: GroupsWrite, uow: UowDep
) -> list[uuid.UUID]:
    return groups.add_members(uow, caller, group_id, body.person_ids)


@router.delete("/communities/{community_id}/groups/{group_id}/members/{person_id}", status_code=204)
def remove_member(
    group_id: uuid.UUID, person_id: uuid.UUID, caller: GroupsWrite, uow: UowDep
) -> Response:
    groups.remove_member(uow, caller, group_id, person_id)
    return Response(status_code=204)


@router.get("/communities/{community_id}/holidays")
def get_holidays(caller: GroupsRead, uow: UowDep) -> Holidays:
    return Holidays(days=groups.holidays(uow, caller))


@router.put("/communities/{community_id}/holidays")
def set_holidays(body: Holidays, caller: GroupsWrite, uow: UowDep) -> Holidays:
    return Holidays(days=groups.set_holidays(uow, caller, body.days))
