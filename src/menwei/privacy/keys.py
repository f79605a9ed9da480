"""The processor's secrets, kept outside the database: key-encryption keys, signing key, pepper.

They live in one key file (``MENWEI_KEY_FILE``; by default ``<data dir>/keys/master.key``),
created on first run with mode 0600 and refused later if anyone but the owner can read it. A
deployment that keeps secrets in its environment sets ``MENWEI_KEK`` (comma-separated base64
keys, newest first), ``MENWEI_SIGNING_KEY`` and ``MENWEI_SUBJECT_PEPPER`` instead. Nothing here
is ever written to the database, so a stolen database or backup holds no key that opens it.

- **KEKs** wrap community keys. Several may be listed: the first wraps, all unwrap, so a
  rotation re-wraps at leisure and the old key is dropped afterwards (like ``MultiFernet``).
- **Signing key** (Ed25519) signs deletion receipts and audit checkpoints, so residents and
  auditors can check them offline with only the public key.
- **Subject pepper** keys the hash of person ids in the audit log: without it an id cannot be
  recovered from its hash by trying every small number.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import secrets
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from menwei.privacy.errors import KeyFileError, VaultError

KEY_FILE_FORMAT = "menwei-keys/1"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID_BYTES = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise KeyFileError(message_id="key_file_error.not_base64", values={"what": what}) from None


def key_id(key: bytes) -> bytes:
    """A short, non-secret name for a key, so a wrapped blob says which KEK opens it."""
    return hashlib.sha256(b"menwei/key-id/" + key).digest()[:KEY_ID_BYTES]


class KekRing:
    """Key-encryption keys, newest first: wrap with the first, unwrap with whichever matches."""

    def __init__(self, keks: Sequence[bytes]) -> None:
        if not keks:
            raise KeyFileError(message_id="key_file_error.no_key_encryption_key")
        for kek in keks:
            if len(kek) != KEY_BYTES:
                raise KeyFileError(message_id="key_file_error.key_encryption_key_must")
        self.keks = tuple(keks)
        self._by_id = {key_id(k): AESGCM(k) for k in self.keks}
        self.active_id = key_id(self.keks[0])

    def wrap(self, secret: bytes, context: bytes) -> bytes:
        """``key id ‖ nonce ‖ AES-256-GCM(secret)``, bound to ``context`` as associated data."""
        nonce = os.urandom(NONCE_BYTES)
        return self.active_id + nonce + self._by_id[self.active_id].encrypt(nonce, secret, context)

    def unwrap(self, blob: bytes, context: bytes) -> bytes:
        """The secret inside ``blob``; ``VaultError`` for an unknown key or any tampering."""
        cipher = self._by_id.get(blob[:KEY_ID_BYTES])
        if cipher is None or len(blob) < KEY_ID_BYTES + NONCE_BYTES + 16:
            raise VaultError
        nonce = blob[KEY_ID_BYTES : KEY_ID_BYTES + NONCE_BYTES]
        try:
            return cipher.decrypt(nonce, blob[KEY_ID_BYTES + NONCE_BYTES :], context)
        except InvalidTag:
            raise VaultError from None

    def is_current(self, blob: bytes) -> bool:
        """Whether ``blob`` is already wrapped by the newest KEK."""
        return blob[:KEY_ID_BYTES] == self.active_id


@dataclass(frozen=True)
class ProcessorKeys:
    """Everything secret the processor holds outside the database."""

    keks: tuple[bytes, ...]
    signing_key: Ed25519PrivateKey
    subject_pepper: bytes

    @property
    def kek_ring(self) -> KekRing:
        return KekRing(self.keks)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.signing_key.public_key()

    def public_key_pem(self) -> str:
        """The signing key's public half, to publish so receipts can be checked offline."""
        return (
            self.public_key.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
            .strip()
        )

    def with_new_kek(self) -> ProcessorKeys:
        """A copy with a fresh KEK in front; the old ones still unwrap until they are retired."""
        return ProcessorKeys(
            (secrets.token_bytes(KEY_BYTES), *self.keks), self.signing_key, self.subject_pepper
        )

    def retire_old_keks(self) -> ProcessorKeys:
        """A copy with only the newest KEK, once everything is re-wrapped under it."""
        return ProcessorKeys(self.keks[:1], self.signing_key, self.subject_pepper)

    @classmethod
    def generate(cls) -> ProcessorKeys:
        return cls(
            (secrets.token_bytes(KEY_BYTES),),
            Ed25519PrivateKey.generate(),
            secrets.token_bytes(KEY_BYTES),
        )

    def to_json(self) -> str:
        raw_signing = self.signing_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return json.dumps(
            {
                "format": KEY_FILE_FORMAT,
                "keks": [_b64(k) for k in self.keks],
                "signing_key": _b64(raw_signing),
                "subject_pepper": _b64(self.subject_pepper),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> ProcessorKeys:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict) or data.get("format") != KEY_FILE_FORMAT:
            raise KeyFileError(message_id="key_file_error.key_file_not_expected")
        try:
            keks = tuple(_unb64(k, "KEK") for k in data["keks"])
            signing = _unb64(data["signing_key"], "signing key")
            pepper = _unb64(data["subject_pepper"], "subject pepper")
        except (KeyError, TypeError):
            raise KeyFileError(message_id="key_file_error.key_file_lacks_required") from None
        return cls(KekRing(keks).keks, _signing_key(signing), pepper)


def _signing_key(raw: bytes) -> Ed25519PrivateKey:
    if len(raw) != KEY_BYTES:
        raise KeyFileError(message_id="key_file_error.signing_key_must_byte")
    return Ed25519PrivateKey.from_private_bytes(raw)


def write_key_file(path: Path, keys: ProcessorKeys) -> None:
    """Replace the key file atomically, readable by the owner only (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(keys.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o600)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def read_key_file(path: Path) -> ProcessorKeys:
    """The keys in ``path``; refused when group or others could read it."""
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(
                message_id="key_file_error.key_file_readable_by_others",
                values={"path": path, "mode": oct(mode & 0o777)},
            )
        return ProcessorKeys.from_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise KeyFileError(
            message_id="key_file_error.cannot_read_key_file",
            values={"path": path, "error_strerror": error.strerror},
        ) from None


def load_processor_keys(
    key_file: Path, environ: Mapping[str, str] | None = None, *, create: bool = True
) -> ProcessorKeys:
    """Keys from the environment when ``MENWEI_KEK`` is set, else from the key file.

    On first run (no file yet, ``create`` true) a fresh key file is written with mode 0600.
    """
    env = os.environ if environ is None else environ
    if env.get("MENWEI_KEK"):
        keks = tuple(_unb64(k.strip(), "MENWEI_KEK") for k in env["MENWEI_KEK"].split(","))
        missing = [n for n in ("MENWEI_SIGNING_KEY", "MENWEI_SUBJECT_PEPPER") if not env.get(n)]
        if missing:
            raise KeyFileError(
                message_id="key_file_error.kek_settings_incomplete",
                values={"missing": ", ".join(missing)},
            )
        return ProcessorKeys(
            KekRing(keks).keks,
            _signing_key(_unb64(env["MENWEI_SIGNING_KEY"], "MENWEI_SIGNING_KEY")),
            _unb64(env["MENWEI_SUBJECT_PEPPER"], "MENWEI_SUBJECT_PEPPER"),
        )
    if not key_file.exists():
        if not create:
            raise KeyFileError(
                message_id="key_file_error.key_file_missing", values={"key_file": key_file}
            )
        keys = ProcessorKeys.generate()
        write_key_file(key_file, keys)
        return keys
    return read_key_file(key_file)


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM text, for offline checks."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(message_id="key_file_error.public_key_file_not")
    return key
