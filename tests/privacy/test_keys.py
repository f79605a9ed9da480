"""The processor's keys live in a key file outside the database, readable by its owner only."""

from __future__ import annotations

import base64
import stat

import pytest

from menwei.privacy.errors import KeyFileError, VaultError
from menwei.privacy.keys import (
    KekRing,
    ProcessorKeys,
    load_processor_keys,
    read_key_file,
    write_key_file,
)


def test_first_run_creates_a_key_file_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "keys" / "master.key"
    keys = load_processor_keys(path, environ={})
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_processor_keys(path, environ={})
    assert again.keks == keys.keks
    assert again.subject_pepper == keys.subject_pepper
    assert again.public_key_pem() == keys.public_key_pem()


def test_a_key_file_others_can_read_is_refused(tmp_path):
    path = tmp_path / "master.key"
    write_key_file(path, ProcessorKeys.generate())
    path.chmod(0o644)
    with pytest.raises(KeyFileError) as refused:
        read_key_file(path)
    assert "chmod 600" in refused.value.message("en")


def test_a_damaged_key_file_gives_a_clear_error_not_a_traceback(tmp_path):
    path = tmp_path / "master.key"
    path.write_text("not json at all")
    path.chmod(0o600)
    with pytest.raises(KeyFileError) as refused:
        read_key_file(path)
    assert "backup" in refused.value.message("en")


def test_a_missing_key_file_is_not_silently_replaced_when_creation_is_off(tmp_path):
    with pytest.raises(KeyFileError):
        load_processor_keys(tmp_path / "absent.key", environ={}, create=False)
    assert not (tmp_path / "absent.key").exists()


def test_keys_can_come_from_the_environment_instead_of_a_file(tmp_path):
    made = ProcessorKeys.generate()
    raw = ProcessorKeys.from_json(made.to_json())
    env = {
        "MENWEI_KEK": base64.b64encode(raw.keks[0]).decode(),
        "MENWEI_SIGNING_KEY": __import__("json").loads(made.to_json())["signing_key"],
        "MENWEI_SUBJECT_PEPPER": base64.b64encode(made.subject_pepper).decode(),
    }
    keys = load_processor_keys(tmp_path / "never.key", environ=env)
    assert keys.keks == made.keks
    assert keys.public_key_pem() == made.public_key_pem()
    assert not (tmp_path / "never.key").exists()


def test_environment_keys_without_a_signing_key_are_refused(tmp_path):
    env = {"MENWEI_KEK": base64.b64encode(bytes(32)).decode()}
    with pytest.raises(KeyFileError) as refused:
        load_processor_keys(tmp_path / "k", environ=env)
    assert "MENWEI_SIGNING_KEY" in refused.value.message("en")


def test_a_ring_unwraps_with_an_older_kek_and_wraps_with_the_newest():
    old = ProcessorKeys.generate()
    rotated = old.with_new_kek()
    blob = old.kek_ring.wrap(b"secret", b"ctx")
    ring = rotated.kek_ring
    assert ring.unwrap(blob, b"ctx") == b"secret"
    assert not ring.is_current(blob)
    assert ring.is_current(ring.wrap(b"secret", b"ctx"))
    with pytest.raises(VaultError):
        rotated.retire_old_keks().kek_ring.unwrap(blob, b"ctx")


def test_a_wrapped_key_opens_only_in_its_own_context():
    ring = KekRing([bytes(range(32))])
    blob = ring.wrap(b"community key", b"community A")
    with pytest.raises(VaultError):
        ring.unwrap(blob, b"community B")


def test_a_kek_of_the_wrong_length_is_refused():
    with pytest.raises(KeyFileError):
        KekRing([b"short"])
