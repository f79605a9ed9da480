"""The durable event outbox: every passage, refusal and alarm survives until the server has it.

A gate keeps deciding when the network or the server is down, and it can lose power at any
moment. Each event is written to a local SQLite file (WAL journal, ``synchronous=FULL``)
*before* anything else happens, with an idempotency key chosen at creation. Uploads send the
oldest events in batches and delete an entry only after the server has acknowledged its key.
A crash between the server storing a batch and the gate deleting it means the batch is sent
again; the server stores each key once, so every event arrives exactly once.

The server may refuse a single event for good (one naming a person of another community). Such
an event is moved, in the same transaction that removes the acknowledged ones, to a kept-aside
table (``refused``) in the same file: it is never sent again, so it cannot block the queue, and
it is never silently dropped, so the installer can see it (``menwei gate refused``). The table
keeps the newest ``MAX_REFUSED`` and counts the ones it had to let go.

Events carry no images, no templates and no scores: only what the audit needs.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from menwei.gate.errors import OutboxError
from menwei.gate.sqlite_file import open_durable

# New tables only ever come as CREATE TABLE IF NOT EXISTS, so a file of an older gate opens.
SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        occurred_at REAL NOT NULL,
        body TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS refused (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        occurred_at REAL NOT NULL,
        body TEXT NOT NULL,
        reason_code TEXT NOT NULL,
        refused_at REAL NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    )
    """,
)

#: refused events kept aside; older ones beyond this are let go and counted
MAX_REFUSED = 10_000


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


@dataclass(frozen=True)
class UploadReceipt:
    """The server's answer to one batch: keys it holds now, and keys it refused for good.

    ``refused`` maps each refused key to the server's reason code. A key in neither got no
    answer and stays pending.
    """

    acknowledged: Collection[str] = ()
    refused: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RefusedEvent:
    """An event the server will never store, kept aside so that it is seen, never re-sent."""

    idempotency_key: str
    kind: str
    occurred_at: float
    body: dict[str, Any]
    reason_code: str
    refused_at: float


@dataclass(frozen=True)
class RefusedTally:
    """How many refused events are kept aside, and how many were let go beyond the cap."""

    kept: int
    dropped: int

    @property
    def total(self) -> int:
        return self.kept + self.dropped

    def notice(self) -> str | None:
        """What the installer should know and do, or None when nothing was refused."""
        if not self.total:
            return None
        events = "1 event was" if self.total == 1 else f"{self.total} events were"
        text = (
            f"{events} refused by the server (a person from another community); "
            "see `menwei gate refused`."
        )
        if self.dropped:
            text += f" The oldest {self.dropped} are no longer kept."
        return text


# Sends a batch; returns what the server acknowledged and what it refused.
Uploader = Callable[[Sequence[OutboxEvent]], UploadReceipt]


