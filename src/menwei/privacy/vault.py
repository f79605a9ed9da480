"""The template vault: envelope encryption over ``cryptography``, with crypto-shredding.

A recipe, not a cipher of our own: every primitive is AES-256-GCM from ``cryptography``.

Three layers of keys::

    key file (outside the DB)        key store (beside the key file)       database
    KEK ──wraps──► community key ──wraps──► person's data key ──encrypts──► template ciphertext

- Each person has their own 256-bit data key. A template is sealed under it with associated
  data that binds the community, the person, the template version and the id of the
  recognition model that made it, so a ciphertext copied onto another person's row, an old
  version replayed, or a template relabelled as another model's, fails to open.
- The person's data key is wrapped by the community key; the community key by the KEK.
- **Why erasure survives a database backup.** The database holds ciphertexts only. The wrapped
  data keys sit in the key store, a separate file beside the key file, never in the database.
  Erasure (``shred``) deletes the person's wrapped data key from that store (SQLite with
  ``secure_delete``, so its bytes are overwritten). Restoring any database backup afterwards
  brings back the ciphertext but no key that opens it: the data key existed in exactly one place
  and is gone. Other people's templates in the same backup still open, because their keys are
  untouched. The key store is backed up with the key file, not with the database; an old copy
  of it must be destroyed, not restored, and ``menwei keys`` says so.
- **Rotation.** ``rotate_keks`` re-wraps every community key under the newest KEK so the old KEK
  can be retired; ``rotate_community_key`` re-wraps the data keys of one community under a fresh
  community key. Neither touches a ciphertext.

Every failure to open — unknown key, shredded key, tampered ciphertext, wrong person — raises the
same opaque ``VaultError``.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from menwei.privacy.errors import VaultError
from menwei.privacy.keys import KEY_BYTES, NONCE_BYTES, KekRing
from menwei.privacy.keystore import KeyStore

FORMAT_VERSION = 2
"""2 binds the recognition model's id; 1 (before models were named) opens as the default's."""
_FORMATS = frozenset({1, 2})
DEFAULT_MODEL_ID = "sface-2021dec"
"""The id of the recognition model templates were made with before models were named (SFace
2021dec); the face engine's built-in manifest names the same id."""
_HEADER = struct.Struct(">BqI")  # format, sealed-at (unix seconds), template version


def _aad_community(community_id: str) -> bytes:
    return b"menwei/community-key\x00" + community_id.encode()


def _aad_data_key(community_id: str, person_id: str) -> bytes:
    return b"menwei/data-key\x00" + community_id.encode() + b"\x00" + person_id.encode()


def _aad_template(community_id: str, person_id: str, header: bytes, model_id: str) -> bytes:
    aad = b"menwei/template\x00" + community_id.encode() + b"\x00" + person_id.encode() + header
    if header[0] >= 2:
        aad += b"\x00" + model_id.encode()
    return aad


@dataclass(frozen=True)
class SealedTemplate:
    """A template ciphertext and what it is bound to. Safe to store in the database."""

    community_id: str
    person_id: str
    template_version: int
    sealed_at: datetime
    ciphertext: bytes
    #: the recognition model that made the template: templates of different models never meet
    model_id: str = DEFAULT_MODEL_ID


def sealed_at_of(ciphertext: bytes) -> datetime:
    """When a ciphertext was sealed, from its authenticated header (no key needed)."""
    if len(ciphertext) < _HEADER.size:
        raise VaultError
    _fmt, seconds, _version = _HEADER.unpack_from(ciphertext)
    return datetime.fromtimestamp(seconds, UTC)


