"""Cost of a supervisor page load against the audit chain's length, cold and warm.

An audit chain of N entries (checkpoint every 1,000, as the server writes it) in a SQLite file,
one community and its supervisor, and the app in process (``create_app``, the API route
``GET /api/v1/supervision/communities`` through a test client: the same service and the same
verdict cache as ``/supervision``).

- **full verification:** ``audit_trail.verify_audit`` over the whole chain, as the
  background run and ``menwei audit verify`` do it (with ``--memory``, once more under
  ``tracemalloc`` for its peak of Python memory);
- **stale:** the app's clock is moved past ``audit_full_verify_minutes`` before each load, so
  the load starts a full verification in the background and is served the last verdict plus
  the check of new entries; the run is awaited (untimed) before the next load;
- **warm:** 5 new entries are written before each load (outside the timing), and the load
  verifies only those.

    .venv/bin/python bench/supervision_page.py [--entries 20000 100000] [--loads 3 30] [--memory]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert

from menwei.core import Community, Processor, ProcessorKind
from menwei.privacy.audit import AuditAction, AuditChain, AuditEntry, MemoryAuditLog
from menwei.server.app import create_app
from menwei.server.auth.tokens import USER_TOKEN_PREFIX, new_token, token_hash
from menwei.server.services import audit_trail
from menwei.server.services.template_delivery import privacy_kit
from menwei.settings import Settings
from menwei.store.migrate import upgrade
from menwei.store.records import ApiToken, UserAccount
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.tables.privacy import AuditCheckpointRow, AuditEntryRow
from menwei.store.uow import UnitOfWork

AT = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
SECRET = "bench-" + "x" * 40


def _seed(app: FastAPI, entries: int) -> str:
    """A community, its supervisor's token, and an audit chain of ``entries`` entries."""
    state = app.state
    processor = Processor(
        id=uuid.uuid4(), name="物业", kind=ProcessorKind.PROPERTY_COMPANY, contact="1"
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name="基准小区")
    token = new_token(USER_TOKEN_PREFIX)
    kit = privacy_kit(state, state.settings)
    log = MemoryAuditLog()  # hashed and signed here, then inserted in bulk
    chain = AuditChain(
        log,
        signing_key=kit.keys.signing_key,
        pepper=kit.keys.subject_pepper,
        checkpoint_every=kit.checkpoint_every,
    )
    with UnitOfWork(state.session_factory) as uow:
        uow.places.add_processor(processor)
        uow.places.add_community(community)
        account = UserAccount(
            id=uuid.uuid4(),
            login="bench-supervisor",
            password_hash="$argon2id$unused",
            role="supervisor",
            supervises=frozenset({community.id}),
        )
        uow.accounts.save(account)
        uow.accounts.add_token(
            ApiToken(
                id=uuid.uuid4(),
                account_id=account.id,
                token_sha256=token_hash(token),
                expires_at=datetime(2100, 1, 1, tzinfo=UTC),
            )
        )
        uow.commit()
    for start in range(0, entries, 5000):  # in slices, so a long chain never sits in memory
        for n in range(start, min(entries, start + 5000)):
            chain.append(
                at=AT + timedelta(seconds=n),
                actor="staff(bench)",
                action=AuditAction.GATE_MATCHES,
                person_id=f"person-{n % 5000}",
                community_id=community.id,
                detail={"day": "2026-11-20", "count": 2},
            )
        with UnitOfWork(state.session_factory) as uow:
            uow.session.execute(insert(AuditEntryRow), [_row(e) for e in log.rows])
            if log.signed:
                uow.session.execute(
                    insert(AuditCheckpointRow),
                    [
                        {
                            "seq": c.seq,
                            "entry_hash": c.entry_hash,
                            "at": c.at,
                            "signature": c.signature,
                        }
                        for c in log.signed
                    ],
                )
            uow.commit()
        log.rows.clear()  # the chain object remembers the last entry it appended
        log.signed.clear()
    return token


