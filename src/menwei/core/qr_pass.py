"""QR passes: a compact payload signed with the community's Ed25519 pass key.

A gate verifies a pass offline with its community's public verification keys: the payload
names the pass, its holder and issuer, the doors, the validity window and the number of uses.
Only the count of uses already made lives outside the pass (in the gate's state), because a
code can be copied. Gates hold public keys only, so a stolen gate cannot mint a pass, and a
gate of one community holds no key of another, so a pass for one community opens none of the
other's doors.

Wire form: ``MW1`` + RFC 4648 base32 without padding, all upper case, so the QR code can use
its dense alphanumeric mode. Payload (big-endian): version (2), key id, pass id, holder id,
issuer id, issuer kind, valid from, valid until (Unix seconds), max uses, door count, door ids;
then the 64-byte Ed25519 signature over all of it. Version 1 passes (signed with one shared
HMAC key for every community) are refused.
"""

from __future__ import annotations

import base64
import binascii
import struct
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

from menwei.core.credential import PassIssuer, QrPass, Validity
from menwei.core.errors import CoreError, InvalidCredential
from menwei.core.person import Person, Role
from menwei.core.reason import Reason

PREFIX = "MW1"
_VERSION = 2
_TAG_BYTES = 64


class PassSigner(Protocol):
    """A community's private pass key (an Ed25519 private key, held by the server only)."""

    def sign(self, data: bytes) -> bytes: ...


class PassVerifier(Protocol):
    """A community's public pass key, as a gate holds it; ``verify`` raises on a bad tag."""

    def verify(self, signature: bytes, data: bytes) -> None: ...


_MAX_DOORS = 32
_HEAD = struct.Struct(">BB16s16s16sBIIHB")
_ISSUERS = (PassIssuer.RESIDENT, PassIssuer.STAFF)


class QrPassRefused(CoreError):
    """A presented code is not a usable pass; ``reason`` says which rule refused it."""

    code = "qr_pass_refused"

    def __init__(self, reason: Reason) -> None:
        super().__init__(message_id=reason.message_id)
        self.reason = reason


def _seconds(moment: datetime) -> int:
    value = int(moment.timestamp())
    if not 0 <= value <= 0xFFFFFFFF:
        raise InvalidCredential(message_id="invalid_credential.qr_pass_time_outside")
    return value


def sign_qr_pass(qr_pass: QrPass, key: PassSigner, *, key_id: int = 0) -> str:
    """The text to put in the QR code for ``qr_pass``, signed with the community's private
    pass key ``key``, whose id in its community is ``key_id``."""
    if len(qr_pass.door_ids) > _MAX_DOORS:
        raise InvalidCredential(
            message_id="invalid_credential.qr_pass_too_many_doors", values={"max_doors": _MAX_DOORS}
        )
    if not 0 <= key_id <= 0xFF:
        raise InvalidCredential(message_id="invalid_credential.key_id_out_of_range")
    valid_until = qr_pass.validity.valid_until
    if valid_until is None:  # QrPass refuses this; kept for objects built around it
        raise InvalidCredential(message_id="invalid_credential.qr_pass_must_end")
    doors = sorted(qr_pass.door_ids, key=lambda d: d.bytes)
    payload = _HEAD.pack(
        _VERSION,
        key_id,
        qr_pass.id.bytes,
        qr_pass.holder_id.bytes,
        qr_pass.issued_by.bytes,
        _ISSUERS.index(qr_pass.issuer_kind),
        _seconds(qr_pass.validity.valid_from),
        _seconds(valid_until),
        qr_pass.max_uses,
        len(doors),
    ) + b"".join(d.bytes for d in doors)
    tag = key.sign(payload)
    if len(tag) != _TAG_BYTES:
        raise InvalidCredential(message_id="invalid_credential.qr_pass_must_signed")
    return PREFIX + base64.b32encode(payload + tag).decode("ascii").rstrip("=")


def read_qr_pass(token: str, keys: PassVerifier | Mapping[int, PassVerifier]) -> QrPass:
    """The pass inside ``token`` once its signature checks out against ``keys``: the public
    verification keys of this gate's community, by key id.

    Raises ``QrPassRefused`` with ``QR_MALFORMED`` for text that is not a pass at all and
    ``QR_TAMPERED`` for a pass whose signature does not match (changed, or signed with a key
    this gate does not hold). Time, door and uses are checked by ``qr_refusal``.
    """
    raw = _decode(token)
    if len(raw) < _HEAD.size + _TAG_BYTES:
        raise QrPassRefused(Reason.QR_MALFORMED)
    payload, tag = raw[:-_TAG_BYTES], raw[-_TAG_BYTES:]
    version, key_id = payload[0], payload[1]
    if version != _VERSION:
        raise QrPassRefused(Reason.QR_MALFORMED)
    key = keys.get(key_id) if isinstance(keys, Mapping) else keys
    if key is None:
        raise QrPassRefused(Reason.QR_TAMPERED)
    try:
        key.verify(tag, payload)
    except Exception:
        raise QrPassRefused(Reason.QR_TAMPERED) from None
    return _parse(payload)


