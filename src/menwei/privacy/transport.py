"""Templates on their way to a gate: sealed to that one device's key, readable by nothing else.

A gate device holds an X25519 key pair made when it is enrolled; the server keeps only the
public half. ``seal_for_device`` encrypts a set of templates to that public key (an ephemeral
X25519 exchange, HKDF-SHA-256, then AES-256-GCM — all from ``cryptography``), bound to the
device id and the time of sealing, so a bundle meant for the north gate cannot be replayed to
the east gate, and an older bundle can be told from a newer one. ``open_for_device`` runs on
the gate. Any failure is the vault's one opaque ``VaultError``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from menwei.privacy.errors import VaultError
from menwei.privacy.keys import NONCE_BYTES

BUNDLE_VERSION = 1
_HEADER = struct.Struct(">Bq")  # version, sealed-at (unix seconds)
_PUBLIC_BYTES = 32


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class DeviceKeyPair:
    """A gate's key pair. The private half never leaves the device."""

    private_key: bytes
    public_key: bytes

    @classmethod
    def generate(cls) -> DeviceKeyPair:
        private = X25519PrivateKey.generate()
        raw = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return cls(raw, _raw_public(private.public_key()))


def _bundle_key(shared: bytes, device_id: str, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral + recipient,
        info=b"menwei/device-bundle/1\x00" + device_id.encode(),
    ).derive(shared)


def seal_for_device(
    public_key: bytes, templates: Mapping[str, bytes], *, device_id: str, at: datetime
) -> bytes:
    """``header ‖ ephemeral public key ‖ nonce ‖ AES-256-GCM(templates)`` for one device."""
    try:
        recipient = X25519PublicKey.from_public_bytes(public_key)
    except ValueError:
        raise VaultError from None
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    key = _bundle_key(ephemeral.exchange(recipient), device_id, ephemeral_public, public_key)
    header = _HEADER.pack(BUNDLE_VERSION, int(at.timestamp()))
    body = json.dumps(
        {person: base64.b64encode(t).decode("ascii") for person, t in sorted(templates.items())}
    ).encode()
    nonce = os.urandom(NONCE_BYTES)
    aad = header + device_id.encode()
    return header + ephemeral_public + nonce + AESGCM(key).encrypt(nonce, body, aad)


def open_for_device(
    private_key: bytes, bundle: bytes, *, device_id: str
) -> tuple[datetime, dict[str, bytes]]:
    """When the bundle was sealed, and its templates by person id; ``VaultError`` otherwise."""
    start = _HEADER.size
    if len(bundle) < start + _PUBLIC_BYTES + NONCE_BYTES + 16:
        raise VaultError
    version, seconds = _HEADER.unpack_from(bundle)
    if version != BUNDLE_VERSION:
        raise VaultError
    ephemeral_public = bundle[start : start + _PUBLIC_BYTES]
    nonce = bundle[start + _PUBLIC_BYTES : start + _PUBLIC_BYTES + NONCE_BYTES]
    try:
        private = X25519PrivateKey.from_private_bytes(private_key)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _bundle_key(shared, device_id, ephemeral_public, _raw_public(private.public_key()))
        body = AESGCM(key).decrypt(
            nonce,
            bundle[start + _PUBLIC_BYTES + NONCE_BYTES :],
            bundle[:start] + device_id.encode(),
        )
        entries = json.loads(body)
        templates = {person: base64.b64decode(t, validate=True) for person, t in entries.items()}
    except (InvalidTag, ValueError, binascii.Error, TypeError, AttributeError):
        raise VaultError from None
    return datetime.fromtimestamp(seconds, UTC), templates
