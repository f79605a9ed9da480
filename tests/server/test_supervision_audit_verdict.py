"""The supervisor's audit verdict: new entries are checked on each load, the whole chain again
once the verdict is older than the configured age, and a failure is never shown as verified."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from menwei.privacy.audit import AuditAction
from menwei.server.services import audit_verdict
from menwei.server.services.audit_verdict import AuditVerdicts
from menwei.server.services.template_delivery import privacy_kit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.tables.privacy import AuditEntryRow
from menwei.store.uow import UnitOfWork

from .conftest import World

T0 = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


class Clock:
    def __init__(self, app: FastAPI) -> None:
        self.now = T0
        app.state.clock = lambda: self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def append(app: FastAPI, count: int) -> int:
    """Write ``count`` audit entries; the sequence number of the last one."""
    kit = privacy_kit(app.state, app.state.settings)
    with UnitOfWork(app.state.session_factory) as uow:
        chain = kit.chain(PrivacyStore(uow.session))
        for n in range(count):
            entry = chain.append(
                at=T0, actor="staff(x)", action=AuditAction.STAFF_VIEW, detail={"n": n}
            )
        uow.commit()
    return entry.seq


def tamper(app: FastAPI, seq: int, *, actor: str = "someone else") -> None:
    with UnitOfWork(app.state.session_factory) as uow:
        uow.session.execute(
            sa.update(AuditEntryRow).where(AuditEntryRow.seq == seq).values(actor=actor)
        )
        uow.commit()


def audit_of(client: TestClient, world: World) -> dict[str, Any]:
    response = client.get("/api/v1/supervision/communities", headers=world.auth("supervisor"))
    assert response.status_code == 200, response.text
    [row] = response.json()
    return {"status": row["audit_status"], "fully_verified_at": row["audit_verified_at"]}


def test_entries_written_after_a_verified_load_are_accepted_without_a_full_verification(
    client: TestClient, world: World, app: FastAPI
) -> None:
    clock = Clock(app)
    append(app, 5)
    assert audit_of(client, world) == {"status": "verified", "fully_verified_at": T0.isoformat()}

    append(app, 7)
    clock.advance(minutes=3)

    assert audit_of(client, world) == {"status": "verified", "fully_verified_at": T0.isoformat()}


def test_tampering_with_an_old_entry_is_found_by_the_next_full_verification(
    client: TestClient, world: World, app: FastAPI
) -> None:
    clock = Clock(app)
    last = append(app, 5)
    assert audit_of(client, world)["status"] == "verified"

    tamper(app, last - 3)
    clock.advance(minutes=10)
    served = audit_of(client, world)  # the stale load starts the full run, does not wait
    assert app.state.audit_verdicts.wait(timeout=30)
    clock.advance(minutes=1)
    found = audit_of(client, world)
    clock.advance(minutes=1)
    still = audit_of(client, world)

    assert served == {"status": "verified", "fully_verified_at": T0.isoformat()}
    assert found == {
        "status": "broken",
        "fully_verified_at": (T0 + timedelta(minutes=10)).isoformat(),
    }
    assert still["status"] == "broken"


def test_tampering_with_a_new_entry_is_found_on_the_next_load(
    client: TestClient, world: World, app: FastAPI
) -> None:
    clock = Clock(app)
    append(app, 3)
    assert audit_of(client, world)["status"] == "verified"

    last = append(app, 3)
    tamper(app, last - 1)
    clock.advance(seconds=5)

    assert audit_of(client, world)["status"] == "broken"


def test_a_broken_verdict_stays_broken_until_a_full_verification_passes(
    client: TestClient, world: World, app: FastAPI
) -> None:
    clock = Clock(app)
    last = append(app, 3)
    audit_of(client, world)
    tamper(app, last)
    clock.advance(seconds=5)
    assert audit_of(client, world)["status"] == "broken"

    tamper(app, last, actor="staff(x)")  # put back as written: only a full check may say so
    clock.advance(minutes=1)
    assert audit_of(client, world)["status"] == "broken"
    clock.advance(minutes=10)
    assert audit_of(client, world)["status"] == "broken"  # served while the full run starts
    full_run_at = clock.now
    assert app.state.audit_verdicts.wait(timeout=30)
    clock.advance(seconds=5)

    assert audit_of(client, world) == {
        "status": "verified",
        "fully_verified_at": full_run_at.isoformat(),
    }


def test_the_verdict_is_configured_from_the_settings(app: FastAPI) -> None:
    verdicts = app.state.audit_verdicts
    assert verdicts.max_age == timedelta(minutes=app.state.settings.audit_full_verify_minutes)


def test_concurrent_loads_run_one_full_verification(
    app: FastAPI, world: World, monkeypatch: Any
) -> None:
    append(app, 20)
    kit = privacy_kit(app.state, app.state.settings)
    verdicts = AuditVerdicts(max_age=timedelta(minutes=10))
    full = audit_verdict.ops.verify_audit
    calls: list[int] = []
    started = threading.Barrier(4)

    def counted(uow: UnitOfWork, kit: Any) -> Any:
        calls.append(1)
        return full(uow, kit)

    monkeypatch.setattr(audit_verdict.ops, "verify_audit", counted)
    results: list[bool] = []

    def load() -> None:
        started.wait()
        uow = UnitOfWork(app.state.session_factory)
        results.append(verdicts.current(uow, kit, now=T0).ok)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [True] * 4
    assert len(calls) == 1