def _decode(token: str) -> bytes:
    if not isinstance(token, str) or not token.startswith(PREFIX) or len(token) > 2048:
        raise QrPassRefused(Reason.QR_MALFORMED)
    body = token[len(PREFIX) :].strip().upper()
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        raise QrPassRefused(Reason.QR_MALFORMED) from None
    # One pass, one spelling: refuse codes that differ only in base32's unused trailing bits.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != body:
        raise QrPassRefused(Reason.QR_MALFORMED)
    return raw


def _parse(payload: bytes) -> QrPass:
    try:
        (_, _, pass_id, holder, issuer, issuer_kind, start, end, max_uses, n_doors) = (
            _HEAD.unpack_from(payload)
        )
        doors = payload[_HEAD.size :]
        if len(doors) != 16 * n_doors:
            raise ValueError("door list length")
        return QrPass(
            id=uuid.UUID(bytes=pass_id),
            holder_id=uuid.UUID(bytes=holder),
            issued_by=uuid.UUID(bytes=issuer),
            issuer_kind=_ISSUERS[issuer_kind],
            door_ids=frozenset(
                uuid.UUID(bytes=doors[i : i + 16]) for i in range(0, len(doors), 16)
            ),
            validity=Validity(
                valid_from=datetime.fromtimestamp(start, UTC),
                valid_until=datetime.fromtimestamp(end, UTC),
            ),
            max_uses=max_uses,
        )
    except (struct.error, ValueError, IndexError, CoreError):
        # A correctly signed payload that does not parse was signed by a broken issuer.
        raise QrPassRefused(Reason.QR_MALFORMED) from None


def qr_refusal(
    qr_pass: QrPass,
    *,
    door_id: uuid.UUID,
    at: datetime,
    uses_so_far: int = 0,
    revoked: bool = False,
) -> Reason | None:
    """Why ``qr_pass`` cannot open ``door_id`` at ``at``, or ``None`` when it can."""
    if revoked:
        return Reason.QR_REVOKED
    window = qr_pass.validity
    if at < window.valid_from:
        return Reason.QR_NOT_YET_VALID
    if window.valid_until is not None and at >= window.valid_until:
        return Reason.QR_EXPIRED
    if door_id not in qr_pass.door_ids:
        return Reason.QR_WRONG_DOOR
    if uses_so_far >= qr_pass.max_uses:
        return Reason.QR_USED_UP
    return None


def issue_qr_pass(
    *,
    pass_id: uuid.UUID,
    issuer: Person,
    holder_id: uuid.UUID,
    door_ids: frozenset[uuid.UUID],
    valid_from: datetime,
    valid_until: datetime,
    issuer_door_ids: frozenset[uuid.UUID],
    max_uses: int = 1,
    max_duration: timedelta = timedelta(days=7),
) -> QrPass:
    """A new pass from ``issuer``, refused if the issuer could not grant it.

    Only residents and staff issue passes, and only for doors they may open themselves
    (``issuer_door_ids``): a resident of building 1 cannot let a visitor into building 2.
    Passes are short-lived (``max_duration``) because a code can be forwarded.
    """
    if issuer.role is Role.VISITOR:
        raise InvalidCredential(message_id="invalid_credential.visitors_cannot_issue_qr")
    beyond = door_ids - issuer_door_ids
    if beyond:
        raise InvalidCredential(message_id="invalid_credential.qr_pass_door_not_yours")
    if valid_until - valid_from > max_duration:
        days = max_duration.total_seconds() / 86400
        raise InvalidCredential(
            message_id="invalid_credential.qr_pass_too_long", values={"days": days}
        )
    return QrPass(
        id=pass_id,
        holder_id=holder_id,
        issued_by=issuer.id,
        issuer_kind=PassIssuer.STAFF if issuer.role is Role.STAFF else PassIssuer.RESIDENT,
        door_ids=door_ids,
        validity=Validity(valid_from=valid_from, valid_until=valid_until),
        max_uses=max_uses,
    )
