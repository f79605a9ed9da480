"""People and households of a community; residents see only themselves."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from menwei.core import HouseholdMembership, Person, Role
from menwei.server.domain.caller import Caller
from menwei.server.services.moving_out import end_access, has_current_home
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


def names_of(
    uow: UnitOfWork, caller: Caller, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Names of those of ``person_ids`` the caller reaches, read together; others are absent."""
    with uow:
        return {
            pid: person.name
            for pid, person in uow.people.get_many(person_ids, caller.scope).items()
        }


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
        person = uow.people.get(person_id, caller.scope)
        uow.people.move_out(membership_id, day, caller.scope)
        if not has_current_home(uow.people.memberships_of(person_id, caller.scope), day):
            end_access(uow, person_id, person.community_id, day, datetime.now(UTC))
        uow.commit()
        found = [m for m in uow.people.memberships_of(person_id, caller.scope)]
    from menwei.server.domain.errors import NotFound

    for membership in found:
        if membership.id == membership_id:
            return membership
    raise NotFound()


# -- the office's residents list --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One row of the office's residents list: what staff check at a glance, never face data."""

    person: Person
    units: tuple[str, ...]
    credentials: int
    consent_live: bool
    face_enrolled: bool


def unit_label(building: str, entrance: str, number: str) -> str:
    """How the office names a unit: ``1 号楼 2-301`` (building, entrance-number)."""
    return f"{building} {entrance}-{number}" if entrance else f"{building} {number}"


def roster(
    uow: UnitOfWork,
    caller: Caller,
    *,
    name_contains: str | None,
    unit_contains: str | None,
    limit: int,
    offset: int,
) -> tuple[list[RosterEntry], bool, int]:
    """A page of residents (by name, optionally only those living in a matching unit), whether
    there is more, and the total; a few grouped queries per page, never one per person."""
    assert caller.community_id is not None
    with uow:
        page = uow.people.roster_page(
            caller.community_id,
            caller.scope,
            name_contains=name_contains,
            unit_contains=unit_contains,
            today=date.today(),
            limit=limit,
            offset=offset,
        )
    entries = [
        RosterEntry(
            person=row.person,
            units=tuple(unit_label(*unit) for unit in row.units),
            credentials=row.credentials,
            consent_live=row.consent_live,
            face_enrolled=row.face_enrolled,
        )
        for row in page.rows
    ]
    return entries, page.more, page.total
