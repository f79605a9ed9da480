"""The gate's local state: what it needs to decide while the server is unreachable.

One SQLite file holds every record the server sent for this device's doors (the door and its
policy, people, cards, PINs, QR keys, access groups, face credentials and face templates),
each one sealed under the **device key** with AES-256-GCM (the key ring of
``menwei.privacy.keys``), bound to its kind, id and version so a sealed row copied elsewhere
or rolled back does not open. The device key lives in its own file, mode 0600, never in the
database: a copied state file on its own opens nothing.

Records are opened only into memory, at start-up and when a sync applies changes; face
templates go straight into the in-memory gallery. A deletion (withdrawal, erasure, move-out)
removes the row in the same transaction that advances the sync cursor, and SQLite's
``secure_delete`` overwrites the freed bytes.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
import sqlite3
import stat
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from menwei.gate.errors import LocalStateError
from menwei.gate.sqlite_file import open_durable
from menwei.privacy.errors import PrivacyError, VaultError
from menwei.privacy.keys import KEY_BYTES, KekRing

SCHEMA = """
CREATE TABLE IF NOT EXISTS record (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (kind, record_id)
);
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

TEMPLATE = "template"


def _context(kind: str, record_id: str, version: int) -> bytes:
    return f"menwei/gate-record\x00{kind}\x00{record_id}\x00{version}".encode()


def create_device_key(path: Path) -> None:
    """Write a new random device key to ``path`` with mode 0600 (refuses to overwrite)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise LocalStateError(
            f"A device key already exists at {path}; it is never overwritten."
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def load_device_key(path: Path, *, create: bool = True) -> KekRing:
    """The device key ring from ``path`` (one base64 key per line, newest first).

    Created on first start when ``create``; refused when group or others may read it.
    """
    if not path.exists():
        if not create:
            raise LocalStateError(f"The device key file {path} is missing.")
        create_device_key(path)
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise LocalStateError(
                f"The device key file {path} can be read by others ({oct(mode & 0o777)}). "
                f"Run: chmod 600 {path}"
            )
        lines = [line.strip() for line in path.read_text(encoding="ascii").splitlines()]
        keys = [base64.b64decode(line, validate=True) for line in lines if line]
        return KekRing(keys)
    except (OSError, UnicodeDecodeError, binascii.Error, ValueError) as error:
        raise LocalStateError(
            f"The device key file {path} could not be read ({type(error).__name__}). Restore "
            "it from the installer's backup, or re-register the device."
        ) from None
    except PrivacyError as error:
        raise LocalStateError(
            f"The device key file {path} is invalid: {error.message_en}"
        ) from None


@dataclass(frozen=True)
class Change:
    """One record to store (``payload``) or drop (``payload is None``), as sync delivers it."""

    kind: str
    record_id: str
    version: int
    payload: bytes | None = field(default=None, repr=False)

    @property
    def is_deletion(self) -> bool:
        return self.payload is None


class LocalState:
    """Sealed records of one device, with the sync cursor they correspond to."""

    def __init__(self, path: Path, device_key: KekRing) -> None:
        self.path = path
        self._ring = device_key
        self._lock = threading.Lock()
        try:
            self._db = open_durable(path, "secure_delete=ON")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            raise LocalStateError(
                f"The local state {path} could not be opened ({error}). The gate can rebuild "
                "it from the server: move the file aside and restart."
            ) from None
        with contextlib.suppress(OSError):
            path.chmod(0o600)

    @property
    def cursor(self) -> str | None:
        """The server's change cursor this state is at; ``None`` before the first sync."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'cursor'").fetchone()
        return None if row is None else str(row[0])

    def apply(self, changes: Iterable[Change], cursor: str) -> list[Change]:
        """Store and drop records and move the cursor, all in one transaction.

        A change older than the stored version of the same record is skipped (returned
        changes are those applied), so replaying a sync page never rolls anything back.
        """
        applied: list[Change] = []
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                for change in changes:
                    row = self._db.execute(
                        "SELECT version FROM record WHERE kind = ? AND record_id = ?",
                        (change.kind, change.record_id),
                    ).fetchone()
                    if row is not None and row[0] > change.version:
                        continue
                    if change.payload is None:
                        self._db.execute(
                            "DELETE FROM record WHERE kind = ? AND record_id = ?",
                            (change.kind, change.record_id),
                        )
                    else:
                        sealed = self._ring.wrap(
                            change.payload,
                            _context(change.kind, change.record_id, change.version),
                        )
                        self._db.execute(
                            "INSERT OR REPLACE INTO record (kind, record_id, version, sealed) "
                            "VALUES (?, ?, ?, ?)",
                            (change.kind, change.record_id, change.version, sealed),
                        )
                    applied.append(change)
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('cursor', ?)", (cursor,)
                )
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise LocalStateError(
                    f"The local state {self.path} could not be updated ({error}). Check free "
                    "disk space; the next sync retries."
                ) from None
        return applied

    def records(self, kind: str | None = None) -> Iterator[tuple[str, str, bytes]]:
        """Open every record (of ``kind``) into memory: ``(kind, record_id, payload)``.

        A record that does not open (another device's key, tampering) raises
        ``LocalStateError``; the gate then asks the server for a full resync.
        """
        with self._lock:
            if kind is None:
                cursor = self._db.execute("SELECT kind, record_id, version, sealed FROM record")
            else:
                cursor = self._db.execute(
                    "SELECT kind, record_id, version, sealed FROM record WHERE kind = ?", (kind,)
                )
            rows = cursor.fetchall()
        for row_kind, record_id, version, sealed in rows:
            try:
                payload = self._ring.unwrap(sealed, _context(row_kind, record_id, version))
            except VaultError:
                raise LocalStateError(
                    f"A stored {row_kind} record does not open with this device's key. Move "
                    f"{self.path} aside and restart to fetch everything again."
                ) from None
            yield row_kind, record_id, payload

    def count(self, kind: str) -> int:
        with self._lock:
            (n,) = self._db.execute(
                "SELECT COUNT(*) FROM record WHERE kind = ?", (kind,)
            ).fetchone()
        return int(n)

    def close(self) -> None:
        with self._lock:
            self._db.close()
