"""Templates are sealed under each person's own key, and erasing that key destroys them."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from menwei.privacy.errors import VaultError
from menwei.privacy.keys import ProcessorKeys
from menwei.privacy.keystore import FileKeyStore, MemoryKeyStore
from menwei.privacy.vault import SealedTemplate, Vault, sealed_at_of

NOW = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
TEMPLATE = os.urandom(512)  # the byte size of an SFace template (128 float32)


@pytest.fixture
def keys() -> ProcessorKeys:
    return ProcessorKeys.generate()


@pytest.fixture
def vault(keys) -> Vault:
    return Vault(keys.kek_ring, MemoryKeyStore())


def _seal(vault: Vault, person: str = "p1", version: int = 1, template: bytes = TEMPLATE):
    return vault.seal(
        community_id="c1", person_id=person, template_version=version, template=template, at=NOW
    )


def test_a_sealed_template_opens_to_the_same_bytes_and_hides_them(vault):
    sealed = _seal(vault)
    assert TEMPLATE not in sealed.ciphertext
    assert vault.unseal(sealed) == TEMPLATE
    assert sealed_at_of(sealed.ciphertext) == NOW


def test_two_people_get_different_data_keys(vault):
    _seal(vault, "p1")
    _seal(vault, "p2")
    store = vault._keys
    assert store.get_data_key("c1", "p1") != store.get_data_key("c1", "p2")


def test_a_ciphertext_moved_onto_another_persons_row_does_not_open(vault):
    mine = _seal(vault, "p1")
    _seal(vault, "p2")
    stolen = SealedTemplate("c1", "p2", 1, NOW, mine.ciphertext)
    with pytest.raises(VaultError):
        vault.unseal(stolen)


def test_an_old_template_version_cannot_be_replayed_as_a_newer_one(vault):
    old = _seal(vault, version=1)
    replayed = SealedTemplate("c1", "p1", 2, NOW, old.ciphertext)
    with pytest.raises(VaultError):
        vault.unseal(replayed)


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_any_flipped_byte_makes_the_template_unopenable(vault, position):
    sealed = _seal(vault)
    data = bytearray(sealed.ciphertext)
    data[position] ^= 0x01
    with pytest.raises(VaultError):
        vault.unseal(SealedTemplate("c1", "p1", 1, NOW, bytes(data)))


def test_every_failure_looks_the_same_to_the_caller(vault):
    sealed = _seal(vault)
    vault.shred("c1", "p1")
    with pytest.raises(VaultError) as shredded:
        vault.unseal(sealed)
    with pytest.raises(VaultError) as truncated:
        vault.unseal(SealedTemplate("c1", "p1", 1, NOW, sealed.ciphertext[:10]))
    assert str(shredded.value) == str(truncated.value)


def test_shredding_one_person_leaves_everyone_else_readable(vault):
    mine, theirs = _seal(vault, "p1"), _seal(vault, "p2")
    assert vault.shred("c1", "p1")
    assert not vault.has_key("c1", "p1")
    with pytest.raises(VaultError):
        vault.unseal(mine)
    assert vault.unseal(theirs) == TEMPLATE
    assert vault.unseal_many([mine, theirs]) == {"p2": TEMPLATE}


def test_a_vault_with_another_processors_kek_opens_nothing(vault):
    sealed = _seal(vault)
    stranger = Vault(ProcessorKeys.generate().kek_ring, vault._keys)
    with pytest.raises(VaultError):
        stranger.unseal(sealed)


def test_kek_rotation_rewraps_community_keys_so_the_old_kek_can_be_retired(keys):
    store = MemoryKeyStore()
    vault = Vault(keys.kek_ring, store)
    sealed = _seal(vault)
    rotated = keys.with_new_kek()
    assert vault.rotate_keks(rotated.kek_ring) == 1
    retired = Vault(rotated.retire_old_keks().kek_ring, store)
    assert retired.unseal(sealed) == TEMPLATE
    assert vault.rotate_keks(rotated.kek_ring) == 0  # already current
    with pytest.raises(VaultError):
        Vault(keys.kek_ring, store).unseal(sealed)


def test_community_key_rotation_keeps_every_template_readable(keys):
    store = MemoryKeyStore()
    vault = Vault(keys.kek_ring, store)
    sealed = [_seal(vault, f"p{i}") for i in range(5)]
    before = store.get_community_key("c1")
    assert vault.rotate_community_key("c1") == 5
    assert store.get_community_key("c1") != before
    fresh = Vault(keys.kek_ring, store)
    assert all(fresh.unseal(s) == TEMPLATE for s in sealed)


def test_the_file_key_store_keeps_keys_across_restarts(tmp_path, keys):
    path = tmp_path / "keys" / "vault-keys.sqlite3"
    with FileKeyStore(path) as store:
        sealed = _seal(Vault(keys.kek_ring, store))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with FileKeyStore(path) as store:
        assert Vault(keys.kek_ring, store).unseal(sealed) == TEMPLATE
        assert store.count_people() == 1


def test_a_shredded_data_key_leaves_no_copy_of_its_bytes_in_the_key_store_file(tmp_path, keys):
    path = tmp_path / "vault-keys.sqlite3"
    with FileKeyStore(path) as store:
        vault = Vault(keys.kek_ring, store)
        _seal(vault, "p1")
        _seal(vault, "p2")
        wrapped = store.get_data_key("c1", "p1")
        assert wrapped is not None and wrapped in path.read_bytes()
        vault.shred("c1", "p1")
    assert wrapped not in path.read_bytes()
    assert not list(tmp_path.glob("*-journal"))


def test_a_community_key_rotation_that_fails_half_way_changes_nothing(tmp_path, keys):
    with FileKeyStore(tmp_path / "vault-keys.sqlite3") as store:
        vault = Vault(keys.kek_ring, store)
        sealed = [_seal(vault, f"p{i}") for i in range(3)]
        store.put_data_key("c1", "p9", b"\x00" * 60)  # a damaged entry stops the rotation
        before = store.get_community_key("c1")
        with pytest.raises(VaultError):
            vault.rotate_community_key("c1")
        assert store.get_community_key("c1") == before
        fresh = Vault(keys.kek_ring, store)
        assert all(fresh.unseal(s) == TEMPLATE for s in sealed)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(template=st.binary(min_size=0, max_size=2048), data=st.data())
def test_any_template_round_trips_and_any_single_bit_flip_is_caught(vault, template, data):
    sealed = _seal(vault, template=template)
    assert vault.unseal(sealed) == template
    bit = data.draw(st.integers(min_value=0, max_value=len(sealed.ciphertext) * 8 - 1))
    damaged = bytearray(sealed.ciphertext)
    damaged[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(VaultError):
        vault.unseal(SealedTemplate("c1", "p1", 1, NOW, bytes(damaged)))


def test_a_rotation_by_another_process_is_noticed_at_once(tmp_path, keys):
    path = tmp_path / "vault-keys.sqlite3"
    with FileKeyStore(path) as store_a, FileKeyStore(path) as store_b:
        server, maintenance = Vault(keys.kek_ring, store_a), Vault(keys.kek_ring, store_b)
        first = _seal(server, "p1")  # the server now holds the community key in memory
        maintenance.rotate_community_key("c1")
        assert server.unseal(first) == TEMPLATE
        second = _seal(server, "p2")  # wrapped under the new key, not the cached old one
        assert server.unseal_many([first, second]) == {"p1": TEMPLATE, "p2": TEMPLATE}
    with FileKeyStore(path) as store:
        assert Vault(keys.kek_ring, store).unseal(second) == TEMPLATE


def test_a_template_relabelled_as_another_models_does_not_open(vault):
    sealed = vault.seal(
        community_id="c1",
        person_id="p1",
        template_version=1,
        template=TEMPLATE,
        at=NOW,
        model_id="site-model-1",
    )
    assert sealed.model_id == "site-model-1" and vault.unseal(sealed) == TEMPLATE
    for label in ("sface-2021dec", "site-model-2"):
        with pytest.raises(VaultError):
            vault.unseal(replace(sealed, model_id=label))


def test_a_template_sealed_before_models_were_named_opens_as_the_default_models(vault, keys):
    """Format 1 bound no model id: such a ciphertext is SFace's and nothing else's."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from menwei.privacy import vault as module

    sealed = _seal(vault)  # creates the person's data key
    key = vault._data_key("c1", "p1", create=False)
    header = module._HEADER.pack(1, int(NOW.timestamp()), 1)
    nonce = os.urandom(12)
    aad = b"menwei/template\x00c1\x00p1" + header  # what format 1 bound
    old = replace(sealed, ciphertext=header + nonce + AESGCM(key).encrypt(nonce, TEMPLATE, aad))
    assert old.model_id == module.DEFAULT_MODEL_ID and vault.unseal(old) == TEMPLATE
    with pytest.raises(VaultError):
        vault.unseal(replace(old, model_id="site-model-1"))
