"""What a person holds to open a door: card, PIN, QR pass, face.

A person may hold several. Every credential has a validity window and may be revoked; the face
credential is only a reference to a template that the privacy vault holds encrypted — core
never sees a vector. PIN hashes are made and checked in ``menwei.core.pin``, QR passes are
signed and verified in ``menwei.core.qr_pass``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from menwei.core.errors import FaceNotAllowedForRole, InvalidConfiguration, InvalidCredential
from menwei.core.person import Person, Role
from menwei.core.reason import Reason


class CredentialKind(StrEnum):
    CARD = "card"  # IC / ID 卡
    PIN = "pin"  # 密码
    QR = "qr"  # 二维码通行证
    FACE = "face"  # 人脸


NON_FACE_KINDS = frozenset({CredentialKind.CARD, CredentialKind.PIN, CredentialKind.QR})


def require_aware(value: datetime | None, what: str) -> None:
    """Refuse naive datetimes: a gate and a server in different zones must agree on 'now'."""
    if value is not None and value.utcoffset() is None:
        raise InvalidConfiguration(
            message_id="invalid_configuration.naive_datetime", values={"what": what}
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Validity:
    """A window ``[valid_from, valid_until)`` and an optional revocation time."""

    valid_from: datetime
    valid_until: datetime | None = None
    revoked_at: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.valid_from, "valid_from")
        require_aware(self.valid_until, "valid_until")
        require_aware(self.revoked_at, "revoked_at")
        if self.valid_until is not None and self.valid_until <= self.valid_from:
            raise InvalidConfiguration(
                message_id="invalid_configuration.validity_ends_before_start"
            )

    def refusal_at(self, at: datetime) -> Reason | None:
        """Why the credential cannot be used at ``at``, or ``None`` when it can."""
        if self.revoked_at is not None and self.revoked_at <= at:
            return Reason.REVOKED
        if at < self.valid_from:
            return Reason.NOT_YET_VALID
        if self.valid_until is not None and at >= self.valid_until:
            return Reason.EXPIRED
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    """An IC/ID card: its UID as read by the reader, and the facility code some cards carry."""

    id: uuid.UUID
    person_id: uuid.UUID
    uid: str
    validity: Validity
    facility_code: int | None = None

    def __post_init__(self) -> None:
        if not self.uid or not self.uid.strip() or self.uid != normalise_card_uid(self.uid):
            raise InvalidCredential(message_id="invalid_credential.card_uid_malformed")

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.uid, self.facility_code)


def normalise_card_uid(raw: str) -> str:
    """Readers report the same card as ``04:a2:1b …`` or ``04A21B``; keep one spelling."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


@dataclass(frozen=True, slots=True, kw_only=True)
class PinCredential:
    """A PIN, stored only as a salted hash, with its failed-attempt counter and lockout."""

    id: uuid.UUID
    person_id: uuid.UUID
    pin_hash: str
    validity: Validity
    failed_attempts: int = 0
    locked_until: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.locked_until, "locked_until")
        if self.failed_attempts < 0:
            raise InvalidConfiguration(message_id="invalid_configuration.negative_failed_attempts")

    def is_locked(self, at: datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until


class PassIssuer(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"


@dataclass(frozen=True, slots=True, kw_only=True)
class QrPass:
    """A signed, time-limited pass for the doors it names; single use when ``max_uses`` is 1.

    Issued by a resident or by staff, usually to a visitor. A QR pass only opens doors: it is
    never a way to enrol a face.
    """

    id: uuid.UUID
    holder_id: uuid.UUID
    issued_by: uuid.UUID
    issuer_kind: PassIssuer
    door_ids: frozenset[uuid.UUID]
    validity: Validity
    max_uses: int = 1

    def __post_init__(self) -> None:
        if not self.door_ids:
            raise InvalidCredential(message_id="invalid_credential.qr_pass_must_name")
        if not 1 <= self.max_uses <= 0xFFFF:
            raise InvalidCredential(message_id="invalid_credential.qr_pass_must_allow")
        if self.validity.valid_until is None:
            raise InvalidCredential(message_id="invalid_credential.qr_pass_must_end")

    @property
    def single_use(self) -> bool:
        return self.max_uses == 1


@dataclass(frozen=True, slots=True, kw_only=True)
class FaceCredential:
    """A reference to the person's template in the privacy vault, and the consent behind it.

    ``consent_withdrawn_at`` is set the moment the person withdraws: from then on a face match
    never opens a door for them, even on a gate whose gallery still holds a stale template.
    """

    id: uuid.UUID
    person_id: uuid.UUID
    template_ref: str
    consent_id: uuid.UUID
    validity: Validity
    consent_withdrawn_at: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.consent_withdrawn_at, "consent_withdrawn_at")

    def consent_withdrawn(self, at: datetime) -> bool:
        return self.consent_withdrawn_at is not None and self.consent_withdrawn_at <= at


AnyCredential = Card | PinCredential | QrPass | FaceCredential


def holder_id(credential: AnyCredential) -> uuid.UUID:
    """Whose credential it is: a pass names its holder, every other kind its person."""
    return credential.holder_id if isinstance(credential, QrPass) else credential.person_id


def check_face_enrolment_allowed(person: Person) -> None:
    """Visitors come in on QR passes and are never face-enrolled; refuse before any capture."""
    if person.role is Role.VISITOR:
        raise FaceNotAllowedForRole()
