"""Cost of the privacy vault and the audit chain, on one core.

1. **Gate start:** unseal 10,000 templates (SFace size: 128 float32 = 512 bytes), each under its
   own person's data key, reading the wrapped keys from the file key store as a fresh process
   would: one community-key unwrap, then per person one key-store read, one data-key unwrap and
   one template decryption (all AES-256-GCM). Target: under 1 s.
2. **Seal:** one enrolment (its key written in its own durable commit), and a bulk import of
   the rest in one key-store transaction.
3. **Audit append rate:** hash-linked entries, in memory (the hashing alone), and on SQLite
   through the store, both one transaction per entry (as operations happen) and in batches.

    .venv/bin/python bench/privacy_vault.py [--people 10000] [--repeat 5] [--entries 5000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from menwei.privacy.audit import AuditAction, AuditChain, MemoryAuditLog
from menwei.privacy.keys import ProcessorKeys
from menwei.privacy.keystore import FileKeyStore
from menwei.privacy.vault import Vault

AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _one_core() -> str:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    except (AttributeError, OSError):
        return "not pinned"


def _templates(people: int) -> list[bytes]:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((people, 128)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return [v.tobytes() for v in vectors]


def bench_vault(people: int, repeat: int, folder: Path) -> None:
    keys = ProcessorKeys.generate()
    path = folder / "vault-keys.sqlite3"
    templates = _templates(people)
    with FileKeyStore(path) as store:
        vault = Vault(keys.kek_ring, store)
        single = 50  # one enrolment at a time: each key write is its own durable commit
        started = time.perf_counter()
        sealed = [
            vault.seal(
                community_id="community",
                person_id=f"person-{i}",
                template_version=1,
                template=templates[i],
                at=AT,
            )
            for i in range(single)
        ]
        single_s = (time.perf_counter() - started) / single
        started = time.perf_counter()
        with store.transaction():  # a bulk import: one commit
            sealed += [
                vault.seal(
                    community_id="community",
                    person_id=f"person-{i}",
                    template_version=1,
                    template=templates[i],
                    at=AT,
                )
                for i in range(single, people)
            ]
        bulk_s = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        with FileKeyStore(path) as store:  # a fresh process: nothing cached
            vault = Vault(keys.kek_ring, store)
            started = time.perf_counter()
            opened = vault.unseal_many(sealed)
            times.append(time.perf_counter() - started)
        assert len(opened) == people and opened["person-0"] == templates[0]
    print(f"seal one template, own key-store commit (enrolment)    {single_s * 1e3:8.1f} ms")
    print(f"seal {people - 50:,} templates in one key-store transaction  {bulk_s:8.3f} s")
    print(
        f"unseal {people:,} templates at gate start               "
        f"{min(times):8.3f} s best, {statistics.median(times):.3f} s median of {repeat}"
    )
    print(
        f"  per template                                          "
        f"{min(times) / people * 1e6:8.1f} us"
    )


def bench_audit_memory(entries: int) -> None:
    keys = ProcessorKeys.generate()
    chain = AuditChain(MemoryAuditLog(), signing_key=keys.signing_key, pepper=b"p" * 32)
    started = time.perf_counter()
    for i in range(entries):
        chain.append(
            at=AT,
            actor="staff:li",
            action=AuditAction.STAFF_VIEW,
            person_id=i,
            community_id="c1",
            detail={"i": i},
        )
    elapsed = time.perf_counter() - started
    print(f"audit append, in memory (hash + link, checkpoint/1000)  {entries / elapsed:10,.0f} /s")


def bench_audit_sqlite(entries: int, folder: Path, batch: int) -> None:
    from menwei.store.engine import make_engine, make_session_factory
    from menwei.store.migrate import upgrade
    from menwei.store.repositories.privacy import SqlAuditLog

    url = f"sqlite:///{folder / f'audit-{batch}.db'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    keys = ProcessorKeys.generate()
    started = time.perf_counter()
    done = 0
    while done < entries:
        with sessions() as session:
            chain = AuditChain(SqlAuditLog(session), signing_key=keys.signing_key, pepper=b"p")
            for _ in range(min(batch, entries - done)):
                chain.append(
                    at=AT,
                    actor="staff:li",
                    action=AuditAction.STAFF_VIEW,
                    person_id=done,
                    community_id="c1",
                    detail={"i": done},
                )
                done += 1
            session.commit()
    elapsed = time.perf_counter() - started
    engine.dispose()
    label = "one transaction per entry" if batch == 1 else f"{batch} entries per transaction"
    print(f"audit append, SQLite, {label:<33} {entries / elapsed:10,.0f} /s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--entries", type=int, default=5_000)
    args = parser.parse_args()
    pinned = _one_core()
    print(f"{platform.python_implementation()} {platform.python_version()}, {pinned}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_vault(args.people, args.repeat, folder)
        bench_audit_memory(args.entries)
        bench_audit_sqlite(args.entries, folder, batch=1)
        bench_audit_sqlite(args.entries, folder, batch=100)


if __name__ == "__main__":
    main()