class Outbox:
    """A SQLite-backed queue of events. Safe to share between threads of one process."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], float] = time.time,
        max_refused: int = MAX_REFUSED,
    ) -> None:
        self.path = path
        self._clock = clock
        self._max_refused = max_refused
        self._lock = threading.Lock()
        try:
            self._db = open_durable(path, "busy_timeout=5000")
            for statement in SCHEMA:
                self._db.execute(statement)
        except sqlite3.DatabaseError as error:
            raise OutboxError(
                f"The event outbox {path} could not be opened ({error}). Check the disk; move "
                "a damaged file aside to start a new one (its events are then lost)."
            ) from None

    def _write(self, statement: str, rows: Iterable[Sequence[Any]]) -> int:
        return self._in_transaction(lambda db: db.executemany(statement, rows))

    def _in_transaction(self, work: Callable[[sqlite3.Connection], object]) -> int:
        """Run ``work`` in one ``BEGIN IMMEDIATE`` transaction; returns the rows it changed."""
        with self._lock:
            try:
                before = self._db.total_changes
                self._db.execute("BEGIN IMMEDIATE")
                work(self._db)
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

    def add_keyed(
        self, key: str, kind: str, body: Mapping[str, Any], *, occurred_at: float
    ) -> bool:
        """Store an event under a key derived from its source (a controller's event index), so
        that the same event read twice is stored once; ``False`` when it is already here."""
        row = (key, kind, occurred_at, json.dumps(dict(body), ensure_ascii=False, sort_keys=True))
        return (
            self._write(
                "INSERT OR IGNORE INTO outbox (idempotency_key, kind, occurred_at, body) "
                "VALUES (?, ?, ?, ?)",
                [row],
            )
            > 0
        )

    def pending(self, limit: int = 100) -> list[OutboxEvent]:
        """The oldest events not yet acknowledged, in the order they happened."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, idempotency_key, kind, occurred_at, body FROM outbox "
                "ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [OutboxEvent(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def settle(self, acknowledged: Iterable[str], refused: Mapping[str, str]) -> tuple[int, int]:
        """Remove acknowledged events and move refused ones aside, in one transaction.

        ``refused`` maps keys to the server's reason code; a key also acknowledged counts as
        acknowledged. Unknown keys are ignored. Returns (removed, moved aside).
        """
        stored = set(acknowledged)
        turned_away = {k: code for k, code in refused.items() if k not in stored}
        counts = [0, 0]

        def work(db: sqlite3.Connection) -> None:
            now = self._clock()
            for key, code in turned_away.items():
                counts[1] += db.execute(
                    "INSERT OR IGNORE INTO refused "
                    "(idempotency_key, kind, occurred_at, body, reason_code, refused_at) "
                    "SELECT idempotency_key, kind, occurred_at, body, ?, ? FROM outbox "
                    "WHERE idempotency_key = ?",
                    (code, now, key),
                ).rowcount
                db.execute("DELETE FROM outbox WHERE idempotency_key = ?", (key,))
            for key in stored:
                counts[0] += db.execute(
                    "DELETE FROM outbox WHERE idempotency_key = ?", (key,)
                ).rowcount
            if turned_away:
                self._keep_newest_refused(db)

        self._in_transaction(work)
        return counts[0], counts[1]

    def _keep_newest_refused(self, db: sqlite3.Connection) -> None:
        (kept,) = db.execute("SELECT COUNT(*) FROM refused").fetchone()
        excess = int(kept) - self._max_refused
        if excess <= 0:
            return
        db.execute(
            "DELETE FROM refused WHERE seq IN (SELECT seq FROM refused ORDER BY seq LIMIT ?)",
            (excess,),
        )
        db.execute(
            "INSERT INTO counters (name, value) VALUES ('refused_dropped', ?) "
            "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            (excess,),
        )

    def refused(self, limit: int | None = None) -> list[RefusedEvent]:
        """Events kept aside after the server refused them, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT idempotency_key, kind, occurred_at, body, reason_code, refused_at "
                "FROM refused ORDER BY seq DESC LIMIT ?",
                (-1 if limit is None else limit,),
            ).fetchall()
        return [RefusedEvent(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) for r in rows]

    def refused_tally(self) -> RefusedTally:
        with self._lock:
            (kept,) = self._db.execute("SELECT COUNT(*) FROM refused").fetchone()
            dropped = self._db.execute(
                "SELECT value FROM counters WHERE name = 'refused_dropped'"
            ).fetchone()
        return RefusedTally(int(kept), int(dropped[0]) if dropped else 0)

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()
        return int(count)

    def upload(
        self, send: Uploader, *, batch_size: int = 100, max_batches: int | None = None
    ) -> int:
        """Send pending events in batches until none are left; returns how many were stored.

        ``send`` raising stops the upload and leaves everything in place. Refused events are
        moved aside, so they never hold up the ones behind them. A batch in which some event
        got no answer (neither acknowledged nor refused) stops the run, so that a stuck event
        cannot loop forever; the rest waits for the next upload.
        """
        removed = 0
        batches = 0
        while max_batches is None or batches < max_batches:
            batch = self.pending(batch_size)
            if not batch:
                break
            sent = {e.idempotency_key for e in batch}
            receipt = send(batch)
            acknowledged = {k for k in receipt.acknowledged if k in sent}
            refused = {k: c for k, c in receipt.refused.items() if k in sent}
            stored, _ = self.settle(acknowledged, refused)
            removed += stored
            batches += 1
            if len(acknowledged | refused.keys()) < len(batch):
                break
        return removed

    def close(self) -> None:
        with self._lock:
            self._db.close()
