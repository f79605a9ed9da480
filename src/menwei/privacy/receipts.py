"""Deletion receipts: signed, offline-checkable proof that a person's face data was erased.

A receipt names what was deleted (the template versions, the destroyed data key, the devices
told to drop their copy), when, why, and who the person is — as a salted SHA-256 of their id,
with the salt in the receipt. The person, who knows their own id, can recompute the hash; anyone
else learns nothing and cannot link two receipts of the same person. The processor signs the
canonical JSON with its Ed25519 key; ``verify_receipt`` needs only the public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from menwei.privacy.canonical import canonical_json
from menwei.privacy.errors import InvalidReceipt, KeyFileError
from menwei.privacy.keys import load_public_key
from menwei.text import Message

RECEIPT_FORMAT = "menwei-deletion-receipt/1"
MAX_RECEIPT_BYTES = 64 * 1024


def hash_person_id(person_id: object, salt: bytes) -> str:
    """SHA-256 of ``salt ‖ person id``: what the receipt shows instead of the id."""
    return hashlib.sha256(salt + str(person_id).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class DeletionReceipt:
    """A signed deletion receipt as a typed value: what the services hand back and keep.

    ``document()`` is the signed JSON the person downloads (``menwei receipt verify`` checks it);
    ``from_document`` reads one back. The signature covers the document, not this object, so a
    receipt read back from storage and written out again is byte for byte the one issued.
    """

    receipt_id: uuid.UUID
    processor: str
    community_id: str
    #: the person, as a salted SHA-256 of their id, with the salt (base64)
    subject_salt: str
    subject_sha256: str
    face_template_versions: tuple[int, ...]
    devices_told_to_delete: tuple[str, ...]
    reason: str
    deleted_at: datetime
    issued_at: datetime
    public_key: str
    signature: str
    personal_data_key: str = "destroyed"
    format: str = RECEIPT_FORMAT

    @property
    def key_destroyed(self) -> bool:
        return self.personal_data_key == "destroyed"

    def document(self) -> dict[str, Any]:
        """The signed JSON form, exactly as issued."""
        return {
            "format": self.format,
            "receipt_id": str(self.receipt_id),
            "processor": self.processor,
            "community_id": self.community_id,
            "subject": {"salt": self.subject_salt, "sha256": self.subject_sha256},
            "deleted": {
                "face_template_versions": list(self.face_template_versions),
                "personal_data_key": self.personal_data_key,
                "devices_told_to_delete": list(self.devices_told_to_delete),
            },
            "reason": self.reason,
            "deleted_at": self.deleted_at.isoformat(),
            "issued_at": self.issued_at.isoformat(),
            "public_key": self.public_key,
            "signature": self.signature,
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> DeletionReceipt:
        """A receipt read from its signed JSON form (``InvalidReceipt`` when it is not one)."""
        try:
            subject, deleted = document["subject"], document["deleted"]
            return cls(
                receipt_id=uuid.UUID(str(document["receipt_id"])),
                processor=str(document["processor"]),
                community_id=str(document["community_id"]),
                subject_salt=str(subject["salt"]),
                subject_sha256=str(subject["sha256"]),
                face_template_versions=tuple(int(v) for v in deleted["face_template_versions"]),
                devices_told_to_delete=tuple(str(d) for d in deleted["devices_told_to_delete"]),
                personal_data_key=str(deleted["personal_data_key"]),
                reason=str(document["reason"]),
                deleted_at=datetime.fromisoformat(str(document["deleted_at"])),
                issued_at=datetime.fromisoformat(str(document["issued_at"])),
                public_key=str(document["public_key"]),
                signature=str(document["signature"]),
                format=str(document["format"]),
            )
        except (KeyError, TypeError, ValueError):
            raise _refuse("invalid_receipt.lacks_parts") from None


def issue_receipt(
    *,
    signing_key: Ed25519PrivateKey,
    processor: str,
    community_id: object,
    person_id: object,
    template_versions: Sequence[int],
    devices_told: Sequence[str],
    reason: str,
    deleted_at: datetime,
    issued_at: datetime,
) -> dict[str, Any]:
    """A signed receipt as a JSON-ready dict (give it to the person; keep a copy)."""
    salt = secrets.token_bytes(16)
    public_pem = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    body: dict[str, Any] = {
        "format": RECEIPT_FORMAT,
        "receipt_id": str(uuid.uuid4()),
        "processor": processor,
        "community_id": str(community_id),
        "subject": {
            "salt": base64.b64encode(salt).decode("ascii"),
            "sha256": hash_person_id(person_id, salt),
        },
        "deleted": {
            "face_template_versions": sorted(int(v) for v in template_versions),
            "personal_data_key": "destroyed",
            "devices_told_to_delete": sorted(str(d) for d in devices_told),
        },
        "reason": reason,
        "deleted_at": deleted_at.astimezone(UTC).isoformat(),
        "issued_at": issued_at.astimezone(UTC).isoformat(),
        "public_key": public_pem.decode("ascii"),
    }
    body["signature"] = base64.b64encode(signing_key.sign(canonical_json(body))).decode()
    return body


def _refuse(message_id: str) -> InvalidReceipt:
    return InvalidReceipt(values={"reason": Message(message_id)})


def parse_receipt(text: str | bytes) -> dict[str, Any]:
    """The receipt as a dict, or ``InvalidReceipt`` when it is not a receipt at all."""
    if len(text) > MAX_RECEIPT_BYTES:
        raise _refuse("invalid_receipt.file_far_too_large")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _refuse("invalid_receipt.not_json_file") from None
    if not isinstance(data, dict) or data.get("format") != RECEIPT_FORMAT:
        raise _refuse("invalid_receipt.not_menwei_deletion_receipt")
    return data


def verify_receipt(
    receipt: dict[str, Any], public_key: Ed25519PublicKey | None = None
) -> dict[str, Any]:
    """Check the signature; return the receipt. ``InvalidReceipt`` on any alteration.

    With ``public_key`` (the processor's published key) the receipt is checked against it;
    without, against the key inside the receipt, which proves integrity but not who signed.
    """
    body = {k: v for k, v in receipt.items() if k != "signature"}
    try:
        signature = base64.b64decode(str(receipt["signature"]), validate=True)
        embedded = load_public_key(str(receipt["public_key"]).encode("ascii"))
    except (KeyError, binascii.Error, ValueError, UnicodeEncodeError):
        raise _refuse("invalid_receipt.signature_public_key_missing") from None
    except KeyFileError:
        raise _refuse("invalid_receipt.embedded_public_key_damaged") from None
    key = public_key or embedded
    if public_key is not None and _raw(public_key) != _raw(embedded):
        raise _refuse("invalid_receipt.not_issued_processor_s")
    try:
        key.verify(signature, canonical_json(body))
    except InvalidSignature:
        raise _refuse("invalid_receipt.content_changed_after_signed") from None
    return receipt


def receipt_names(receipt: dict[str, Any], person_id: object) -> bool:
    """Whether the receipt is about ``person_id`` (the person checks it with their own id)."""
    subject = receipt.get("subject", {})
    try:
        salt = base64.b64decode(subject["salt"], validate=True)
    except (KeyError, binascii.Error, TypeError):
        return False
    return hmac.compare_digest(hash_person_id(person_id, salt), str(subject.get("sha256")))


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, first 128 bits in groups of four hex digits: printed on
    the community's public page and the paper receipt, so a resident can check a receipt
    against something that did not come in the same file."""
    digest = hashlib.sha256(_raw(key)).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def same_fingerprint(given: str, key: Ed25519PublicKey) -> bool:
    """Whether ``given`` (as typed: any case, with or without separators) names ``key``."""
    typed = "".join(ch for ch in given.lower() if ch in "0123456789abcdef")
    expected = key_fingerprint(key).replace(":", "")
    return len(typed) >= 16 and expected.startswith(typed)


def embedded_key(receipt: dict[str, Any]) -> Ed25519PublicKey:
    """The public key a receipt carries (check the receipt first with ``verify_receipt``)."""
    return load_public_key(str(receipt["public_key"]).encode("ascii"))
