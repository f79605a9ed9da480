"""What the server benchmarks share: a throwaway database, a running ``menwei serve``, a world.

The server runs as its own process (``python -m menwei serve``) on loopback, exactly as an
operator starts it; the benchmark process is the client.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

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
from menwei.server.auth.tokens import DEVICE_TOKEN_PREFIX, USER_TOKEN_PREFIX, new_token, token_hash
from menwei.server.services.devices import save_device
from menwei.store.engine import make_engine
from menwei.store.migrate import upgrade
from menwei.store.records import ApiToken, Device, UserAccount
from menwei.store.uow import UnitOfWork

SECRET = "bench-" + "x" * 40


@dataclass(frozen=True)
class BenchWorld:
    community_id: uuid.UUID
    door_id: uuid.UUID
    device_token: str
    staff_token: str


@contextlib.contextmanager
def database(postgres_url: str | None) -> Iterator[str]:
    """A fresh migrated database: a SQLite file, or a throwaway PostgreSQL database."""
    if postgres_url is None:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            upgrade(url)
            yield url
        return
    name = f"menwei_bench_{os.getpid()}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(url: str, *, people: int = 200) -> BenchWorld:
    """One community with a building, ``people`` residents, a gate, a device and a staff token."""
    engine = make_engine(url)
    uow = UnitOfWork.for_engine(engine)
    processor = Processor(
        id=uuid.uuid4(), name="物业", kind=ProcessorKind.PROPERTY_COMPANY, contact="1"
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name="基准小区")
    building = Building(id=uuid.uuid4(), community_id=community.id, name="1号楼")
    gate = Door(
        id=uuid.uuid4(),
        community_id=community.id,
        name="大门",
        kind=DoorKind.GATE,
        direction=Direction.BOTH,
        accepts=frozenset({CredentialKind.CARD, CredentialKind.FACE}),
    )
    device_token = new_token(DEVICE_TOKEN_PREFIX)
    staff_token = new_token(USER_TOKEN_PREFIX)
    with uow:
        uow.places.add_processor(processor)
        uow.places.add_community(community)
        uow.places.add_building(building)
        uow.places.save_door(gate)
        for n in range(people):
            unit = Unit(
                id=uuid.uuid4(),
                building_id=building.id,
                number=f"{n:04d}",
                floor_area_m2=Decimal("90"),
            )
            uow.places.add_unit(unit)
            person = Person(
                id=uuid.uuid4(), community_id=community.id, name=f"住户{n:04d}", role=Role.OWNER
            )
            uow.people.save(person)
            uow.people.add_membership(
                HouseholdMembership(
                    id=uuid.uuid4(), person_id=person.id, unit_id=unit.id, moved_in=date(2020, 1, 1)
                )
            )
        save_device(
            uow,
            Device(
                id=uuid.uuid4(),
                community_id=community.id,
                name="大门闸机",
                token_sha256=token_hash(device_token),
                door_ids=frozenset({gate.id}),
            ),
        )
        account = UserAccount(
            id=uuid.uuid4(),
            login="bench-staff",
            password_hash="$argon2id$unused",
            role="community_staff",
            staff_of=frozenset({community.id}),
        )
        uow.accounts.save(account)
        uow.accounts.add_token(
            ApiToken(
                id=uuid.uuid4(),
                account_id=account.id,
                token_sha256=token_hash(staff_token),
                expires_at=datetime(2100, 1, 1, tzinfo=UTC),
            )
        )
        uow.commit()
    engine.dispose()
    return BenchWorld(community.id, gate.id, device_token, staff_token)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_server(url: str, *, niceness: int = 0) -> Iterator[Server]:
    """``menwei serve`` on a free loopback port, in its own process.

    ``niceness`` below 0 (root only) lets the server stand in for a machine of its own while
    other work shares this one; the figures say when it was used.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENWEI_")}
    env |= {"MENWEI_DATABASE_URL": url, "MENWEI_SECRET_KEY": SECRET}
    command = [sys.executable, "-m", "menwei", "serve", "--port", str(port)]
    if niceness:
        command = ["nice", "-n", str(niceness), *command]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("menwei serve did not come up")
            time.sleep(0.2)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
