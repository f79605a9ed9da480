"""People and household memberships, converted to and from ``menwei.core``."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import Session

from menwei.core.person import HouseholdMembership, Person, Role
from menwei.store.errors import RecordNotFound
from menwei.store.repositories.changes import DELETE, UPSERT, ChangeLog
from menwei.store.repositories.checks import require
from menwei.store.scope import CommunityScope
from menwei.store.tables import (
    AccessGroupMemberRow,
    BuildingRow,
    CommunityRow,
    CredentialRow,
    HouseholdMembershipRow,
    PersonRow,
    UnitRow,
)
from menwei.store.tables.privacy import ConsentRow, FaceTemplateRow

#: ids per ``IN (…)`` list, well below every driver's limit on bound parameters
_CHUNK = 500


def person_from_row(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        community_id=row.community_id,
        name=row.name,
        role=Role(row.role),
        date_of_birth=row.date_of_birth,
        guardian_id=row.guardian_id,
        phone=row.phone,
    )


def _membership(row: HouseholdMembershipRow) -> HouseholdMembership:
    return HouseholdMembership(
        id=row.id,
        person_id=row.person_id,
        unit_id=row.unit_id,
        moved_in=row.moved_in,
        moved_out=row.moved_out,
    )


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One resident of the office's list: the person, the units they live in now as
    ``(building, entrance, number)``, their live credentials, and whether they consented to
    face recognition and hold a template (never the template)."""

    person: Person
    units: tuple[tuple[str, str, str], ...]
    credentials: int
    consent_live: bool
    face_enrolled: bool


@dataclass(frozen=True, slots=True)
class RosterPage:
    rows: tuple[RosterRow, ...]
    more: bool
    total: int


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def _current_on(day: date) -> ColumnElement[bool]:
    return (HouseholdMembershipRow.moved_in <= day) & or_(
        HouseholdMembershipRow.moved_out.is_(None), HouseholdMembershipRow.moved_out > day
    )


def _filtered(
    query: Select[Any],
    scope: CommunityScope,
    *,
    community_id: uuid.UUID | None,
    role: Role | None,
    name: str | None,
) -> Select[Any]:
    """The same filters for a page and for its total, so the two can never disagree."""
    query = query.where(scope.clause(PersonRow.community_id))
    if community_id is not None:
        query = query.where(PersonRow.community_id == community_id)
    if role is not None:
        query = query.where(PersonRow.role == role.value)
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
        query = query.where(PersonRow.name.like(f"%{escaped}%", escape="\\"))
    return query


