from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from menwei.gate.errors import LocalStateError
from menwei.gate.local_state import Change, LocalState, create_device_key, load_device_key


def _state(tmp_path: Path) -> LocalState:
    return LocalState(tmp_path / "state.db", load_device_key(tmp_path / "keys" / "device.key"))


def _template(seed: int) -> bytes:
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return (vector / np.linalg.norm(vector)).tobytes()


def test_the_device_key_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "device.key"
    load_device_key(path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_device_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "device.key"
    create_device_key(path)
    path.chmod(0o644)
    with pytest.raises(LocalStateError, match="chmod 600"):
        load_device_key(path)


def test_an_existing_device_key_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "device.key"
    create_device_key(path)
    with pytest.raises(LocalStateError, match="never overwritten"):
        create_device_key(path)


def test_records_round_trip_and_the_cursor_moves_with_them(tmp_path: Path) -> None:
    state = _state(tmp_path)
    assert state.cursor is None
    state.apply([Change("template", "p1", 1, _template(1)), Change("card", "c1", 1, b"{}")], "7")
    assert state.cursor == "7"
    assert dict((rid, p) for _, rid, p in state.records("template")) == {"p1": _template(1)}
    assert state.count("card") == 1


def test_templates_are_not_stored_in_the_clear(tmp_path: Path) -> None:
    state = _state(tmp_path)
    template = _template(2)
    state.apply([Change("template", "p1", 1, template)], "1")
    state.close()
    raw = (tmp_path / "state.db").read_bytes()
    wal = tmp_path / "state.db-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert template[:16] not in raw
    assert template not in raw


def test_a_withdrawal_deletes_the_template(tmp_path: Path) -> None:
    state = _state(tmp_path)
    state.apply([Change("template", "p1", 1, _template(1))], "1")
    state.apply([Change("template", "p1", 2, None)], "2")
    assert list(state.records("template")) == []
    assert state.cursor == "2"


def test_an_older_change_replayed_does_not_roll_a_record_back(tmp_path: Path) -> None:
    state = _state(tmp_path)
    state.apply([Change("template", "p1", 3, _template(3))], "3")
    applied = state.apply([Change("template", "p1", 2, _template(2))], "3")
    assert applied == []
    assert next(state.records("template"))[2] == _template(3)


def test_state_opens_after_a_restart_with_the_same_key(tmp_path: Path) -> None:
    state = _state(tmp_path)
    state.apply([Change("policy", "door", 1, b'{"pulse": 3}')], "9")
    state.close()
    again = _state(tmp_path)
    assert again.cursor == "9"
    assert [p for _, _, p in again.records()] == [b'{"pulse": 3}']


def test_a_state_file_with_another_devices_key_does_not_open(tmp_path: Path) -> None:
    state = _state(tmp_path)
    state.apply([Change("template", "p1", 1, _template(1))], "1")
    state.close()
    stranger = LocalState(tmp_path / "state.db", load_device_key(tmp_path / "other.key"))
    with pytest.raises(LocalStateError, match="does not open"):
        list(stranger.records())


def test_a_row_moved_to_another_person_does_not_open(tmp_path: Path) -> None:
    state = _state(tmp_path)
    state.apply([Change("template", "p1", 1, _template(1))], "1")
    state.close()
    with sqlite3.connect(tmp_path / "state.db") as db:
        db.execute("UPDATE record SET record_id = 'p2'")
    with pytest.raises(LocalStateError):
        list(_state(tmp_path).records())