def _row(entry: AuditEntry) -> dict[str, object]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "subject": entry.subject,
        "community_id": entry.community_id,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


def _append(app: FastAPI, count: int) -> None:
    state = app.state
    kit = privacy_kit(state, state.settings)
    with UnitOfWork(state.session_factory) as uow:
        chain = kit.chain(PrivacyStore(uow.session))
        for _ in range(count):
            chain.append(at=datetime.now(UTC), actor="staff(bench)", action=AuditAction.STAFF_VIEW)
        uow.commit()


def _load(client: TestClient, token: str) -> float:
    started = time.perf_counter()
    response = client.get(
        "/api/v1/supervision/communities", headers={"Authorization": f"Bearer {token}"}
    )
    elapsed = time.perf_counter() - started
    [row] = response.json()
    assert response.status_code == 200 and row["audit_status"] == "verified", response.text
    return elapsed


def _quantiles(times: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def bench(
    entries: int,
    loads: Sequence[int],
    folder: Path,
    *,
    memory: bool = False,
    quiet: bool = False,
) -> None:
    url = f"sqlite:///{folder}/supervision-{entries}.db"
    upgrade(url)
    settings = Settings(database_url=url, data_dir=folder / f"data-{entries}", secret_key=SECRET)
    app = create_app(settings)
    started = time.perf_counter()
    token = _seed(app, entries)
    built = time.perf_counter() - started
    kit = privacy_kit(app.state, settings)
    full = []
    for _ in range(loads[0]):
        began = time.perf_counter()
        report = audit_trail.verify_audit(UnitOfWork(app.state.session_factory), kit)
        full.append(time.perf_counter() - began)
        assert report.ok and report.entries == entries, report.problems[:3]
    peak = _peak_memory(app, kit) if memory else None
    verdicts = app.state.audit_verdicts
    clock = [datetime.now(UTC)]
    app.state.clock = lambda: clock[0]
    with TestClient(app) as client:
        verdicts.inline_below = entries + 1  # the first load verifies in full (untimed)
        _load(client, token)
        stale = []
        for _ in range(loads[0]):
            _append(app, 5)
            clock[0] += verdicts.max_age
            stale.append(_load(client, token))
            assert verdicts.wait(timeout=3600)
        warm = []
        for _ in range(loads[1]):
            _append(app, 5)
            warm.append(_load(client, token))
    app.state.engine.dispose()
    if quiet:
        return
    _report(entries, built, "full verification", full)
    if peak is not None:
        print(f"{entries:>9,} entries  full verification peak Python memory {peak / 2**20:.1f} MiB")
    _report(entries, built, "stale (full run in background)", stale)
    _report(entries, built, "warm (5 new entries checked)", warm)


def _peak_memory(app: FastAPI, kit: object) -> int:
    tracemalloc.start()
    try:
        audit_trail.verify_audit(UnitOfWork(app.state.session_factory), kit)  # type: ignore[arg-type]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _report(entries: int, built: float, label: str, times: Iterable[float]) -> None:
    listed = list(times)
    p50, p95 = _quantiles(listed)
    print(
        f"{entries:>9,} entries  {label:<30} p50 {p50 * 1000:8.1f} ms  "
        f"p95 {p95 * 1000:8.1f} ms  (n={len(listed)}, chain built in {built:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--loads", type=int, nargs=2, default=[3, 30], metavar=("FULL", "WARM"))
    parser.add_argument("--memory", action="store_true", help="also the full run's peak memory")
    args = parser.parse_args()
    print(f"CPython {platform.python_version()}, {os.cpu_count()} cores, SQLite")
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        bench(10, [1, 1], Path(folder), quiet=True)  # imports and first-request costs, untimed
        for entries in args.entries:
            bench(entries, args.loads, Path(folder), memory=args.memory)
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
