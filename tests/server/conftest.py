"""An app on the test database, and a small world of two tenants with one account per role.

Community A (processor P) and community B (processor Q) each have a building, a unit, a
resident, two doors and a gate device. Accounts: a platform admin, P's admin, A's staff, A's
committee member, A's supervisor, a resident of A, and B's staff. Tokens are issued directly
(their hashes stored), so no test pays for argon2 more than once per account.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

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
    Role,
    Unit,
)
from menwei.server import create_app
from menwei.server.auth.passwords import hash_password
from menwei.server.auth.tokens import DEVICE_TOKEN_PREFIX, USER_TOKEN_PREFIX, new_token, token_hash
from menwei.server.services.devices import save_device
from menwei.settings import Settings
from menwei.store.records import ApiToken, Device, UserAccount
from menwei.store.uow import UnitOfWork

PASSWORD = "correct horse battery"
SECRET = "s" * 48


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    return Settings(database_url=database_url, data_dir=data_dir, secret_key=SECRET, **overrides)  # type: ignore[arg-type]


@dataclass
class Tenant:
    processor_id: uuid.UUID
    community_id: uuid.UUID
    building_id: uuid.UUID
    unit_id: uuid.UUID
    resident_id: uuid.UUID
    gate_id: uuid.UUID
    unit_door_id: uuid.UUID
    device_id: uuid.UUID
    device_token: str


@dataclass
class World:
    a: Tenant
    b: Tenant
    tokens: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, uuid.UUID] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        """Headers of ``who``: a role name, ``device_a``/``device_b``, or ``anonymous``."""
        if who == "anonymous":
            return {}
        if who == "device_a":
            return {"Authorization": f"Bearer {self.a.device_token}"}
        if who == "device_b":
            return {"Authorization": f"Bearer {self.b.device_token}"}
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def _tenant(uow: UnitOfWork, label: str) -> Tenant:
    processor = Processor(
        id=uuid.uuid4(),
        name=f"{label}物业服务有限公司",
        kind=ProcessorKind.PROPERTY_COMPANY,
        contact="0571-88888888",
        responsible_person="王芳",
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name=f"{label}小区")
    building = Building(id=uuid.uuid4(), community_id=community.id, name="1号楼")
    unit = Unit(
        id=uuid.uuid4(), building_id=building.id, number="101", floor_area_m2=Decimal("89.5")
    )
    resident = Person(
        id=uuid.uuid4(),
        community_id=community.id,
        name="李娜",
        role=Role.OWNER,
        date_of_birth=date(1980, 5, 1),
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
    device_token = new_token(DEVICE_TOKEN_PREFIX)
    device = Device(
        id=uuid.uuid4(),
        community_id=community.id,
        name="南大门闸机",
        token_sha256=token_hash(device_token),
        door_ids=frozenset({gate.id}),
    )
    uow.places.add_processor(processor)
    uow.places.add_community(community)
    uow.places.add_building(building)
    uow.places.add_unit(unit)
    uow.people.save(resident)
    uow.people.add_membership(
        HouseholdMembership(
            id=uuid.uuid4(), person_id=resident.id, unit_id=unit.id, moved_in=date(2020, 1, 1)
        )
    )
    uow.places.save_door(gate)
    uow.places.save_door(unit_door)
    save_device(uow, device)
    return Tenant(
        processor.id,
        community.id,
        building.id,
        unit.id,
        resident.id,
        gate.id,
        unit_door.id,
        device.id,
        device_token,
    )


ROLES = (
    "platform_admin",
    "processor_admin",
    "community_staff",
    "committee_member",
    "resident",
    "supervisor",
)

_PASSWORD_HASH: list[str] = []


def password_hash() -> str:
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(hash_password(PASSWORD))
    return _PASSWORD_HASH[0]


def seed_world(uow: UnitOfWork) -> World:
    with uow:
        a = _tenant(uow, "阳光")
        b = _tenant(uow, "翠湖")
        world = World(a, b)
        specs: dict[str, dict[str, object]] = {
            "platform_admin": {},
            "processor_admin": {"processor_id": a.processor_id},
            "community_staff": {"staff_of": frozenset({a.community_id})},
            "committee_member": {"committee_of": frozenset({a.community_id})},
            "resident": {"person_id": a.resident_id},
            "supervisor": {"supervises": frozenset({a.community_id})},
            "staff_b": {"staff_of": frozenset({b.community_id})},
        }
        for name, extra in specs.items():
            role = "community_staff" if name == "staff_b" else name
            account = UserAccount(
                id=uuid.uuid4(),
                login=name,
                password_hash=password_hash(),
                role=role,
                display_name=name,
                **extra,  # type: ignore[arg-type]
            )
            uow.accounts.save(account)
            token = new_token(USER_TOKEN_PREFIX)
            uow.accounts.add_token(
                ApiToken(
                    id=uuid.uuid4(),
                    account_id=account.id,
                    token_sha256=token_hash(token),
                    expires_at=datetime(2100, 1, 1, tzinfo=UTC),
                )
            )
            world.tokens[name] = token
            world.accounts[name] = account.id
        uow.commit()
    return world


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    created = create_app(settings)
    yield created
    created.state.engine.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def world(app) -> World:  # type: ignore[no-untyped-def]
    return seed_world(UnitOfWork(app.state.session_factory))
