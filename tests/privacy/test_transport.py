"""A template bundle sealed for one gate opens on that gate only, and shows any tampering."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from menwei.privacy.errors import VaultError
from menwei.privacy.transport import DeviceKeyPair, open_for_device, seal_for_device

AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TEMPLATES = {"p1": b"\x01" * 512, "p2": b"\x02" * 512}


@pytest.fixture
def north() -> DeviceKeyPair:
    return DeviceKeyPair.generate()


def test_the_device_it_was_sealed_for_opens_it(north):
    bundle = seal_for_device(north.public_key, TEMPLATES, device_id="north", at=AT)
    assert b"\x01" * 64 not in bundle
    assert open_for_device(north.private_key, bundle, device_id="north") == (AT, TEMPLATES)


def test_another_device_cannot_open_it(north):
    bundle = seal_for_device(north.public_key, TEMPLATES, device_id="north", at=AT)
    with pytest.raises(VaultError):
        open_for_device(DeviceKeyPair.generate().private_key, bundle, device_id="north")


def test_a_bundle_cannot_be_replayed_under_another_device_id(north):
    bundle = seal_for_device(north.public_key, TEMPLATES, device_id="north", at=AT)
    with pytest.raises(VaultError):
        open_for_device(north.private_key, bundle, device_id="east")


@pytest.mark.parametrize("position", [0, 3, 9, 30, 60, -1])
def test_any_changed_byte_is_caught(north, position):
    bundle = bytearray(seal_for_device(north.public_key, TEMPLATES, device_id="north", at=AT))
    bundle[position] ^= 0x80
    with pytest.raises(VaultError):
        open_for_device(north.private_key, bytes(bundle), device_id="north")


@pytest.mark.parametrize("garbage", [b"", b"\x01" * 10, b"\x00" * 200])
def test_garbage_is_refused_with_the_opaque_error(north, garbage):
    with pytest.raises(VaultError):
        open_for_device(north.private_key, garbage, device_id="north")


def test_a_malformed_public_key_is_refused():
    with pytest.raises(VaultError):
        seal_for_device(b"short", TEMPLATES, device_id="north", at=AT)
