"""People and households of a community; residents see only themselves."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import func, or_, select

from menwei.core import HouseholdMembership, Person, Role
from menwei.server.domain.caller import Caller
from menwei.server.services.moving_out import end_access, has_current_home
from menwei.store.repositories.people import person_from_row
from menwei.store.tables import (
    BuildingRow,
    CredentialRow,
    HouseholdMembershipRow,
    PersonRow,
    UnitRow,
)
from menwei.store.tables.privacy import ConsentRow, FaceTemplateRow
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


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


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
    cid = caller.community_id
    today = date.today()
    current = or_(
        HouseholdMembershipRow.moved_out.is_(None), HouseholdMembershipRow.moved_out > today
    )
    where = [PersonRow.community_id == cid, caller.scope.clause(PersonRow.community_id)]
    if name_contains:
        where.append(PersonRow.name.like(_like(name_contains), escape="\\"))
    if unit_contains:
        pattern = _like(unit_contains)
        living = (
            select(HouseholdMembershipRow.person_id)
            .join(UnitRow, UnitRow.id == HouseholdMembershipRow.unit_id)
            .join(BuildingRow, BuildingRow.id == UnitRow.building_id)
            .where(
                UnitRow.community_id == cid,
                current,
                or_(
                    UnitRow.number.like(pattern, escape="\\"),
                    BuildingRow.name.like(pattern, escape="\\"),
                    (UnitRow.entrance + "-" + UnitRow.number).like(pattern, escape="\\"),
                    (BuildingRow.name + " " + UnitRow.number).like(pattern, escape="\\"),
                    (BuildingRow.name + " " + UnitRow.entrance + "-" + UnitRow.number).like(
                        pattern, escape="\\"
                    ),
                ),
            )
        )
        where.append(PersonRow.id.in_(living))
    with uow:
        session = uow.session
        total = int(session.scalar(select(func.count()).select_from(PersonRow).where(*where)) or 0)
        rows = session.scalars(
            select(PersonRow)
            .where(*where)
            .order_by(PersonRow.name, PersonRow.id)
            .limit(limit + 1)
            .offset(offset)
        ).all()
        found = [person_from_row(row) for row in rows[:limit]]
        ids = [p.id for p in found]
        units: dict[uuid.UUID, list[str]] = {}
        counts: dict[uuid.UUID, int] = {}
        consenting: set[uuid.UUID] = set()
        enrolled: set[uuid.UUID] = set()
        if ids:
            for person_id, building, entrance, number in session.execute(
                select(
                    HouseholdMembershipRow.person_id,
                    BuildingRow.name,
                    UnitRow.entrance,
                    UnitRow.number,
                )
                .join(UnitRow, UnitRow.id == HouseholdMembershipRow.unit_id)
                .join(BuildingRow, BuildingRow.id == UnitRow.building_id)
                .where(HouseholdMembershipRow.person_id.in_(ids), current)
                .order_by(BuildingRow.name, UnitRow.entrance, UnitRow.number)
            ).all():
                units.setdefault(person_id, []).append(unit_label(building, entrance, number))
            counts = dict(
                session.execute(
                    select(CredentialRow.person_id, func.count())
                    .where(CredentialRow.person_id.in_(ids), CredentialRow.revoked_at.is_(None))
                    .group_by(CredentialRow.person_id)
                ).all()
            )
            consenting = set(
                session.scalars(
                    select(ConsentRow.person_id).where(
                        ConsentRow.person_id.in_(ids), ConsentRow.withdrawn_at.is_(None)
                    )
                ).all()
            )
            enrolled = set(
                session.scalars(
                    select(FaceTemplateRow.person_id).where(FaceTemplateRow.person_id.in_(ids))
                ).all()
            )
    entries = [
        RosterEntry(
            person=p,
            units=tuple(units.get(p.id, ())),
            credentials=counts.get(p.id, 0),
            consent_live=p.id in consenting,
            face_enrolled=p.id in enrolled,
        )
        for p in found
    ]
    return entries, len(rows) > limit, total
