"""An in-memory unit of work: the repositories the office services call, with the database's
contracts kept in dictionaries.

What it keeps of the real store (``menwei.store.uow.UnitOfWork``), method by method:

* scope: a record of a community outside the caller's scope is ``NotFound``, as absent;
* the same ``menwei.store.errors`` raised in the same order (a missing parent before a bad
  value, a bad value before a uniqueness conflict), with the same kinds and messages;
* uniqueness: a card number once per community, one live PIN per person, door, building,
  access-group and login names; a conflict caught at flush leaves the transaction unusable
  (``PendingRollbackError``) until it is rolled back, as SQLAlchemy's session does;
* the change log the gates pull, one cursor per community, written and rolled back with the
  rest;
* privacy settings: a community without a row of its own has the product's defaults;
* commit and rollback: leaving the block without ``commit()`` discards every write; a commit
  applies the rows this transaction changed.

``tests/store/test_fake_store_contract.py`` runs the same assertions on this and on the real
store (SQLite, and PostgreSQL when the suite runs there), so the two cannot drift apart.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from sqlalchemy.exc import PendingRollbackError

from menwei.core.access_group import AccessGroup
from menwei.core.credential import (
    AnyCredential,
    Card,
    CredentialKind,
    FaceCredential,
    PinCredential,
    QrPass,
    Validity,
    holder_id,
    normalise_card_uid,
)
from menwei.core.door import Door
from menwei.core.person import HouseholdMembership, Person, Role
from menwei.core.place import Building, Community, Processor, Unit
from menwei.core.schedule import TimeWindow, WeeklySchedule
from menwei.store.errors import ControlCharacters, RecordConflict, RecordNotFound
from menwei.store.ports import UnitOfWorkPort
from menwei.store.records import ApiToken, Change, Device, LoginSession, UserAccount
from menwei.store.repositories.checks import check_lengths
from menwei.store.repositories.privacy import PrivacySettings
from menwei.store.scope import CommunityScope
from menwei.store.tables import (
    AccessGroupRow,
    ApiTokenRow,
    BuildingRow,
    CommunityRow,
    CredentialRow,
    DeviceRow,
    DoorRow,
    HolidayRow,
    PersonRow,
    ProcessorRow,
    UnitRow,
    UserAccountRow,
)

UPSERT = "upsert"
DELETE = "delete"


def _now() -> datetime:
    return datetime.now(UTC)


def _at(value: datetime) -> datetime:
    """What a ``UtcDateTime`` column gives back: the same instant, in UTC; naive is refused."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given where a UTC time is stored; attach tzinfo")
    return value.astimezone(UTC)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else _at(value)


def _checked(row_type: type[Any], **values: Any) -> None:
    """The check every row passes before a flush (lengths, control characters), on the
    column declarations of the real table."""
    check_lengths(row_type(**values))


def _refuse_nul(*values: object) -> None:
    """A NUL in a looked-up value is refused before any query, as the engine does."""
    if any(isinstance(value, str) and "\x00" in value for value in values):
        raise ControlCharacters("text")


# -- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CredentialRow:
    community_id: uuid.UUID
    credential: AnyCredential
    #: insertion order, standing in for ``created_at``
    created: int


@dataclass(frozen=True, slots=True)
class _GroupRow:
    community_id: uuid.UUID
    name: str
    door_ids: frozenset[uuid.UUID]
    weekly: tuple[tuple[int, tuple[TimeWindow, ...]], ...]
    observes_holidays: bool
    on_holidays: tuple[TimeWindow, ...]
    is_default: bool


@dataclass(frozen=True, slots=True)
class _Member:
    valid_from: datetime | None
    valid_until: datetime | None


class _Tables:
    """Every table as a dict of immutable rows, so a transaction's copy is a shallow one."""

    def __init__(self) -> None:
        self.processors: dict[uuid.UUID, Processor] = {}
        self.communities: dict[uuid.UUID, Community] = {}
        self.buildings: dict[uuid.UUID, Building] = {}
        self.units: dict[uuid.UUID, tuple[uuid.UUID, Unit]] = {}
        self.doors: dict[uuid.UUID, Door] = {}
        self.people: dict[uuid.UUID, Person] = {}
        self.memberships: dict[uuid.UUID, HouseholdMembership] = {}
        self.credentials: dict[uuid.UUID, _CredentialRow] = {}
        self.groups: dict[uuid.UUID, _GroupRow] = {}
        self.members: dict[tuple[uuid.UUID, uuid.UUID], _Member] = {}
        self.holidays: dict[tuple[uuid.UUID, date], str] = {}
        self.accounts: dict[uuid.UUID, UserAccount] = {}
        self.tokens: dict[uuid.UUID, ApiToken] = {}
        self.sessions: dict[uuid.UUID, LoginSession] = {}
        self.devices: dict[uuid.UUID, Device] = {}
        self.changes: dict[tuple[uuid.UUID, int], Change] = {}
        self.cursors: dict[uuid.UUID, int] = {}
        self.privacy_settings: dict[uuid.UUID, PrivacySettings] = {}
        self.inserted = 0

    def tables(self) -> dict[str, dict[Any, Any]]:
        return {name: value for name, value in vars(self).items() if isinstance(value, dict)}

    def copy(self) -> _Tables:
        copied = _Tables()
        for name, table in self.tables().items():
            setattr(copied, name, dict(table))
        copied.inserted = self.inserted
        return copied

    def next_insert(self) -> int:
        self.inserted += 1
        return self.inserted


