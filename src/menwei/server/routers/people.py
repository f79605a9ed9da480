"""People of a community and their households (move-in, move-out)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from menwei.core import HouseholdMembership, Person, Role
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.pagination import Limit, Offset
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel, PatchModel
from menwei.server.services import people

router = APIRouter(prefix=API_PREFIX, tags=["people"])

PeopleRead = Annotated[Caller, Depends(InCommunity("people:read"))]
PeopleWrite = Annotated[Caller, Depends(InCommunity("people:write"))]
HouseholdsRead = Annotated[Caller, Depends(InCommunity("households:read"))]
HouseholdsWrite = Annotated[Caller, Depends(InCommunity("households:write"))]

Name = Annotated[str, Field(min_length=1, max_length=100)]
Phone = Annotated[str, Field(max_length=30, pattern=r"^[0-9+\- ]*$")]


class PersonCreate(ApiModel):
    name: Name
    role: Role
    date_of_birth: date | None = None
    guardian_id: uuid.UUID | None = None
    phone: Phone = ""


class PersonUpdate(PatchModel):
    clearable = frozenset({"date_of_birth", "guardian_id"})

    name: Name | None = None
    role: Role | None = None
    date_of_birth: date | None = None
    guardian_id: uuid.UUID | None = None
    phone: Phone | None = None


class PersonPublic(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    role: Role
    date_of_birth: date | None
    guardian_id: uuid.UUID | None
    phone: str


class PeoplePage(BaseModel):
    items: list[PersonPublic]
    limit: int
    offset: int
    has_more: bool
    total: int


class MoveIn(ApiModel):
    unit_id: uuid.UUID
    moved_in: date


class MoveOut(ApiModel):
    moved_out: date


class MembershipPublic(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    unit_id: uuid.UUID
    moved_in: date
    moved_out: date | None


def person_public(p: Person) -> PersonPublic:
    return PersonPublic(
        id=p.id,
        community_id=p.community_id,
        name=p.name,
        role=p.role,
        date_of_birth=p.date_of_birth,
        guardian_id=p.guardian_id,
        phone=p.phone,
    )


def membership_public(m: HouseholdMembership) -> MembershipPublic:
    return MembershipPublic(
        id=m.id,
        person_id=m.person_id,
        unit_id=m.unit_id,
        moved_in=m.moved_in,
        moved_out=m.moved_out,
    )


@router.get("/communities/{community_id}/people")
def list_people(
    caller: PeopleRead,
    uow: UowDep,
    limit: Limit = 50,
    offset: Offset = 0,
    role: Role | None = None,
    name: Annotated[str | None, Query(max_length=100)] = None,
) -> PeoplePage:
    found, more = people.list_people(
        uow, caller, role=role, name_contains=name, limit=limit, offset=offset
    )
    total = people.count_people(uow, caller, role=role, name_contains=name)
    return PeoplePage(
        items=[person_public(p) for p in found],
        limit=limit,
        offset=offset,
        has_more=more,
        total=total,
    )


@router.post("/communities/{community_id}/people", status_code=201)
def add_person(body: PersonCreate, caller: PeopleWrite, uow: UowDep) -> PersonPublic:
    return person_public(people.add_person(uow, caller, **body.model_dump()))


@router.get("/communities/{community_id}/people/{person_id}")
def get_person(person_id: uuid.UUID, caller: PeopleRead, uow: UowDep) -> PersonPublic:
    return person_public(people.get_person(uow, caller, person_id))


@router.patch("/communities/{community_id}/people/{person_id}")
def update_person(
    person_id: uuid.UUID, body: PersonUpdate, caller: PeopleWrite, uow: UowDep
) -> PersonPublic:
    changes = body.model_dump(exclude_unset=True)
    return person_public(people.update_person(uow, caller, person_id, changes))


@router.delete("/communities/{community_id}/people/{person_id}", status_code=204)
def delete_person(person_id: uuid.UUID, caller: PeopleWrite, uow: UowDep) -> Response:
    people.delete_person(uow, caller, person_id)
    return Response(status_code=204)


@router.get("/communities/{community_id}/people/{person_id}/households")
def list_memberships(
    person_id: uuid.UUID, caller: HouseholdsRead, uow: UowDep
) -> list[MembershipPublic]:
    return [membership_public(m) for m in people.memberships(uow, caller, person_id)]


@router.post("/communities/{community_id}/people/{person_id}/households", status_code=201)
def move_in(
    person_id: uuid.UUID, body: MoveIn, caller: HouseholdsWrite, uow: UowDep
) -> MembershipPublic:
    return membership_public(
        people.move_in(uow, caller, person_id, unit_id=body.unit_id, moved_in=body.moved_in)
    )


@router.post("/communities/{community_id}/people/{person_id}/households/{membership_id}/move-out")
def move_out(
    person_id: uuid.UUID,
    membership_id: uuid.UUID,
    body: MoveOut,
    caller: HouseholdsWrite,
    uow: UowDep,
) -> MembershipPublic:
    return membership_public(people.move_out(uow, caller, person_id, membership_id, body.moved_out))
