"""Where wrapped keys live: a small key store beside the key file, never in the main database.

The store holds two kinds of record, both useless without the key file:

- each community's key, wrapped by a key-encryption key (KEK);
- each person's data key, wrapped by their community's key.

Keeping the data keys here rather than in the database is what makes erasure hold against
database backups: a backup carries ciphertexts only, and once a person's data key is deleted from
this store no copy of it exists anywhere in usable form. The file store is SQLite with
``secure_delete`` on, so a deleted key's bytes are overwritten in the file rather than left in a
free page. ``MemoryKeyStore`` is the fake used in tests.

What remains outside menwei's reach: during the deleting transaction SQLite's rollback journal
briefly holds the page as it was, and the file system may keep that freed block until it is
reused. Put the key folder on an encrypted file system (as the key file itself should be) so
that such remnants are unreadable once the machine is off.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from menwei.privacy.errors import KeyFileError


class KeyStore(Protocol):
    """Wrapped community keys and wrapped per-person data keys."""

    def get_community_key(self, community_id: str) -> bytes | None: ...
    def put_community_key(self, community_id: str, wrapped: bytes) -> None: ...
    def community_ids(self) -> list[str]: ...
    def get_data_key(self, community_id: str, person_id: str) -> bytes | None: ...
    def put_data_key(self, community_id: str, person_id: str, wrapped: bytes) -> None: ...
    def delete_data_key(self, community_id: str, person_id: str) -> bool: ...
    def data_keys(self, community_id: str) -> Iterator[tuple[str, bytes]]: ...
    def count_people(self) -> int: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def close(self) -> None: ...


class MemoryKeyStore:
    """A key store in a dict: the fake for tests and for the demo."""

    def __init__(self) -> None:
        self._communities: dict[str, bytes] = {}
        self._data: dict[tuple[str, str], bytes] = {}

    def get_community_key(self, community_id: str) -> bytes | None:
        return self._communities.get(community_id)

    def put_community_key(self, community_id: str, wrapped: bytes) -> None:
        self._communities[community_id] = wrapped

    def community_ids(self) -> list[str]:
        return sorted(self._communities)

    def get_data_key(self, community_id: str, person_id: str) -> bytes | None:
        return self._data.get((community_id, person_id))

    def put_data_key(self, community_id: str, person_id: str, wrapped: bytes) -> None:
        self._data[(community_id, person_id)] = wrapped

    def delete_data_key(self, community_id: str, person_id: str) -> bool:
        return self._data.pop((community_id, person_id), None) is not None

    def data_keys(self, community_id: str) -> Iterator[tuple[str, bytes]]:
        for (community, person), wrapped in list(self._data.items()):
            if community == community_id:
                yield person, wrapped

    def count_people(self) -> int:
        return len(self._data)

    def close(self) -> None:
        """Nothing to release; present so the fake is a drop-in for the file store."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing, like the file store: restored on an exception."""
        saved = (dict(self._communities), dict(self._data))
        try:
            yield
        except BaseException:
            self._communities, self._data = saved
            raise


_SCHEMA = """
CREATE TABLE IF NOT EXISTS community_keys (
    community_id TEXT PRIMARY KEY,
    wrapped BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS data_keys (
    community_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    wrapped BLOB NOT NULL,
    PRIMARY KEY (community_id, person_id)
);
"""


class FileKeyStore:
    """The key store as a SQLite file (mode 0600) next to the key file.

    Deletes overwrite the freed bytes (``secure_delete``) and the rollback journal is kept in
    ``DELETE`` mode, not WAL, so no older copy of a page lingers in a log after a checkpoint.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.execute("PRAGMA journal_mode=DELETE")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise KeyFileError(
                message_id="key_file_error.cannot_open_key_store",
                values={"path": path, "error": error},
            ) from None

    def close(self) -> None:
        self._db.close()

    def _one(self, sql: str, args: tuple[str, ...]) -> bytes | None:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return None if row is None else bytes(row[0])

    def _write(self, sql: str, args: tuple[object, ...]) -> int:
        with self._lock:
            return self._db.execute(sql, args).rowcount

    def get_community_key(self, community_id: str) -> bytes | None:
        return self._one(
            "SELECT wrapped FROM community_keys WHERE community_id = ?", (community_id,)
        )

    def put_community_key(self, community_id: str, wrapped: bytes) -> None:
        self._write(
            "INSERT INTO community_keys (community_id, wrapped) VALUES (?, ?) "
            "ON CONFLICT (community_id) DO UPDATE SET wrapped = excluded.wrapped",
            (community_id, wrapped),
        )

    def community_ids(self) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT community_id FROM community_keys ORDER BY 1")
            return [r[0] for r in rows.fetchall()]

    def get_data_key(self, community_id: str, person_id: str) -> bytes | None:
        return self._one(
            "SELECT wrapped FROM data_keys WHERE community_id = ? AND person_id = ?",
            (community_id, person_id),
        )

    def put_data_key(self, community_id: str, person_id: str, wrapped: bytes) -> None:
        self._write(
            "INSERT INTO data_keys (community_id, person_id, wrapped) VALUES (?, ?, ?) "
            "ON CONFLICT (community_id, person_id) DO UPDATE SET wrapped = excluded.wrapped",
            (community_id, person_id, wrapped),
        )

    def delete_data_key(self, community_id: str, person_id: str) -> bool:
        return (
            self._write(
                "DELETE FROM data_keys WHERE community_id = ? AND person_id = ?",
                (community_id, person_id),
            )
            > 0
        )

    def data_keys(self, community_id: str) -> Iterator[tuple[str, bytes]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT person_id, wrapped FROM data_keys WHERE community_id = ?",
                (community_id,),
            ).fetchall()
        for person, wrapped in rows:
            yield person, bytes(wrapped)

    def count_people(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM data_keys").fetchone()[0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes as one durable step: a rotation never stops half-way on disk.

        Nested use joins the outer transaction, which alone commits or rolls back.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    def __enter__(self) -> FileKeyStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.close()


def key_store_path(key_file: Path) -> Path:
    """The key store sits beside the key file, in the same owner-only folder."""
    return key_file.with_name("vault-keys.sqlite3")
