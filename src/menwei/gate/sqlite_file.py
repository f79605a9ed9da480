"""The gate's local SQLite files: durable on power loss, shared by the threads of one process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from menwei.privacy.private_files import owner_only_sqlite


def open_durable(path: Path, *extra_pragmas: str) -> sqlite3.Connection:
    """Open ``path`` in WAL mode with every commit synced to disk; the folder is created.

    A door decision or a sync must survive a power cut at the gate, so commits are synced
    (``synchronous=FULL``). Connections run in autocommit mode (``isolation_level=None``): the
    callers open their own ``BEGIN IMMEDIATE`` transactions. Raises ``sqlite3.DatabaseError``
    for the caller to translate into its own message. The file and its WAL files are readable
    by their owner only: the outbox holds who passed which door, the state PIN hashes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    owner_only_sqlite(path)
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    for pragma in extra_pragmas:
        connection.execute(f"PRAGMA {pragma}")
    return connection
