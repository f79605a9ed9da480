"""The durable event outbox: every passage, refusal and alarm survives until the server has it.

A gate keeps deciding when the network or the server is down, and it can lose power at any
moment. Each event is written to a local SQLite file (WAL journal, ``synchronous=FULL``)
*before* anything else happens, with an idempotency key chosen at creation. Uploads send the
oldest events in batches and delete an entry only after the server has acknowledged its key.
A crash between the server storing a batch and the gate deleting it means the batch is sent
again; the server stores each key once, so every event arrives exactly once.

Events carry no images, no templates and no scores: only what the audit needs.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from menwei.gate.errors import OutboxError
from menwei.gate.sqlite_file import open_durable

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    occurred_at REAL NOT NULL,
    body TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class OutboxEvent:
    """One event waiting for the server: a key, a kind (``passage``, ``tailgating`` …), a body."""

    seq: int
    idempotency_key: str
    kind: str
    occurred_at: float
    body: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return {
            "idempotency_key": self.idempotency_key,
            "kind": self.kind,
            "occurred_at": self.occurred_at,
            "body": self.body,
        }


# Sends a batch; returns the keys the server acknowledged (stored now or stored before).
Uploader = Callable[[Sequence[OutboxEvent]], Iterable[str]]


class Outbox:
    """A SQLite-backed queue of events. Safe to share between threads of one process."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self._db = open_durable(path, "busy_timeout=5000")
            self._db.execute(SCHEMA)
        except sqlite3.DatabaseError as error:
            raise OutboxError(
                f"The event outbox {path} could not be opened ({error}). Check the disk; move "
                "a damaged file aside to start a new one (its events are then lost)."
            ) from None

    def _write(self, statement: str, rows: Iterable[Sequence[Any]]) -> int:
        with self._lock:
            try:
                before = self._db.total_changes
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(statement, rows)
                self._db.execute("COMMIT")
                return self._db.total_changes - before
            except sqlite3.DatabaseError as error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise OutboxError(
                    f"The event outbox {self.path} could not be written ({error}). "
                    "Check free disk space."
                ) from None

    def add(self, kind: str, body: Mapping[str, Any], *, occurred_at: float | None = None) -> str:
        """Store one event durably; returns its idempotency key. Returns after the fsync."""
        return self.add_many([(kind, body)], occurred_at=occurred_at)[0]

    def add_many(
        self, events: Sequence[tuple[str, Mapping[str, Any]]], *, occurred_at: float | None = None
    ) -> list[str]:
        """Store several events in one transaction (all or none)."""
        at = self._clock() if occurred_at is None else occurred_at
        keys = [str(uuid.uuid4()) for _ in events]
        rows = [
            (key, kind, at, json.dumps(dict(body), ensure_ascii=False, sort_keys=True))
            for key, (kind, body) in zip(keys, events, strict=True)
        ]
        self._write(
            "INSERT INTO outbox (idempotency_key, kind, occurred_at, body) VALUES (?, ?, ?, ?)",
            rows,
        )
        return keys

    def pending(self, limit: int = 100) -> list[OutboxEvent]:
        """The oldest events not yet acknowledged, in the order they happened."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, idempotency_key, kind, occurred_at, body FROM outbox "
                "ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [OutboxEvent(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def acknowledge(self, keys: Iterable[str]) -> int:
        """Remove events the server has stored; unknown keys are ignored. Returns how many."""
        return self._write("DELETE FROM outbox WHERE idempotency_key = ?", ((k,) for k in keys))

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()
        return int(count)

    def upload(
        self, send: Uploader, *, batch_size: int = 100, max_batches: int | None = None
    ) -> int:
        """Send pending events in batches until none are left; returns how many were removed.

        ``send`` raising stops the upload and leaves everything not acknowledged in place.
        A batch the server acknowledges only in part stops the run too, so that a stuck event
        cannot loop forever; the rest waits for the next upload.
        """
        removed = 0
        batches = 0
        while max_batches is None or batches < max_batches:
            batch = self.pending(batch_size)
            if not batch:
                break
            sent = {e.idempotency_key for e in batch}
            acknowledged = [k for k in send(batch) if k in sent]
            removed += self.acknowledge(acknowledged)
            batches += 1
            if len(set(acknowledged)) < len(batch):
                break
        return removed

    def close(self) -> None:
        with self._lock:
            self._db.close()
