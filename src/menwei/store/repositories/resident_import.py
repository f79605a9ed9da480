"""Bulk import of residents and units from the sheet a property office keeps.

The sheet is read and checked by ``menwei.sheets.residents`` first; one bad row rejects the whole
file, so an office never ends up with half a building. The rows are then written in one transaction,
in bulk, with one change-log entry per person and card for the gates to pull.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from menwei.core.access_group import default_residents_group
from menwei.core.credential import Card, Validity
from menwei.core.person import HouseholdMembership, Person
from menwei.core.place import Building, Unit
from menwei.sheets.residents import (
    CellError,
    Progress,
    ResidentRow,
    read_sheet,
    reject,
    template_rows,
    validate_sheet,
)
from menwei.store.errors import RecordNotFound
from menwei.store.records import ImportReport
from menwei.store.scope import CommunityScope
from menwei.store.tables import (
    AccessGroupRow,
    BuildingRow,
    CredentialRow,
    HouseholdMembershipRow,
    PersonRow,
    UnitRow,
)
from menwei.store.uow import UnitOfWork
from menwei.text import Message

__all__ = [
    "import_resident_file",
    "import_residents",
    "read_sheet",
    "template_rows",
    "validate_sheet",
]


#: first half of the advisory lock key of a community's import (the second is the community)
_IMPORT_LOCK_CLASS = 0x6D77_0001


def _take_turns(session: Session, community_id: uuid.UUID) -> None:
    """One import per community at a time, across server processes and commands.

    PostgreSQL reads committed rows per statement, so two imports running side by side would
    both find the building or resident missing and both add it. A transaction-scoped advisory
    lock makes the second wait for the first to commit, then read what it wrote. SQLite: a
    write statement that touches no row takes the database's write lock as the transaction's
    first statement, so the second import waits there (busy timeout) and then reads afresh.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.execute(text("UPDATE communities SET name = name WHERE 0 = 1"))
        return
    key = int.from_bytes(community_id.bytes[:4], "big", signed=True)
    session.execute(
        text("SELECT pg_advisory_xact_lock(:kind, :key)"),
        {"kind": _IMPORT_LOCK_CLASS, "key": key},
    )