class _Transaction:
    """The open transaction's tables, what they were at its start, and whether a failed
    flush has spoiled it."""

    def __init__(self, committed: _Tables) -> None:
        self.base = committed.copy()
        self.tables = committed.copy()
        self.spoiled = False

    def live(self) -> _Tables:
        if self.spoiled:
            raise PendingRollbackError(
                "This transaction has been rolled back due to a previous exception during "
                "flush; roll back first.",
                None,
                None,
            )
        return self.tables

    def spoil(self) -> None:
        self.spoiled = True


class FakeDatabase:
    """The committed state several units of work share, as a database would."""

    def __init__(self) -> None:
        self.committed = _Tables()

    def apply(self, base: _Tables, work: _Tables) -> None:
        """Write the rows a transaction added, changed or removed since ``base``."""
        target = self.committed
        for name, table in work.tables().items():
            before, into = base.tables()[name], target.tables()[name]
            for key in before.keys() - table.keys():
                into.pop(key, None)
            for key, value in table.items():
                if key not in before or before[key] is not value:
                    into[key] = value
        target.inserted = max(target.inserted, work.inserted)


# -- the change log -------------------------------------------------------------------------


class FakeChangeLog:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def record(self, community_id: uuid.UUID, entity: str, entity_id: object, action: str) -> int:
        t = self._tx.live()
        seq = t.cursors.get(community_id, 0) + 1
        t.cursors[community_id] = seq
        t.changes[(community_id, seq)] = Change(
            community_id=community_id,
            seq=seq,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            changed_at=_now(),
        )
        return seq

    def record_batch(
        self, community_id: uuid.UUID, changes: Sequence[tuple[str, object, str]]
    ) -> int:
        if not changes:
            return self.cursor(community_id)
        seq = 0
        for entity, entity_id, action in changes:
            seq = self.record(community_id, entity, entity_id, action)
        return seq

    def since(self, community_id: uuid.UUID, cursor: int, *, limit: int = 500) -> list[Change]:
        t = self._tx.live()
        found = sorted(
            (c for (cid, seq), c in t.changes.items() if cid == community_id and seq > cursor),
            key=lambda c: c.seq,
        )
        return found[: max(1, limit)]

    def cursor(self, community_id: uuid.UUID) -> int:
        return self._tx.live().cursors.get(community_id, 0)


# -- places ---------------------------------------------------------------------------------


def _exists_conflict(what_zh: str, what_en: str) -> RecordConflict:
    return RecordConflict(
        f"{what_zh}已存在，请换一个名称或编号。",
        f"{what_en} already exists; choose another name or number.",
    )


