"""Cost of the signed audit head: one audit append per transaction, without and with the head.

Each append is its own transaction, as operations happen on the server. "without" is the chain
alone; "with" also signs the new head with the processor's Ed25519 key after the commit and
writes it atomically to the head file beside the key file (write, rename). Prints p50 and p95
in milliseconds.

    .venv/bin/python bench/audit_append.py [--entries 500] [--database-url URL]

Without ``--database-url`` it runs on a fresh SQLite file; with a PostgreSQL URL the database
is migrated first and its audit tables are emptied before each run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from menwei.privacy.audit import AuditAction
from menwei.server.services.privacy_kit import open_kit
from menwei.store.engine import make_engine
from menwei.store.migrate import upgrade
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _run(url: str, folder: Path, entries: int, *, head: bool) -> list[float]:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM privacy_audit_checkpoints"))
        connection.execute(sa.text("DELETE FROM privacy_audit_entries"))
    kit = open_kit(folder / "keys" / "master.key")
    if not head:
        kit.head_file = None
    uow = UnitOfWork.for_engine(engine)
    times = []
    try:
        for i in range(entries):
            start = time.perf_counter()
            with uow:
                kit.chain(PrivacyStore(uow.session)).append(
                    at=AT, actor="staff:li", action=AuditAction.STAFF_VIEW, person_id=f"p{i}"
                )
                uow.commit()
            times.append((time.perf_counter() - start) * 1000)
    finally:
        kit.key_store.close()
        engine.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
        print(f"database: {url.split(':', 1)[0]}, {args.entries} appends, one per transaction")
        for head in (False, True):
            times = sorted(_run(url, folder, args.entries, head=head))
            p50 = statistics.median(times)
            p95 = times[int(len(times) * 0.95) - 1]
            label = "with signed head" if head else "without head    "
            print(f"{label}: p50 {p50:.3f} ms, p95 {p95:.3f} ms")


if __name__ == "__main__":
    main()
