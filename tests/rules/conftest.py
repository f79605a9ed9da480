"""Rules the office services enforce, checked in memory on ``tests.fakes.FakeUnitOfWork``.

The world is the one ``tests/server/conftest.py`` builds on the database: community A
(processor P) and community B (processor Q), each with a building, a unit, a resident who lives
there, a gate and a unit door; accounts for a platform admin, P's admin, A's staff, a resident of
A and B's staff. The store's own behaviour is pinned by tests/store/test_fake_store_contract.py,
which runs the same assertions on the fake and on the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from tests.fakes import FakeUnitOfWork

from menwei.core import (
    Building,
    Community,
    CredentialKind,
    Direction,
    Door,
    DoorKind,
    HouseholdMembership,
    Person,
    Processor,
    ProcessorKind,
    Unit,
)
from menwei.core import Role as PersonRole
from menwei.server.auth.passwords import hash_password
from menwei.server.domain.caller import Caller, scope_of
from menwei.server.policy import AccountRole, Principal
from menwei.store.records import UserAccount
from menwei.store.scope import CommunityScope

PASSWORD = "correct horse battery"

_HASH: list[str] = []


def password_hash() -> str:
    """One argon2 hash for every account, made once per test session."""
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


@dataclass(frozen=True)
class Tenant:
    processor_id: uuid.UUID
    community_id: uuid.UUID
    building_id: uuid.UUID
    unit_id: uuid.UUID
    resident_id: uuid.UUID
    membership_id: uuid.UUID
    gate_id: uuid.UUID
    unit_door_id: uuid.UUID


@dataclass
class World:
    uow: FakeUnitOfWork
    a: Tenant
    b: Tenant
    accounts: dict[str, UserAccount] = field(default_factory=dict)

    def principal(self, who: str) -> Principal:
        """The principal of an account, resolved as the server resolves it."""
        from menwei.server.services.accounts import principal_of

        with self.uow:
            return principal_of(self.uow, self.accounts[who])  # type: ignore[arg-type]

    def caller(self, who: str, community: Tenant | None = None) -> Caller:
        """``who`` acting on a community route (scope narrowed to it), or on their own."""
        principal = self.principal(who)
        if community is None:
            return Caller(principal, scope_of(principal))
        return Caller(
            principal, CommunityScope.of([community.community_id]), community.community_id
        )


def _tenant(uow: FakeUnitOfWork, label: str) -> Tenant:
    processor = Processor(
        id=uuid.uuid4(), name=f"{label}物业", kind=ProcessorKind.PROPERTY_COMPANY, contact="0571"
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name=f"{label}小区")
    building = Building(id=uuid.uuid4(), community_id=community.id, name="1号楼")
    unit = Unit(
        id=uuid.uuid4(), building_id=building.id, number="101", floor_area_m2=Decimal("89.5")
    )
    resident = Person(
        id=uuid.uuid4(), community_id=community.id, name="李娜", role=PersonRole.OWNER
    )
    home = HouseholdMembership(
        id=uuid.uuid4(), person_id=resident.id, unit_id=unit.id, moved_in=date(2020, 1, 1)
    )
    gate = Door(
        id=uuid.uuid4(),
        community_id=community.id,
        name="南大门",
        kind=DoorKind.GATE,
        direction=Direction.BOTH,
        accepts=frozenset({CredentialKind.CARD, CredentialKind.QR, CredentialKind.FACE}),
    )
    unit_door = Door(
        id=uuid.uuid4(),
        community_id=community.id,
        name="1号楼单元门",
        kind=DoorKind.UNIT_DOOR,
        direction=Direction.IN,
        accepts=frozenset({CredentialKind.CARD, CredentialKind.PIN}),
        building_id=building.id,
    )
    uow.places.add_processor(processor)
    uow.places.add_community(community)
    uow.places.add_building(building)
    uow.places.add_unit(unit)
    uow.people.save(resident)
    uow.people.add_membership(home)
    uow.places.save_door(gate)
    uow.places.save_door(unit_door)
    return Tenant(
        processor.id,
        community.id,
        building.id,
        unit.id,
        resident.id,
        home.id,
        gate.id,
        unit_door.id,
    )


def seed_world(uow: FakeUnitOfWork) -> World:
    with uow:
        world = World(uow, _tenant(uow, "阳光"), _tenant(uow, "翠湖"))
        a, b = world.a, world.b
        specs: dict[str, dict[str, object]] = {
            "platform_admin": {"role": AccountRole.PLATFORM_ADMIN},
            "processor_admin": {
                "role": AccountRole.PROCESSOR_ADMIN,
                "processor_id": a.processor_id,
            },
            "community_staff": {
                "role": AccountRole.COMMUNITY_STAFF,
                "processor_id": a.processor_id,
                "staff_of": frozenset({a.community_id}),
            },
            "resident": {
                "role": AccountRole.RESIDENT,
                "processor_id": a.processor_id,
                "person_id": a.resident_id,
            },
            "staff_b": {
                "role": AccountRole.COMMUNITY_STAFF,
                "processor_id": b.processor_id,
                "staff_of": frozenset({b.community_id}),
            },
        }
        for login, spec in specs.items():
            role = spec.pop("role")
            assert isinstance(role, AccountRole)
            account = UserAccount(
                id=uuid.uuid4(),
                login=login,
                password_hash=password_hash(),
                role=role.value,
                display_name=login,
                **spec,  # type: ignore[arg-type]
            )
            uow.accounts.save(account)
            world.accounts[login] = account
        uow.commit()
    return world


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def world(uow: FakeUnitOfWork) -> World:
    return seed_world(uow)