class FakePlaces:
    def __init__(self, tx: _Transaction, changes: FakeChangeLog) -> None:
        self._tx = tx
        self._changes = changes

    def _conflict(self, what_zh: str, what_en: str) -> RecordConflict:
        self._tx.spoil()
        return _exists_conflict(what_zh, what_en)

    def add_processor(self, processor: Processor, *, responsible_contact: str = "") -> Processor:
        t = self._tx.live()
        _checked(
            ProcessorRow,
            name=processor.name,
            kind=processor.kind.value,
            contact=processor.contact,
            responsible_person=processor.responsible_person,
            responsible_contact=responsible_contact,
        )
        if processor.id in t.processors:
            raise self._conflict("处理者", "A processor with this id")
        t.processors[processor.id] = processor
        return processor

    def processor(self, processor_id: uuid.UUID) -> Processor:
        found = self._tx.live().processors.get(processor_id)
        if found is None:
            raise RecordNotFound("processor", processor_id)
        return found

    def add_community(self, community: Community) -> Community:
        t = self._tx.live()
        if community.processor_id not in t.processors:
            raise RecordNotFound("processor", community.processor_id)
        _checked(
            CommunityRow,
            name=community.name,
            address=community.address,
            timezone=community.timezone,
        )
        if community.id in t.communities:
            raise self._conflict("小区", "A community with this id")
        t.communities[community.id] = community
        return community

    def community(self, community_id: uuid.UUID, scope: CommunityScope) -> Community:
        found = self._tx.live().communities.get(community_id)
        if found is None or not scope.allows(community_id):
            raise RecordNotFound("community", community_id)
        return found

    def communities(
        self, scope: CommunityScope, *, processor_id: uuid.UUID | None = None
    ) -> list[Community]:
        return sorted(
            (
                c
                for c in self._tx.live().communities.values()
                if scope.allows(c.id) and processor_id in (None, c.processor_id)
            ),
            key=lambda c: c.name,
        )

    def community_ids_of_processor(self, processor_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(
            c.id for c in self._tx.live().communities.values() if c.processor_id == processor_id
        )

    def add_building(self, building: Building) -> Building:
        t = self._tx.live()
        if building.community_id not in t.communities:
            raise RecordNotFound("community", building.community_id)
        _checked(BuildingRow, name=building.name)
        taken = any(
            b.community_id == building.community_id and b.name == building.name
            for b in t.buildings.values()
        )
        if taken or building.id in t.buildings:
            raise self._conflict(f"楼栋“{building.name}”", f"Building '{building.name}'")
        t.buildings[building.id] = building
        return building

    def building(self, building_id: uuid.UUID, scope: CommunityScope) -> Building:
        found = self._tx.live().buildings.get(building_id)
        if found is None or not scope.allows(found.community_id):
            raise RecordNotFound("building", building_id)
        return found

    def add_unit(self, unit: Unit) -> Unit:
        t = self._tx.live()
        building = t.buildings.get(unit.building_id)
        if building is None:
            raise RecordNotFound("building", unit.building_id)
        _checked(UnitRow, entrance=unit.entrance, number=unit.number)
        taken = any(
            (u.building_id, u.entrance, u.number) == (unit.building_id, unit.entrance, unit.number)
            for _, u in t.units.values()
        )
        if taken or unit.id in t.units:
            raise self._conflict(f"户“{unit.number}”", f"Unit '{unit.number}'")
        t.units[unit.id] = (building.community_id, unit)
        return unit

    def unit(self, unit_id: uuid.UUID, scope: CommunityScope) -> Unit:
        found = self._tx.live().units.get(unit_id)
        if found is None or not scope.allows(found[0]):
            raise RecordNotFound("unit", unit_id)
        return found[1]

    def save_door(self, door: Door) -> Door:
        """Create or update a door. ``Door`` itself has already refused a face-only door (R1)."""
        t = self._tx.live()
        if door.community_id not in t.communities:
            raise RecordNotFound("community", door.community_id)
        if door.building_id is not None:
            building = t.buildings.get(door.building_id)
            if building is None or building.community_id != door.community_id:
                raise RecordNotFound("building", door.building_id)
        existing = t.doors.get(door.id)
        if existing is not None and existing.community_id != door.community_id:
            raise RecordNotFound("door", door.id)
        _checked(
            DoorRow,
            name=door.name,
            kind=door.kind.value,
            direction=door.direction.value,
            anti_passback=door.anti_passback.value,
            passback_zone=door.passback_zone,
            tailgating=door.tailgating.value,
        )
        if any(
            d.id != door.id and d.community_id == door.community_id and d.name == door.name
            for d in t.doors.values()
        ):
            raise self._conflict(f"门“{door.name}”", f"Door '{door.name}'")
        t.doors[door.id] = door
        self._changes.record(door.community_id, "door", door.id, UPSERT)
        return door

    def door(self, door_id: uuid.UUID, scope: CommunityScope) -> Door:
        found = self._tx.live().doors.get(door_id)
        if found is None or not scope.allows(found.community_id):
            raise RecordNotFound("door", door_id)
        return found

    def doors(self, scope: CommunityScope, *, community_id: uuid.UUID | None = None) -> list[Door]:
        return sorted(
            (
                d
                for d in self._tx.live().doors.values()
                if scope.allows(d.community_id) and community_id in (None, d.community_id)
            ),
            key=lambda d: d.name,
        )

    def doors_by_id(self, door_ids: Sequence[uuid.UUID], scope: CommunityScope) -> list[Door]:
        doors = self._tx.live().doors
        return [
            doors[i]
            for i in dict.fromkeys(door_ids)
            if i in doors and scope.allows(doors[i].community_id)
        ]

    def delete_door(self, door_id: uuid.UUID, scope: CommunityScope) -> None:
        door = self.door(door_id, scope)
        t = self._tx.live()
        del t.doors[door_id]
        # what the foreign keys cascade: the door leaves every group, pass and device
        for group_id, group in list(t.groups.items()):
            if door_id in group.door_ids:
                t.groups[group_id] = replace(group, door_ids=group.door_ids - {door_id})
        for credential_id, row in list(t.credentials.items()):
            credential = row.credential
            if isinstance(credential, QrPass) and door_id in credential.door_ids:
                passed = replace(credential, door_ids=credential.door_ids - {door_id})
                t.credentials[credential_id] = replace(row, credential=passed)
        for device_id, device in list(t.devices.items()):
            if door_id in device.door_ids:
                t.devices[device_id] = replace(device, door_ids=device.door_ids - {door_id})
        self._changes.record(door.community_id, "door", door_id, DELETE)


# -- people ---------------------------------------------------------------------------------


class FakePeople:
    def __init__(self, tx: _Transaction, changes: FakeChangeLog) -> None:
        self._tx = tx
        self._changes = changes

    def save(self, person: Person) -> Person:
        """Create or update a person (a guardian must live in the same community)."""
        t = self._tx.live()
        if person.community_id not in t.communities:
            raise RecordNotFound("community", person.community_id)
        if person.guardian_id is not None:
            self.get(person.guardian_id, CommunityScope.of([person.community_id]))
        existing = t.people.get(person.id)
        if existing is not None and existing.community_id != person.community_id:
            raise RecordNotFound("person", person.id)
        _checked(PersonRow, name=person.name, role=person.role.value, phone=person.phone)
        t.people[person.id] = person
        self._changes.record(person.community_id, "person", person.id, UPSERT)
        return person

    def get(self, person_id: uuid.UUID, scope: CommunityScope) -> Person:
        found = self._tx.live().people.get(person_id)
        if found is None or not scope.allows(found.community_id):
            raise RecordNotFound("person", person_id)
        return found

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
        _refuse_nul(name_contains)
        found = sorted(
            (
                p
                for p in self._tx.live().people.values()
                if scope.allows(p.community_id)
                and community_id in (None, p.community_id)
                and role in (None, p.role)
                and (not name_contains or name_contains in p.name)
            ),
            key=lambda p: (p.name, p.id),
        )
        start = max(0, offset)
        return found[start : start + max(1, min(limit, 1000))]

    def add_membership(self, membership: HouseholdMembership) -> HouseholdMembership:
        t = self._tx.live()
        person = t.people.get(membership.person_id)
        unit = t.units.get(membership.unit_id)
        if person is None:
            raise RecordNotFound("person", membership.person_id)
        if unit is None or unit[0] != person.community_id:
            raise RecordNotFound("unit", membership.unit_id)
        t.memberships[membership.id] = membership
        self._changes.record(person.community_id, "person", person.id, UPSERT)
        return membership

    def move_out(self, membership_id: uuid.UUID, day: date, scope: CommunityScope) -> None:
        t = self._tx.live()
        membership = t.memberships.get(membership_id)
        person = None if membership is None else t.people.get(membership.person_id)
        if membership is None or person is None or not scope.allows(person.community_id):
            raise RecordNotFound("household membership", membership_id)
        # the domain refuses a move-out before the move-in
        t.memberships[membership_id] = replace(membership, moved_out=day)
        self._changes.record(person.community_id, "person", person.id, UPSERT)

    def memberships_of(
        self, person_id: uuid.UUID, scope: CommunityScope
    ) -> builtins.list[HouseholdMembership]:
        self.get(person_id, scope)
        return sorted(
            (m for m in self._tx.live().memberships.values() if m.person_id == person_id),
            key=lambda m: m.moved_in,
        )


# -- credentials ----------------------------------------------------------------------------


def _kind(credential: AnyCredential) -> str:
    if isinstance(credential, Card):
        return "card"
    if isinstance(credential, PinCredential):
        return "pin"
    if isinstance(credential, QrPass):
        return "qr"
    return "face"


def _stored(credential: AnyCredential) -> AnyCredential:
    """The credential as its row gives it back: times in UTC, a pass's uses at least one."""
    validity = Validity(
        valid_from=_at(credential.validity.valid_from),
        valid_until=_utc(credential.validity.valid_until),
        revoked_at=_utc(credential.validity.revoked_at),
    )
    stored = replace(credential, validity=validity)
    if isinstance(stored, PinCredential):
        return replace(stored, locked_until=_utc(stored.locked_until))
    if isinstance(stored, FaceCredential):
        return replace(stored, consent_withdrawn_at=_utc(stored.consent_withdrawn_at))
    if isinstance(stored, QrPass):
        return replace(stored, max_uses=stored.max_uses or 1)
    return stored


def _live_pin(credential: AnyCredential) -> bool:
    return isinstance(credential, PinCredential) and credential.validity.revoked_at is None


class FakeCredentials:
    def __init__(self, tx: _Transaction, changes: FakeChangeLog) -> None:
        self._tx = tx
        self._changes = changes

    def _row(self, credential_id: uuid.UUID, scope: CommunityScope) -> _CredentialRow:
        row = self._tx.live().credentials.get(credential_id)
        if row is None or not scope.allows(row.community_id):
            raise RecordNotFound("credential", credential_id)
        return row

    def save(self, credential: AnyCredential) -> AnyCredential:
        """Create or update a credential of a person; its community is the person's."""
        t = self._tx.live()
        kind, holder = _kind(credential), holder_id(credential)
        person = t.people.get(holder)
        if person is None:
            raise RecordNotFound("person", holder)
        existing = t.credentials.get(credential.id)
        if existing is not None and (
            existing.community_id != person.community_id or _kind(existing.credential) != kind
        ):
            raise RecordNotFound("credential", credential.id)
        _checked(
            CredentialRow,
            kind=kind,
            card_uid=credential.uid if isinstance(credential, Card) else None,
            pin_hash=credential.pin_hash if isinstance(credential, PinCredential) else None,
            issuer_kind=(credential.issuer_kind.value if isinstance(credential, QrPass) else None),
            template_ref=(
                credential.template_ref if isinstance(credential, FaceCredential) else None
            ),
        )
        others = [row for key, row in t.credentials.items() if key != credential.id]
        if isinstance(credential, Card) and any(
            isinstance(row.credential, Card)
            and row.community_id == person.community_id
            and row.credential.uid == credential.uid
            for row in others
        ):
            self._tx.spoil()
            raise RecordConflict(
                "该卡号已发给本小区的另一位住户，请先注销旧卡或核对卡号。",
                "This card number is already issued in this community; revoke the old card "
                "or check the number.",
            )
        if _live_pin(credential) and any(
            _live_pin(row.credential) and holder_id(row.credential) == holder for row in others
        ):
            self._tx.spoil()
            raise RecordConflict(
                "此人已有一个有效密码，同时又有人在修改它。请刷新后重试。",
                "This person already has a live PIN, which someone is changing at the same "
                "time. Refresh and try again.",
            )
        if isinstance(credential, QrPass):
            self._check_doors(credential, person.community_id)
        t.credentials[credential.id] = _CredentialRow(
            community_id=person.community_id,
            credential=_stored(credential),
            created=existing.created if existing is not None else t.next_insert(),
        )
        self._changes.record(person.community_id, "credential", credential.id, UPSERT)
        return credential

    def _check_doors(self, qr: QrPass, community_id: uuid.UUID) -> None:
        """A pass names doors of its own community only."""
        doors = self._tx.live().doors
        unknown = sorted(
            i for i in qr.door_ids if i not in doors or doors[i].community_id != community_id
        )
        if unknown:
            raise RecordNotFound("door", unknown[0])

    def get(self, credential_id: uuid.UUID, scope: CommunityScope) -> AnyCredential:
        return self._row(credential_id, scope).credential

    def of_person(self, person_id: uuid.UUID, scope: CommunityScope) -> list[AnyCredential]:
        rows = [
            row
            for row in self._tx.live().credentials.values()
            if holder_id(row.credential) == person_id and scope.allows(row.community_id)
        ]
        rows.sort(key=lambda row: (_kind(row.credential), row.created))
        return [row.credential for row in rows]

    def of_community(
        self, community_id: uuid.UUID, scope: CommunityScope, *, kind: CredentialKind | None = None
    ) -> list[AnyCredential]:
        """Every credential of a community (what a gate's local cache is built from)."""
        rows = [
            row
            for row in self._tx.live().credentials.values()
            if row.community_id == community_id
            and scope.allows(community_id)
            and (kind is None or _kind(row.credential) == kind.value)
        ]
        return [row.credential for row in sorted(rows, key=lambda row: row.credential.id)]

    def find_card(self, community_id: uuid.UUID, uid: str) -> Card | None:
        wanted = normalise_card_uid(uid)
        _refuse_nul(wanted)
        for row in self._tx.live().credentials.values():
            card = row.credential
            if isinstance(card, Card) and row.community_id == community_id and card.uid == wanted:
                return card
        return None

    def hold_person(self, person_id: uuid.UUID) -> None:
        """One transaction at a time here: nothing to wait for."""
        self._tx.live()

    def revoke(self, credential_id: uuid.UUID, at: datetime, scope: CommunityScope) -> None:
        row = self._row(credential_id, scope)
        credential = row.credential
        revoked = credential.validity.revoked_at
        if revoked is None or revoked > at:
            validity = replace(credential.validity, revoked_at=_utc(at))
            credential = replace(credential, validity=validity)
            self._tx.live().credentials[credential_id] = replace(row, credential=credential)
        self._changes.record(row.community_id, "credential", credential_id, UPSERT)


# -- access groups --------------------------------------------------------------------------


class FakeAccess:
    def __init__(self, tx: _Transaction, changes: FakeChangeLog) -> None:
        self._tx = tx
        self._changes = changes

    def set_holidays(self, community_id: uuid.UUID, days: dict[date, str]) -> list[uuid.UUID]:
        t = self._tx.live()
        if community_id not in t.communities:
            raise RecordNotFound("community", community_id)
        for key in [key for key in t.holidays if key[0] == community_id]:
            del t.holidays[key]
        for day, name in sorted(days.items()):
            _checked(HolidayRow, name=name)
            t.holidays[(community_id, day)] = name
        observing = sorted(
            group_id
            for group_id, group in t.groups.items()
            if group.community_id == community_id and group.observes_holidays
        )
        self._changes.record(community_id, "holidays", community_id, UPSERT)
        if observing:
            self._changes.record_batch(
                community_id, [("access_group", group_id, UPSERT) for group_id in observing]
            )
        return observing

    def holidays(self, community_id: uuid.UUID) -> dict[date, str]:
        t = self._tx.live()
        return {
            day: t.holidays[(cid, day)] for cid, day in sorted(t.holidays) if cid == community_id
        }

    def _group(self, group_id: uuid.UUID, row: _GroupRow) -> AccessGroup:
        community = self._tx.live().communities[row.community_id]
        holidays = (
            dict.fromkeys(self.holidays(community.id), row.on_holidays)
            if row.observes_holidays
            else {}
        )
        return AccessGroup(
            id=group_id,
            community_id=row.community_id,
            name=row.name,
            door_ids=row.door_ids,
            schedule=WeeklySchedule(
                weekly=dict(row.weekly), holidays=holidays, timezone=community.timezone
            ),
        )

    def _row(self, group_id: uuid.UUID, scope: CommunityScope) -> _GroupRow:
        row = self._tx.live().groups.get(group_id)
        if row is None or not scope.allows(row.community_id):
            raise RecordNotFound("access group", group_id)
        return row

    def save_group(
        self,
        group: AccessGroup,
        *,
        is_default: bool = False,
        holiday_windows: tuple[TimeWindow, ...] | None = None,
    ) -> AccessGroup:
        """Create or replace a group; doors of another community are refused."""
        t = self._tx.live()
        if group.community_id not in t.communities:
            raise RecordNotFound("community", group.community_id)
        foreign = next(
            (
                i
                for i in sorted(group.door_ids)
                if i in t.doors and t.doors[i].community_id != group.community_id
            ),
            None,
        )
        missing = next((i for i in sorted(group.door_ids) if i not in t.doors), None)
        if foreign is not None or missing is not None:
            raise RecordNotFound("door", foreign or missing)
        existing = t.groups.get(group.id)
        if existing is not None and existing.community_id != group.community_id:
            raise RecordNotFound("access group", group.id)
        _checked(AccessGroupRow, name=group.name)
        if any(
            key != group.id and row.community_id == group.community_id and row.name == group.name
            for key, row in t.groups.items()
        ):
            self._tx.spoil()
            raise RecordConflict(
                "这个名称的门禁组已存在，请换一个名称。",
                "An access group with this name already exists; choose another name.",
            )
        weekly = tuple(
            (day, tuple(sorted(windows, key=lambda w: w.start)))
            for day, windows in sorted(group.schedule.weekly.items())
            if windows
        )
        observes = holiday_windows is not None or bool(group.schedule.holidays)
        if holiday_windows is None:
            holiday_windows = next(iter(group.schedule.holidays.values()), ())
        t.groups[group.id] = _GroupRow(
            community_id=group.community_id,
            name=group.name,
            door_ids=frozenset(group.door_ids),
            weekly=weekly,
            observes_holidays=observes,
            on_holidays=tuple(sorted(holiday_windows, key=lambda w: w.start)),
            is_default=is_default,
        )
        self._changes.record(group.community_id, "access_group", group.id, UPSERT)
        return group

    def holiday_windows(
        self, group_id: uuid.UUID, scope: CommunityScope
    ) -> tuple[TimeWindow, ...] | None:
        row = self._row(group_id, scope)
        return row.on_holidays if row.observes_holidays else None

    def group(self, group_id: uuid.UUID, scope: CommunityScope) -> AccessGroup:
        return self._group(group_id, self._row(group_id, scope))

    def groups(self, community_id: uuid.UUID, scope: CommunityScope) -> list[AccessGroup]:
        rows = sorted(
            (
                (group_id, row)
                for group_id, row in self._tx.live().groups.items()
                if row.community_id == community_id and scope.allows(community_id)
            ),
            key=lambda item: item[1].name,
        )
        return [self._group(group_id, row) for group_id, row in rows]

    def delete_group(self, group_id: uuid.UUID, scope: CommunityScope) -> None:
        row = self._row(group_id, scope)
        t = self._tx.live()
        del t.groups[group_id]
        for key in [key for key in t.members if key[0] == group_id]:
            del t.members[key]
        self._changes.record(row.community_id, "access_group", group_id, DELETE)

    def add_members(
        self,
        group_id: uuid.UUID,
        person_ids: Iterable[uuid.UUID],
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> None:
        t = self._tx.live()
        group = t.groups.get(group_id)
        if group is None:
            raise RecordNotFound("access group", group_id)
        wanted = sorted(set(person_ids))
        for person_id in wanted:
            person = t.people.get(person_id)
            if person is None or person.community_id != group.community_id:
                raise RecordNotFound("person", person_id)
            t.members[(group_id, person_id)] = _Member(_utc(valid_from), _utc(valid_until))
        self._changes.record_batch(
            group.community_id, [("person", person_id, UPSERT) for person_id in wanted]
        )

    def remove_member(self, group_id: uuid.UUID, person_id: uuid.UUID) -> None:
        t = self._tx.live()
        group = t.groups.get(group_id)
        if group is None:
            raise RecordNotFound("access group", group_id)
        t.members.pop((group_id, person_id), None)
        self._changes.record(group.community_id, "person", person_id, UPSERT)

    def members(self, group_id: uuid.UUID, scope: CommunityScope) -> list[uuid.UUID]:
        self.group(group_id, scope)
        return sorted(person for group, person in self._tx.live().members if group == group_id)


# -- accounts -------------------------------------------------------------------------------


class FakeAccounts:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def save(self, account: UserAccount) -> UserAccount:
        """Create or update an account and replace its community scopes."""
        t = self._tx.live()
        if account.processor_id is not None and account.processor_id not in t.processors:
            raise RecordNotFound("processor", account.processor_id)
        if account.person_id is not None and account.person_id not in t.people:
            raise RecordNotFound("person", account.person_id)
        for community_id in sorted(account.staff_of | account.committee_of | account.supervises):
            if community_id not in t.communities:
                raise RecordNotFound("community", community_id)
        if account.person_id is not None and any(
            a.person_id == account.person_id and a.id != account.id for a in t.accounts.values()
        ):
            raise RecordConflict(
                "此人已有居民账号，每人只能有一个账号。",
                "This person already has an account; each person has one.",
            )
        _checked(
            UserAccountRow,
            login=account.login,
            password_hash=account.password_hash,
            role=account.role,
            display_name=account.display_name,
            locale=account.locale,
        )
        _refuse_nul(account.login)
        if any(a.login == account.login and a.id != account.id for a in t.accounts.values()):
            self._tx.spoil()
            raise RecordConflict(
                f"登录名“{account.login}”已被使用，请换一个。",
                f"The login '{account.login}' is taken; choose another.",
            )
        existing = t.accounts.get(account.id)
        t.accounts[account.id] = replace(
            account,
            created_at=existing.created_at if existing else _now(),
            last_login_at=existing.last_login_at if existing else None,
        )
        return account

    def get(self, account_id: uuid.UUID) -> UserAccount:
        found = self._tx.live().accounts.get(account_id)
        if found is None:
            raise RecordNotFound("account", account_id)
        return found

    def by_login(self, login: str) -> UserAccount | None:
        _refuse_nul(login)
        return next((a for a in self._tx.live().accounts.values() if a.login == login), None)

    def by_person(self, person_id: uuid.UUID) -> UserAccount | None:
        t = self._tx.live()
        return next((a for a in t.accounts.values() if a.person_id == person_id), None)

    def end_everything(
        self,
        account_id: uuid.UUID,
        at: datetime,
        *,
        keep_session: str | None = None,
        keep_token: str | None = None,
    ) -> None:
        t = self._tx.live()
        for key, login in list(t.sessions.items()):
            if login.account_id == account_id and login.token_sha256 != (keep_session or ""):
                del t.sessions[key]
        for key, token in list(t.tokens.items()):
            if (
                token.account_id == account_id
                and token.revoked_at is None
                and token.token_sha256 != (keep_token or "")
            ):
                t.tokens[key] = replace(token, revoked_at=_utc(at))

    def list(self, *, processor_id: uuid.UUID | None = None) -> builtins.list[UserAccount]:
        return sorted(
            (
                a
                for a in self._tx.live().accounts.values()
                if processor_id is None or a.processor_id == processor_id
            ),
            key=lambda a: a.login,
        )

    def set_password_hash(
        self,
        account_id: uuid.UUID,
        password_hash: str,
        *,
        keep_session: str | None = None,
        keep_token: str | None = None,
    ) -> None:
        t = self._tx.live()
        account = t.accounts.get(account_id)
        if account is None:
            raise RecordNotFound("account", account_id)
        t.accounts[account_id] = replace(account, password_hash=password_hash)
        self.end_everything(account_id, _now(), keep_session=keep_session, keep_token=keep_token)

    def record_login(self, account_id: uuid.UUID, at: datetime) -> None:
        t = self._tx.live()
        if account_id in t.accounts:
            t.accounts[account_id] = replace(t.accounts[account_id], last_login_at=_utc(at))

    def add_token(self, token: ApiToken) -> ApiToken:
        t = self._tx.live()
        if token.account_id not in t.accounts:
            raise RecordNotFound("account", token.account_id)
        _checked(ApiTokenRow, token_sha256=token.token_sha256, name=token.name)
        t.tokens[token.id] = replace(
            token,
            created_at=_now(),
            expires_at=_utc(token.expires_at),
            last_used_at=None,
            revoked_at=None,
        )
        return token

    def token_by_hash(self, token_sha256: str) -> ApiToken | None:
        _refuse_nul(token_sha256)
        tokens = self._tx.live().tokens.values()
        return next((k for k in tokens if k.token_sha256 == token_sha256), None)

    def tokens_of(self, account_id: uuid.UUID) -> builtins.list[ApiToken]:
        return sorted(
            (k for k in self._tx.live().tokens.values() if k.account_id == account_id),
            key=lambda k: k.created_at or _now(),
        )

    def revoke_token(self, token_id: uuid.UUID, at: datetime) -> None:
        t = self._tx.live()
        token = t.tokens.get(token_id)
        if token is not None and token.revoked_at is None:
            t.tokens[token_id] = replace(token, revoked_at=_utc(at))

    def add_session(self, login_session: LoginSession) -> LoginSession:
        t = self._tx.live()
        if login_session.account_id not in t.accounts:
            raise RecordNotFound("account", login_session.account_id)
        t.sessions[login_session.id] = replace(
            login_session,
            expires_at=_at(login_session.expires_at),
            created_at=_now(),
            last_seen_at=None,
        )
        return login_session

    def session_by_hash(self, token_sha256: str, at: datetime) -> LoginSession | None:
        """The live session with this digest; an expired one is treated as absent."""
        _refuse_nul(token_sha256)
        return next(
            (
                s
                for s in self._tx.live().sessions.values()
                if s.token_sha256 == token_sha256 and s.expires_at > at
            ),
            None,
        )

    def end_session(self, token_sha256: str) -> None:
        _refuse_nul(token_sha256)
        t = self._tx.live()
        for key, login in list(t.sessions.items()):
            if login.token_sha256 == token_sha256:
                del t.sessions[key]


# -- devices --------------------------------------------------------------------------------


class FakeDevices:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def save(self, device: Device) -> Device:
        """Create or update a device; every door it serves must be in its own community."""
        t = self._tx.live()
        if device.community_id not in t.communities:
            raise RecordNotFound("community", device.community_id)
        missing = sorted(
            i
            for i in device.door_ids
            if i not in t.doors or t.doors[i].community_id != device.community_id
        )
        if missing:
            raise RecordNotFound("door", missing[0])
        existing = t.devices.get(device.id)
        if existing is not None and existing.community_id != device.community_id:
            raise RecordNotFound("device", device.id)
        _checked(DeviceRow, name=device.name, token_sha256=device.token_sha256)
        kept = existing or Device(
            id=device.id,
            community_id=device.community_id,
            name=device.name,
            token_sha256=device.token_sha256,
            created_at=_now(),
        )
        t.devices[device.id] = replace(
            kept,
            name=device.name,
            token_sha256=device.token_sha256,
            door_ids=frozenset(device.door_ids),
            revoked_at=_utc(device.revoked_at),
            transport_public_key=device.transport_public_key,
        )
        return device

    def get(self, device_id: uuid.UUID, scope: CommunityScope) -> Device:
        found = self._tx.live().devices.get(device_id)
        if found is None or not scope.allows(found.community_id):
            raise RecordNotFound("device", device_id)
        return found

    def by_token_hash(self, token_sha256: str) -> Device | None:
        """The active device holding this token digest; a revoked device is not found."""
        _refuse_nul(token_sha256)
        return next(
            (
                d
                for d in self._tx.live().devices.values()
                if d.token_sha256 == token_sha256 and d.revoked_at is None
            ),
            None,
        )


# -- the unit of work -----------------------------------------------------------------------


# -- privacy settings ------------------------------------------------------------------------


class FakePrivacySettings:
    """One row per community that chose; without a row, the product's defaults."""

    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def get(self, community_id: uuid.UUID) -> PrivacySettings:
        return self._tx.live().privacy_settings.get(community_id) or PrivacySettings()

    def save(self, community_id: uuid.UUID, settings: PrivacySettings) -> None:
        self._tx.live().privacy_settings[community_id] = settings


class FakePrivacy:
    """The part of ``PrivacyStore`` the office services use."""

    def __init__(self, tx: _Transaction) -> None:
        self.settings = FakePrivacySettings(tx)


class FakeUnitOfWork:
    """``with uow: …; uow.commit()`` on dictionaries; leaving without ``commit()`` discards.

    Units of work made on the same ``FakeDatabase`` share what each commits, as two
    ``UnitOfWork`` on one engine do.
    """

    places: FakePlaces
    people: FakePeople
    credentials: FakeCredentials
    access: FakeAccess
    accounts: FakeAccounts
    devices: FakeDevices
    changes: FakeChangeLog
    privacy: FakePrivacy

    def __init__(self, database: FakeDatabase | None = None) -> None:
        self.database = database or FakeDatabase()
        self._tx: _Transaction | None = None

    def __enter__(self) -> FakeUnitOfWork:
        if self._tx is not None:
            raise RuntimeError("this unit of work is already open; nest a new one instead")
        self._begin()
        return self

    def _begin(self) -> None:
        tx = self._tx = _Transaction(self.database.committed)
        self.changes = FakeChangeLog(tx)
        self.places = FakePlaces(tx, self.changes)
        self.people = FakePeople(tx, self.changes)
        self.credentials = FakeCredentials(tx, self.changes)
        self.access = FakeAccess(tx, self.changes)
        self.accounts = FakeAccounts(tx)
        self.devices = FakeDevices(tx)
        self.privacy = FakePrivacy(tx)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._tx = None

    def _open(self) -> _Transaction:
        if self._tx is None:
            raise RuntimeError("this unit of work is not open; use it in a with block")
        return self._tx

    def commit(self) -> None:
        tx = self._open()
        work = tx.live()
        self.database.apply(tx.base, work)
        self._begin()

    def rollback(self) -> None:
        self._open()
        self._begin()


def fits_the_services(uow: FakeUnitOfWork) -> UnitOfWorkPort:
    """For mypy: the fake fits the protocol the services take, or this line fails to check."""
    return uow