def import_residents(
    uow: UnitOfWork,
    community_id: uuid.UUID,
    rows: Sequence[ResidentRow],
    *,
    scope: CommunityScope,
    at: datetime | None = None,
    progress: Progress | None = None,
    assign_default_groups: bool = True,
) -> ImportReport:
    """Write validated rows in one transaction: all of them, or nothing.

    Buildings and units that exist are reused; a person already living in the unit under the
    same name is skipped, so importing the same sheet twice adds nobody twice. Residents join
    their building's default access group (its doors plus the common gates).
    """
    at = at or datetime.now(UTC)
    with uow:
        session = uow.session
        _take_turns(session, community_id)  # before any read, so every read sees the last import
        community = uow.places.community(community_id, scope)
        buildings = {
            row.name: row.id
            for row in session.scalars(
                select(BuildingRow).where(BuildingRow.community_id == community_id)
            )
        }
        units = {
            (row.building_id, row.entrance, row.number): row
            for row in session.scalars(select(UnitRow).where(UnitRow.community_id == community_id))
        }
        taken_cards = set(
            session.scalars(
                select(CredentialRow.card_uid).where(
                    CredentialRow.community_id == community_id, CredentialRow.kind == "card"
                )
            ).all()
        )
        clashes = [
            CellError(r.line, "card", Message("cell.card_already_issued"))
            for r in rows
            if r.card is not None and r.card in taken_cards
        ]
        area_of: dict[tuple[str, str, str], Decimal] = {}
        for r in rows:
            if r.area is not None:
                area_of.setdefault((r.building, r.entrance, r.unit), r.area)
        missing_area = [
            CellError(r.line, "area", Message("cell.new_unit_needs_area"))
            for r in rows
            if (r.building, r.entrance, r.unit) not in area_of
            and (buildings.get(r.building), r.entrance, r.unit) not in units
        ]
        if clashes or missing_area:
            raise reject(sorted([*clashes, *missing_area], key=lambda e: (e.line, e.column)))

        report: dict[str, int] = dict.fromkeys(
            ("buildings", "units", "people", "memberships", "cards", "skipped_existing"), 0
        )
        for row in rows:
            if row.building not in buildings:
                building = Building(id=uuid.uuid4(), community_id=community_id, name=row.building)
                uow.places.add_building(building)
                buildings[row.building] = building.id
                report["buildings"] += 1
        # Domain objects first (they validate), then rows written in bulk: a few flushes
        # for the whole sheet instead of several per resident.
        unit_ids: dict[tuple[str, str, str], uuid.UUID] = {}
        new_units: list[Unit] = []
        for row in rows:
            key = (row.building, row.entrance, row.unit)
            if key in unit_ids:
                continue
            building_id = buildings[row.building]
            existing = units.get((building_id, row.entrance, row.unit))
            if existing is not None:
                unit_ids[key] = existing.id
                continue
            unit = Unit(
                id=uuid.uuid4(),
                building_id=building_id,
                number=row.unit,
                floor_area_m2=area_of[key],
                entrance=row.entrance,
            )
            new_units.append(unit)
            unit_ids[key] = unit.id
        session.add_all(
            UnitRow(
                id=unit.id,
                community_id=community_id,
                building_id=unit.building_id,
                entrance=unit.entrance,
                number=unit.number,
                floor_area=unit.floor_area_m2,
            )
            for unit in new_units
        )
        report["units"] = len(new_units)
        current = {
            (unit_id, name)
            for unit_id, name in session.execute(
                select(HouseholdMembershipRow.unit_id, PersonRow.name)
                .join(PersonRow, PersonRow.id == HouseholdMembershipRow.person_id)
                .where(
                    PersonRow.community_id == community_id,
                    HouseholdMembershipRow.moved_out.is_(None),
                )
            ).all()
        }
        people: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
        created: list[tuple[ResidentRow, Person, uuid.UUID]] = []
        person_rows: dict[uuid.UUID, PersonRow] = {}
        later_rows: list[HouseholdMembershipRow | CredentialRow] = []
        for done, row in enumerate(rows, start=1):
            unit_id = unit_ids[(row.building, row.entrance, row.unit)]
            if (unit_id, row.name) in current or (unit_id, row.name) in people:
                report["skipped_existing"] += 1
                continue
            person = Person(
                id=uuid.uuid4(),
                community_id=community_id,
                name=row.name,
                role=row.role,
                date_of_birth=row.date_of_birth,
                phone=row.phone,
            )
            people[(unit_id, row.name)] = person.id
            created.append((row, person, unit_id))
            person_rows[person.id] = PersonRow(
                id=person.id,
                community_id=community_id,
                name=person.name,
                role=person.role.value,
                date_of_birth=person.date_of_birth,
                phone=person.phone,
            )
            membership = HouseholdMembership(
                id=uuid.uuid4(), person_id=person.id, unit_id=unit_id, moved_in=row.moved_in
            )
            later_rows.append(
                HouseholdMembershipRow(
                    id=membership.id,
                    person_id=person.id,
                    unit_id=unit_id,
                    moved_in=membership.moved_in,
                )
            )
            if row.card is not None:
                card = Card(
                    id=uuid.uuid4(),
                    person_id=person.id,
                    uid=row.card,
                    validity=Validity(valid_from=at),
                )
                later_rows.append(
                    CredentialRow(
                        id=card.id,
                        community_id=community_id,
                        person_id=person.id,
                        kind="card",
                        card_uid=card.uid,
                        valid_from=at,
                    )
                )
                report["cards"] += 1
            if progress is not None and (done % 200 == 0 or done == len(rows)):
                progress("import", done, len(rows))
        report["people"] = report["memberships"] = len(created)
        session.add_all(person_rows.values())
        session.flush()  # units and people before what refers to them
        session.add_all(later_rows)
        for row, person, unit_id in created:
            if row.guardian is None:
                continue
            guardian_id = people.get((unit_id, row.guardian))
            if guardian_id is None:
                guardian_id = session.scalar(
                    select(PersonRow.id)
                    .join(HouseholdMembershipRow, HouseholdMembershipRow.person_id == PersonRow.id)
                    .where(
                        HouseholdMembershipRow.unit_id == unit_id, PersonRow.name == row.guardian
                    )
                )
            if guardian_id is None:
                raise RecordNotFound("person", row.guardian)
            person_rows[person.id].guardian_id = guardian_id
        session.flush()
        # tens of thousands of written rows need not stay tracked for what follows
        session.expunge_all()
        uow.changes.record_batch(
            community_id,
            [("person", person.id, "upsert") for _row, person, _unit in created]
            + [("credential", r.id, "upsert") for r in later_rows if isinstance(r, CredentialRow)],
        )
        if assign_default_groups and created:
            _join_default_groups(uow, community_id, community.timezone, created, buildings)
        uow.commit()
    return ImportReport(**report)


def _join_default_groups(
    uow: UnitOfWork,
    community_id: uuid.UUID,
    timezone: str,
    created: Sequence[tuple[ResidentRow, Person, uuid.UUID]],
    buildings: Mapping[str, uuid.UUID],
) -> None:
    doors = uow.places.doors(CommunityScope.of([community_id]), community_id=community_id)
    by_building: dict[str, list[uuid.UUID]] = {}
    for row, person, _unit in created:
        if person.role.is_resident:
            by_building.setdefault(row.building, []).append(person.id)
    for building_name, person_ids in by_building.items():
        building_id = buildings[building_name]
        existing = uow.session.scalar(
            select(AccessGroupRow.id).where(
                AccessGroupRow.community_id == community_id,
                AccessGroupRow.is_default.is_(True),
                AccessGroupRow.name == f"{building_name} 住户",
            )
        )
        group_id = existing or uuid.uuid4()
        if existing is None:
            group = default_residents_group(
                group_id=group_id,
                community_id=community_id,
                building_id=building_id,
                building_name=building_name,
                doors=doors,
                timezone=timezone,
            )
            uow.access.save_group(group, is_default=True)
        uow.access.add_members(group_id, person_ids)


def import_resident_file(
    uow: UnitOfWork,
    community_id: uuid.UUID,
    data: bytes,
    filename: str,
    *,
    scope: CommunityScope,
    at: datetime | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, validate and import a CSV or ``.xlsx`` file; nothing is written if any row fails."""
    at = at or datetime.now(UTC)
    sheet = read_sheet(data, filename)
    rows = validate_sheet(sheet, today=today or at.date(), progress=progress)
    return import_residents(uow, community_id, rows, scope=scope, at=at, progress=progress)
