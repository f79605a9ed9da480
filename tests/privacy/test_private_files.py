"""Files that hold personal data are created readable by their owner only, WAL files included."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from menwei.gate.outbox import Outbox
from menwei.store.engine import make_engine


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in sorted(folder.iterdir())}


@pytest.fixture
def open_umask():  # type: ignore[no-untyped-def]
    """The common umask 022, under which SQLite's own files come out 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_server_database_and_its_wal_files_are_owner_only(tmp_path: Path, open_umask) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'menwei.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE people (name TEXT)"))
            connection.execute(sa.text("INSERT INTO people VALUES ('李娜')"))
        modes = _modes(tmp_path / "data")
    finally:
        engine.dispose()
    assert set(modes) == {"menwei.db", "menwei.db-wal", "menwei.db-shm"}
    assert modes == dict.fromkeys(modes, 0o600)


def test_a_database_made_readable_to_all_is_narrowed_when_next_opened(
    tmp_path: Path, open_umask
) -> None:
    path = tmp_path / "menwei.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_gate_outbox_and_its_wal_files_are_owner_only(tmp_path: Path, open_umask) -> None:
    outbox = Outbox(tmp_path / "gate" / "outbox.sqlite3")
    outbox.add("passage", {"card": "0012345678", "name": "李娜"})
    modes = _modes(tmp_path / "gate")
    assert "outbox.sqlite3-wal" in modes
    assert modes == dict.fromkeys(modes, 0o600)
