"""Events stored per second by the store alone (no HTTP), on SQLite and PostgreSQL.

Each batch is one ``INSERT … ON CONFLICT DO NOTHING`` and one commit, as the server does for a
gate's upload. Batches of 1 measure the per-transaction cost (on SQLite the WAL fsync at
``synchronous=NORMAL``); batches of 100 measure what a gate flushing its outbox costs. A
second pass re-sends every batch, which must store nothing.

    .venv/bin/python bench/store_ingest.py [--seconds 3] [--postgres URL]

The SQLite file lives in a temporary folder; for PostgreSQL a throwaway database is created
through ``--postgres`` (default: the local test server) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from menwei.core.credential import CredentialKind
from menwei.core.direction import Direction
from menwei.core.door import Door, DoorKind
from menwei.core.person import Person, Role
from menwei.core.place import Building, Community, Processor, ProcessorKind, Unit
from menwei.store.engine import make_engine
from menwei.store.migrate import upgrade
from menwei.store.records import AccessEvent, EventFilter
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _site(uow: UnitOfWork) -> tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]:
    processor = Processor(
        id=uuid.uuid4(), name="bench", kind=ProcessorKind.PROPERTY_COMPANY, contact=""
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name="bench")
    building = Building(id=uuid.uuid4(), community_id=community.id, name="1")
    unit = Unit(id=uuid.uuid4(), building_id=building.id, number="1", floor_area_m2=Decimal(80))
    door = Door(
        id=uuid.uuid4(),
        community_id=community.id,
        name="gate",
        kind=DoorKind.GATE,
        direction=Direction.IN,
        accepts=frozenset({CredentialKind.CARD, CredentialKind.FACE}),
    )
    people = [
        Person(id=uuid.uuid4(), community_id=community.id, name=f"p{i}", role=Role.OWNER)
        for i in range(200)
    ]
    with uow:
        uow.places.add_processor(processor)
        uow.places.add_community(community)
        uow.places.add_building(building)
        uow.places.add_unit(unit)
        uow.places.save_door(door)
        for person in people:
            uow.people.save(person)
        uow.commit()
    return community.id, door.id, [p.id for p in people]


def _batches(
    community_id: uuid.UUID, door_id: uuid.UUID, people: list[uuid.UUID], size: int, count: int
) -> list[list[AccessEvent]]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batches = []
    for b in range(count):
        batch = []
        for i in range(size):
            n = b * size + i
            batch.append(
                AccessEvent(
                    idempotency_key=f"{uuid.uuid4()}",
                    community_id=community_id,
                    door_id=door_id,
                    occurred_at=start + timedelta(milliseconds=n),
                    direction="in",
                    credential_kind="card" if n % 3 else "face",
                    outcome="allow" if n % 7 else "deny",
                    reason_code="granted" if n % 7 else "unknown_face",
                    person_id=people[n % len(people)] if n % 7 else None,
                )
            )
        batches.append(batch)
    return batches


def _measure(
    uow: UnitOfWork, batches: list[list[AccessEvent]], seconds: float
) -> tuple[int, float]:
    stored = 0
    began = time.perf_counter()
    for batch in batches:
        with uow:
            stored += uow.events.add_many(batch)
            uow.commit()
        if time.perf_counter() - began > seconds:
            break
    return stored, time.perf_counter() - began


def run(label: str, url: str, seconds: float) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        uow = UnitOfWork.for_engine(engine)
        community_id, door_id, people = _site(uow)
        for size in (1, 100):
            count = max(1, int(200_000 / size)) if size > 1 else 50_000
            batches = _batches(community_id, door_id, people, size, count)
            stored, elapsed = _measure(uow, batches, seconds)
            sent = stored // size
            again, again_elapsed = _measure(uow, batches[:sent], seconds)
            checked = sent * size / again_elapsed
            print(
                f"{label:<11} batch={size:<4} {stored / elapsed:>10,.0f} events/s stored"
                f"   re-sent: {again} stored, {checked:>10,.0f} events/s checked"
            )
        with uow:
            total = uow.events.count(EventFilter(), CommunityScope.all())
        print(f"{label:<11} events in table: {total:,}")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{Path(folder) / 'bench.db'}", args.seconds)

    if args.no_postgres:
        return
    server = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = f"menwei_bench_{uuid.uuid4().hex[:8]}"
    try:
        with server.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        print(f"postgresql  not measured: {args.postgres} does not answer ({type(error).__name__})")
        return
    try:
        url = sa.make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        run("postgresql", url, args.seconds)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


if __name__ == "__main__":
    main()
