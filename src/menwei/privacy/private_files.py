"""Files that hold personal data are readable by their owner only (mode 0600).

The server's SQLite database and the gate's outbox hold names, phone numbers, card numbers and
PIN hashes. SQLite creates a database file with the process's umask (usually 0644, readable by
every local user) and gives its ``-wal`` and ``-shm`` files the main file's mode, so creating
the main file 0600 before SQLite opens it keeps all three private. A file made by an older
version is tightened when it is next opened.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

OWNER_ONLY = 0o600
#: Files SQLite keeps beside a database in WAL mode, created with the database's own mode.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def owner_only(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it is missing, else narrow its mode to 0600.

    Never widens a mode, and never fails for a file the process cannot change (a read-only
    mount): SQLite's own error then says what is wrong.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
        return
    except FileExistsError:
        pass
    except OSError:
        return
    _narrow(path)


def owner_only_sqlite(path: Path) -> None:
    """``owner_only`` for a SQLite database and the side files it may already have."""
    owner_only(path)
    for suffix in SQLITE_SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            _narrow(side)


def _narrow(path: Path) -> None:
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode & 0o777
        if mode & ~OWNER_ONLY:
            path.chmod(mode & OWNER_ONLY)