class Vault:
    """Seal, unseal and shred templates; rotate keys. Holds unwrapped community keys in memory."""

    def __init__(
        self, keks: KekRing, keys: KeyStore, *, reload_keks: Callable[[], KekRing] | None = None
    ) -> None:
        self._keks = keks
        # Re-reads the KEKs when a community key names one this process has never seen: after
        # ``menwei keys rotate`` in another process, a running server keeps working.
        self._reload_keks = reload_keks
        self._keys = keys
        self._community_ciphers: dict[str, tuple[bytes, AESGCM]] = {}

    # community keys -------------------------------------------------------------------------

    def _community_cipher(self, community_id: str, *, create: bool) -> AESGCM:
        """The community key, unwrapped once and reused while the stored one is unchanged.

        The wrapped key is read from the store every time (one indexed lookup), so a rotation
        by another process is noticed at once instead of wrapping new keys under a dead one.
        """
        wrapped = self._keys.get_community_key(community_id)
        if wrapped is None:
            if not create:
                raise VaultError
            key = AESGCM.generate_key(bit_length=256)
            wrapped = self._keks.wrap(key, _aad_community(community_id))
            self._keys.put_community_key(community_id, wrapped)
            cipher = AESGCM(key)
        else:
            cached = self._community_ciphers.get(community_id)
            if cached is not None and cached[0] == wrapped:
                return cached[1]
            cipher = AESGCM(self._unwrap_community_key(community_id, wrapped))
        self._community_ciphers[community_id] = (wrapped, cipher)
        return cipher

    def use_keks(self, keks: KekRing) -> None:
        """Switch to another set of KEKs, e.g. once the old one is retired after a rotation."""
        self._keks = keks

    def _unwrap_community_key(self, community_id: str, wrapped: bytes) -> bytes:
        try:
            return self._keks.unwrap(wrapped, _aad_community(community_id))
        except VaultError:
            if self._reload_keks is None:
                raise
            self._keks = self._reload_keks()
            return self._keks.unwrap(wrapped, _aad_community(community_id))

    # data keys ------------------------------------------------------------------------------

    def _data_key(self, community_id: str, person_id: str, *, create: bool) -> bytes:
        community = self._community_cipher(community_id, create=create)
        aad = _aad_data_key(community_id, person_id)
        wrapped = self._keys.get_data_key(community_id, person_id)
        if wrapped is None:
            if not create:
                raise VaultError
            key = AESGCM.generate_key(bit_length=256)
            nonce = os.urandom(NONCE_BYTES)
            self._keys.put_data_key(
                community_id, person_id, nonce + community.encrypt(nonce, key, aad)
            )
            return key
        return _open(community, wrapped, aad)

    def has_key(self, community_id: str, person_id: str) -> bool:
        """Whether a data key exists for the person (false after erasure)."""
        return self._keys.get_data_key(community_id, str(person_id)) is not None

    # templates ------------------------------------------------------------------------------

    def seal(
        self,
        *,
        community_id: str,
        person_id: str,
        template_version: int,
        template: bytes,
        at: datetime,
        model_id: str = DEFAULT_MODEL_ID,
    ) -> SealedTemplate:
        """Encrypt ``template`` under the person's data key (created on first use).

        ``model_id`` names the recognition model that made it; it is bound to the ciphertext.
        """
        community_id, person_id = str(community_id), str(person_id)
        with self._keys.transaction():  # read the community key and write the data key at once
            key = self._data_key(community_id, person_id, create=True)
        header = _HEADER.pack(FORMAT_VERSION, int(at.timestamp()), template_version)
        nonce = os.urandom(NONCE_BYTES)
        aad = _aad_template(community_id, person_id, header, model_id)
        body = AESGCM(key).encrypt(nonce, template, aad)
        return SealedTemplate(
            community_id, person_id, template_version, at, header + nonce + body, model_id
        )

    def unseal(self, sealed: SealedTemplate) -> bytes:
        """The plaintext template, or ``VaultError`` (erased, tampered, or not this person's)."""
        key = self._data_key(sealed.community_id, sealed.person_id, create=False)
        return _open_template(key, sealed)

    def unseal_many(self, sealed: Iterable[SealedTemplate]) -> dict[str, bytes]:
        """Plaintexts by person id, skipping any that cannot be opened (erased or damaged).

        This is what a gate does at start: one key-store read and one community-key unwrap per
        community, then two AES-GCM operations per person.
        """
        out: dict[str, bytes] = {}
        communities: dict[str, tuple[AESGCM | None, dict[str, bytes]]] = {}
        for item in sealed:
            community = communities.get(item.community_id)
            if community is None:  # one consistent key-store read per community
                with self._keys.transaction():
                    try:
                        cipher: AESGCM | None = self._community_cipher(
                            item.community_id, create=False
                        )
                    except VaultError:
                        cipher = None
                    community = (cipher, dict(self._keys.data_keys(item.community_id)))
                communities[item.community_id] = community
            cipher, wrapped_keys = community
            wrapped = wrapped_keys.get(item.person_id)
            if cipher is None or wrapped is None:
                continue
            try:
                key = _open(cipher, wrapped, _aad_data_key(item.community_id, item.person_id))
                out[item.person_id] = _open_template(key, item)
            except VaultError:
                continue
        return out

    def shred(self, community_id: str, person_id: str) -> bool:
        """Destroy the person's data key; every copy of their template becomes noise."""
        return self._keys.delete_data_key(str(community_id), str(person_id))

    # rotation -------------------------------------------------------------------------------

    def rotate_keks(self, new_keks: KekRing) -> int:
        """Re-wrap every community key under ``new_keks``'s newest KEK; returns how many.

        ``new_keks`` must still hold the old KEK (it unwraps); afterwards the old one can go.
        """
        count = 0
        with self._keys.transaction():
            for community_id in self._keys.community_ids():
                wrapped = self._keys.get_community_key(community_id)
                if wrapped is None or new_keks.is_current(wrapped):
                    continue
                key = new_keks.unwrap(wrapped, _aad_community(community_id))
                self._keys.put_community_key(
                    community_id, new_keks.wrap(key, _aad_community(community_id))
                )
                count += 1
        self._keks = new_keks
        return count

    def rotate_community_key(self, community_id: str) -> int:
        """A fresh community key; every data key of the community re-wrapped under it."""
        community_id = str(community_id)
        new_key = AESGCM.generate_key(bit_length=256)
        new = AESGCM(new_key)
        count = 0
        with self._keys.transaction():
            old = self._community_cipher(community_id, create=True)
            for person_id, wrapped in list(self._keys.data_keys(community_id)):
                aad = _aad_data_key(community_id, person_id)
                key = _open(old, wrapped, aad)
                nonce = os.urandom(NONCE_BYTES)
                self._keys.put_data_key(
                    community_id, person_id, nonce + new.encrypt(nonce, key, aad)
                )
                count += 1
            wrapped_new = self._keks.wrap(new_key, _aad_community(community_id))
            self._keys.put_community_key(community_id, wrapped_new)
        self._community_ciphers[community_id] = (wrapped_new, new)
        return count


def _open(cipher: AESGCM, blob: bytes, aad: bytes) -> bytes:
    try:
        key = cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise VaultError from None
    if len(key) != KEY_BYTES:
        raise VaultError
    return key


def _open_template(key: bytes, sealed: SealedTemplate) -> bytes:
    blob = sealed.ciphertext
    size = _HEADER.size
    if len(blob) < size + NONCE_BYTES + 16:
        raise VaultError
    header = blob[:size]
    fmt, _seconds, version = _HEADER.unpack(header)
    if fmt not in _FORMATS or version != sealed.template_version:
        raise VaultError
    if fmt == 1 and sealed.model_id != DEFAULT_MODEL_ID:
        raise VaultError
    nonce = blob[size : size + NONCE_BYTES]
    aad = _aad_template(sealed.community_id, sealed.person_id, header, sealed.model_id)
    try:
        return AESGCM(key).decrypt(nonce, blob[size + NONCE_BYTES :], aad)
    except InvalidTag:
        raise VaultError from None
