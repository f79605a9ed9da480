"""People and households of a community; residents see only themselves."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from menwei.core import HouseholdMembership, Person, Role
from menwei.server.deps import Caller
from menwei.store.uow import UnitOfWork


def list_people(
    uow: UnitOfWork,
    caller: Caller,
    *,
    role: Role | None,
    name_contains: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Person], bool]:
    """One page and whether there is more (read one extra row rather than count the table)."""
    with uow:
        found = uow.people.list(
            caller.scope,
            community_id=caller.community_id,
            role=role,
            name_contains=name_contains,
            limit=limit + 1,
            offset=offset,
        )
    return found[:limit], len(found) > limit


def count_people(
    uow: UnitOfWork, caller: Caller, *, role: Role | None, name_contains: str | None
) -> int:
    """How many people the listing with these filters pages through, within the caller's scope."""
    with uow:
        return uow.people.count(
            caller.scope, community_id=caller.community_id, role=role, name_contains=name_contains
        )


def get_person(uow: UnitOfWork, caller: Caller, person_id: uuid.UUID) -> Person:
    with uow:
        return uow.people.get(person_id, caller.scope)


def add_person(
    uow: UnitOfWork,
    caller: Caller,
    *,
    name: str,
    role: Role,
    date_of_birth: date | None,
    guardian_id: uuid.UUID | None,
    phone: str,
) -> Person:
    assert caller.community_id is not None
    person = Person(
        id=uuid.uuid4(),
        community_id=caller.community_id,
        name=name,
        role=role,
        date_of_birth=date_of_birth,
        guardian_id=guardian_id,
        phone=phone,
    )
    with uow:
        uow.places.community(caller.community_id, caller.scope)
        uow.people.save(person)
        uow.commit()
    return person


def update_person(
    uow: UnitOfWork, caller: Caller, person_id: uuid.UUID, changes: dict[str, object]
) -> Person:
    with uow:
        person = replace(uow.people.get(person_id, caller.scope), **changes)  # type: ignore[arg-type]
        uow.people.save(person)
        uow.commit()
    return person


def delete_person(uow: UnitOfWork, caller: Caller, person_id: uuid.UUID) -> None:
    with uow:
        uow.people.delete(person_id, caller.scope)
        uow.commit()


def memberships(uow: UnitOfWork, caller: Caller, person_id: uuid.UUID) -> list[HouseholdMembership]:
    with uow:
        return uow.people.memberships_of(person_id, caller.scope)


def move_in(
    uow: UnitOfWork,
    caller: Caller,
    person_id: uuid.UUID,
    *,
    unit_id: uuid.UUID,
    moved_in: date,
) -> HouseholdMembership:
    membership = HouseholdMembership(
        id=uuid.uuid4(), person_id=person_id, unit_id=unit_id, moved_in=moved_in
    )
    with uow:
        uow.people.get(person_id, caller.scope)
        uow.places.unit(unit_id, caller.scope)
        uow.people.add_membership(membership)
        uow.commit()
    return membership


def move_out(
    uow: UnitOfWork, caller: Caller, person_id: uuid.UUID, membership_id: uuid.UUID, day: date
) -> HouseholdMembership:
    with uow:
        uow.people.get(person_id, caller.scope)
        uow.people.move_out(membership_id, day, caller.scope)
        uow.commit()
        found = [m for m in uow.people.memberships_of(person_id, caller.scope)]
    from menwei.server.errors import NotFound

    for membership in found:
        if membership.id == membership_id:
            return membership
    raise NotFound()