class PersonRepository:
    """People of the communities in the caller's scope."""

    def __init__(self, session: Session, changes: ChangeLog) -> None:
        self._session = session
        self._changes = changes

    def _row(self, person_id: uuid.UUID, scope: CommunityScope) -> PersonRow:
        row = self._session.scalar(
            select(PersonRow).where(PersonRow.id == person_id, scope.clause(PersonRow.community_id))
        )
        if row is None:
            raise RecordNotFound("person", person_id)
        return row

    def save(self, person: Person) -> Person:
        """Create or update a person (a guardian must live in the same community)."""
        require(self._session, CommunityRow, person.community_id, "community")
        if person.guardian_id is not None:
            self._row(person.guardian_id, CommunityScope.of([person.community_id]))
        row = self._session.get(PersonRow, person.id)
        values = {
            "community_id": person.community_id,
            "name": person.name,
            "role": person.role.value,
            "date_of_birth": person.date_of_birth,
            "guardian_id": person.guardian_id,
            "phone": person.phone,
        }
        if row is None:
            self._session.add(PersonRow(id=person.id, **values))
        else:
            if row.community_id != person.community_id:
                raise RecordNotFound("person", person.id)
            for name, value in values.items():
                setattr(row, name, value)
        self._session.flush()
        self._changes.record(person.community_id, "person", person.id, UPSERT)
        return person

    def get(self, person_id: uuid.UUID, scope: CommunityScope) -> Person:
        return person_from_row(self._row(person_id, scope))

    def list(
        self,
        scope: CommunityScope,
        *,
        community_id: uuid.UUID | None = None,
        role: Role | None = None,
        name_contains: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[Person]:
        query = _filtered(
            select(PersonRow), scope, community_id=community_id, role=role, name=name_contains
        )
        rows = self._session.scalars(
            query.order_by(PersonRow.name, PersonRow.id)
            .limit(max(1, min(limit, 1000)))
            .offset(max(0, offset))
        ).all()
        return [person_from_row(row) for row in rows]

    def count(
        self,
        scope: CommunityScope,
        *,
        community_id: uuid.UUID | None = None,
        role: Role | None = None,
        name_contains: str | None = None,
    ) -> int:
        """How many people a listing with the same filters would page through (API totals)."""
        query = _filtered(
            select(func.count()).select_from(PersonRow),
            scope,
            community_id=community_id,
            role=role,
            name=name_contains,
        )
        return int(self._session.scalar(query) or 0)

    def get_many(
        self, person_ids: Iterable[uuid.UUID], scope: CommunityScope
    ) -> dict[uuid.UUID, Person]:
        """The people of ``person_ids`` within ``scope``, a few queries for any number; ids not
        found (or outside the scope) are simply absent."""
        wanted = sorted(set(person_ids))
        found: dict[uuid.UUID, Person] = {}
        for start in range(0, len(wanted), _CHUNK):
            rows = self._session.scalars(
                select(PersonRow).where(
                    PersonRow.id.in_(wanted[start : start + _CHUNK]),
                    scope.clause(PersonRow.community_id),
                )
            ).all()
            found.update((row.id, person_from_row(row)) for row in rows)
        return found

    def communities_of(self, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """The community of each person that exists (a query per 500 ids); unknown ids are left out.

        Unscoped on purpose: callers use it to check a claim (a device naming a person) against
        their own community, never to show anything.
        """
        wanted = sorted(set(person_ids))
        found: dict[uuid.UUID, uuid.UUID] = {}
        for start in range(0, len(wanted), _CHUNK):
            rows = self._session.execute(
                select(PersonRow.id, PersonRow.community_id).where(
                    PersonRow.id.in_(wanted[start : start + _CHUNK])
                )
            ).all()
            found.update((person_id, community_id) for person_id, community_id in rows)
        return found

    def wards_of(self, guardian_id: uuid.UUID, scope: CommunityScope) -> builtins.list[Person]:
        """The children whose consent ``guardian_id`` gives (R4)."""
        rows = self._session.scalars(
            select(PersonRow).where(
                PersonRow.guardian_id == guardian_id, scope.clause(PersonRow.community_id)
            )
        ).all()
        return [person_from_row(row) for row in rows]

    def delete(self, person_id: uuid.UUID, scope: CommunityScope) -> None:
        """Remove a person with their credentials and memberships; their events keep no name."""
        row = self._row(person_id, scope)
        community_id = row.community_id
        self._session.delete(row)
        self._session.flush()
        self._changes.record(community_id, "person", person_id, DELETE)

    # households -------------------------------------------------------------------------
    def add_membership(self, membership: HouseholdMembership) -> HouseholdMembership:
        person = self._session.get(PersonRow, membership.person_id)
        unit_community = self._session.scalar(
            select(UnitRow.community_id).where(UnitRow.id == membership.unit_id)
        )
        if person is None:
            raise RecordNotFound("person", membership.person_id)
        if unit_community is None or unit_community != person.community_id:
            raise RecordNotFound("unit", membership.unit_id)
        self._session.add(
            HouseholdMembershipRow(
                id=membership.id,
                person_id=membership.person_id,
                unit_id=membership.unit_id,
                moved_in=membership.moved_in,
                moved_out=membership.moved_out,
            )
        )
        self._session.flush()
        self._changes.record(person.community_id, "person", person.id, UPSERT)
        return membership

    def move_out(self, membership_id: uuid.UUID, day: date, scope: CommunityScope) -> None:
        row = self._session.get(HouseholdMembershipRow, membership_id)
        person = None if row is None else self._session.get(PersonRow, row.person_id)
        if row is None or person is None or not scope.allows(person.community_id):
            raise RecordNotFound("household membership", membership_id)
        # the domain refuses a move-out before the move-in
        HouseholdMembership(
            id=row.id,
            person_id=row.person_id,
            unit_id=row.unit_id,
            moved_in=row.moved_in,
            moved_out=day,
        )
        row.moved_out = day
        self._session.flush()
        self._changes.record(person.community_id, "person", person.id, UPSERT)

    def memberships_of(
        self, person_id: uuid.UUID, scope: CommunityScope
    ) -> builtins.list[HouseholdMembership]:
        self._row(person_id, scope)
        rows = self._session.scalars(
            select(HouseholdMembershipRow)
            .where(HouseholdMembershipRow.person_id == person_id)
            .order_by(HouseholdMembershipRow.moved_in)
        ).all()
        return [_membership(row) for row in rows]

    def household(
        self, unit_id: uuid.UUID, day: date, scope: CommunityScope
    ) -> builtins.list[Person]:
        """Who lives in ``unit_id`` on ``day``."""
        rows = self._session.scalars(
            select(PersonRow)
            .join(HouseholdMembershipRow, HouseholdMembershipRow.person_id == PersonRow.id)
            .where(
                HouseholdMembershipRow.unit_id == unit_id,
                _current_on(day),
                scope.clause(PersonRow.community_id),
            )
            .order_by(PersonRow.name)
        ).all()
        return [person_from_row(row) for row in rows]

    def moved_out_before(self, community_id: uuid.UUID, day: date) -> builtins.list[uuid.UUID]:
        """People whose every household membership ended before ``day`` (retention, R7)."""
        current = select(HouseholdMembershipRow.person_id).where(
            or_(
                HouseholdMembershipRow.moved_out.is_(None),
                HouseholdMembershipRow.moved_out >= day,
            )
        )
        ended = (
            select(HouseholdMembershipRow.person_id)
            .join(PersonRow, PersonRow.id == HouseholdMembershipRow.person_id)
            .where(PersonRow.community_id == community_id)
            .where(HouseholdMembershipRow.person_id.not_in(current))
            .distinct()
        )
        return list(self._session.scalars(ended).all())

    def living_in(
        self, unit_ids: Sequence[uuid.UUID], day: date, scope: CommunityScope
    ) -> dict[uuid.UUID, builtins.list[Person]]:
        """Who lives in each of ``unit_ids`` on ``day``, by name: one query for the lot."""
        found: dict[uuid.UUID, builtins.list[Person]] = {unit_id: [] for unit_id in unit_ids}
        if not unit_ids:
            return found
        rows = self._session.execute(
            select(HouseholdMembershipRow.unit_id, PersonRow)
            .join(PersonRow, PersonRow.id == HouseholdMembershipRow.person_id)
            .where(
                HouseholdMembershipRow.unit_id.in_(unit_ids),
                _current_on(day),
                scope.clause(PersonRow.community_id),
            )
            .order_by(PersonRow.name)
        ).all()
        for unit_id, row in rows:
            found[unit_id].append(person_from_row(row))
        return found

    def end_group_memberships(self, person_id: uuid.UUID, at: datetime) -> int:
        """End the person's access-group memberships that run past ``at``; how many ended."""
        ended = self._session.execute(
            update(AccessGroupMemberRow)
            .where(
                AccessGroupMemberRow.person_id == person_id,
                or_(
                    AccessGroupMemberRow.valid_until.is_(None),
                    AccessGroupMemberRow.valid_until > at,
                ),
            )
            .values(valid_until=at)
        )
        self._session.flush()
        return int(ended.rowcount or 0)  # type: ignore[attr-defined]

    def roster_page(
        self,
        community_id: uuid.UUID,
        scope: CommunityScope,
        *,
        name_contains: str | None,
        unit_contains: str | None,
        today: date,
        limit: int,
        offset: int,
    ) -> RosterPage:
        """A page of the community's people by name (optionally only those living in a unit
        matching ``unit_contains``), whether there is more, and the total: a few grouped
        queries per page, never one per person."""
        current = or_(
            HouseholdMembershipRow.moved_out.is_(None), HouseholdMembershipRow.moved_out > today
        )
        where = [PersonRow.community_id == community_id, scope.clause(PersonRow.community_id)]
        if name_contains:
            where.append(PersonRow.name.like(_like(name_contains), escape="\\"))
        if unit_contains:
            pattern = _like(unit_contains)
            living = (
                select(HouseholdMembershipRow.person_id)
                .join(UnitRow, UnitRow.id == HouseholdMembershipRow.unit_id)
                .join(BuildingRow, BuildingRow.id == UnitRow.building_id)
                .where(
                    UnitRow.community_id == community_id,
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
        session = self._session
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
        units: dict[uuid.UUID, builtins.list[tuple[str, str, str]]] = {}
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
                units.setdefault(person_id, []).append((building, entrance, number))
            counts = {
                person_id: int(count)
                for person_id, count in session.execute(
                    select(CredentialRow.person_id, func.count())
                    .where(CredentialRow.person_id.in_(ids), CredentialRow.revoked_at.is_(None))
                    .group_by(CredentialRow.person_id)
                ).all()
            }
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
        entries = tuple(
            RosterRow(
                person=p,
                units=tuple(units.get(p.id, ())),
                credentials=counts.get(p.id, 0),
                consent_live=p.id in consenting,
                face_enrolled=p.id in enrolled,
            )
            for p in found
        )
        return RosterPage(entries, len(rows) > limit, total)
