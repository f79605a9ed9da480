"""The bodies of the records a gate pulls, one frozen type per kind.

Each field is already in the form the gate reads (ids and times as strings, sorted lists), in
the order the gate's records list them; ``wire`` turns one into the JSON object of the sync API
(``menwei.gate.records`` parses it). A body carries only what a gate shows and decides with:
no phone, no date of birth, never a face vector (templates travel sealed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from menwei.core import AccessGroup, Card, FaceCredential, Person, PinCredential, QrPass, Validity


def when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True, slots=True)
class ValidityBody:
    valid_from: str | None
    valid_until: str | None
    revoked_at: str | None

    @classmethod
    def of(cls, validity: Validity) -> ValidityBody:
        return cls(when(validity.valid_from), when(validity.valid_until), when(validity.revoked_at))


@dataclass(frozen=True, slots=True)
class DoorBody:
    id: str
    community_id: str
    name: str
    kind: str
    direction: str
    accepts: tuple[str, ...]
    building_id: str | None
    anti_passback: str
    passback_zone: str | None
    tailgating: str


@dataclass(frozen=True, slots=True)
class PersonBody:
    id: str
    community_id: str
    name: str
    role: str

    @classmethod
    def of(cls, person: Person) -> PersonBody:
        return cls(str(person.id), str(person.community_id), person.name, person.role.value)


@dataclass(frozen=True, slots=True)
class MembershipBody:
    person_id: str
    group_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CardBody:
    id: str
    person_id: str
    uid: str
    facility_code: int | None
    validity: ValidityBody


@dataclass(frozen=True, slots=True)
class PinBody:
    id: str
    person_id: str
    pin_hash: str
    validity: ValidityBody
    failed_attempts: int
    locked_until: str | None


@dataclass(frozen=True, slots=True)
class FaceBody:
    id: str
    person_id: str
    template_ref: str
    consent_id: str
    validity: ValidityBody
    consent_withdrawn_at: str | None

    @property
    def live(self) -> bool:
        return self.consent_withdrawn_at is None and self.validity.revoked_at is None


@dataclass(frozen=True, slots=True)
class QrRevokedBody:
    id: str
    revoked_at: str | None


CredentialBody = CardBody | PinBody | FaceBody | QrRevokedBody


def credential_body(credential: object) -> tuple[str, CredentialBody] | None:
    """The record kind and body of a credential; ``None`` for a live QR pass (a gate checks
    it by its signature, not from a list)."""
    if isinstance(credential, Card):
        validity = ValidityBody.of(credential.validity)
        return "card", CardBody(
            str(credential.id),
            str(credential.person_id),
            credential.uid,
            credential.facility_code,
            validity,
        )
    if isinstance(credential, PinCredential):
        return "pin", PinBody(
            str(credential.id),
            str(credential.person_id),
            credential.pin_hash,
            ValidityBody.of(credential.validity),
            credential.failed_attempts,
            when(credential.locked_until),
        )
    if isinstance(credential, FaceCredential):
        return "face", FaceBody(
            str(credential.id),
            str(credential.person_id),
            credential.template_ref,
            str(credential.consent_id),
            ValidityBody.of(credential.validity),
            when(credential.consent_withdrawn_at),
        )
    if isinstance(credential, QrPass) and credential.validity.revoked_at is not None:
        # A pass is checked by its signature; only its revocation has to travel to the gates.
        return "qr_revoked", QrRevokedBody(str(credential.id), when(credential.validity.revoked_at))
    return None


@dataclass(frozen=True, slots=True)
class ScheduleBody:
    #: ``"0"``..``"6"`` (Monday first) to ``[["HH:MM", "HH:MM"], …]``
    weekly: dict[str, tuple[tuple[str, str], ...]]
    holidays: dict[str, tuple[tuple[str, str], ...]]
    timezone: str


def _windows(windows: Any) -> tuple[tuple[str, str], ...]:
    return tuple((f"{w.start:%H:%M}", f"{w.end:%H:%M}") for w in windows)


@dataclass(frozen=True, slots=True)
class GroupBody:
    id: str
    community_id: str
    name: str
    door_ids: tuple[str, ...]
    schedule: ScheduleBody

    @classmethod
    def of(cls, group: AccessGroup) -> GroupBody:
        schedule = group.schedule
        return cls(
            str(group.id),
            str(group.community_id),
            group.name,
            tuple(sorted(str(d) for d in group.door_ids)),
            ScheduleBody(
                {str(day): _windows(w) for day, w in sorted(schedule.weekly.items())},
                {d.isoformat(): _windows(w) for d, w in sorted(schedule.holidays.items())},
                schedule.timezone,
            ),
        )


@dataclass(frozen=True, slots=True)
class FacePolicyBody:
    confident: float
    possible: float
    #: the thresholds are that model's, and only its
    model_id: str


@dataclass(frozen=True, slots=True)
class PinLockoutBody:
    max_failures: int
    lockout_s: int


@dataclass(frozen=True, slots=True)
class PolicyBody:
    face: FacePolicyBody
    pin_lockout: PinLockoutBody


@dataclass(frozen=True, slots=True)
class PassKeyBody:
    key_id: int
    public_key: str


@dataclass(frozen=True, slots=True)
class LivenessBody:
    threshold: float
    model_sha256: str


@dataclass(frozen=True, slots=True)
class TemplateBody:
    device_id: str
    #: base64 of the bundle sealed to the gate's transport key
    sealed: str
    model_id: str


Body = (
    DoorBody
    | PersonBody
    | MembershipBody
    | CredentialBody
    | GroupBody
    | PolicyBody
    | PassKeyBody
    | LivenessBody
    | TemplateBody
)


def wire(body: Body) -> dict[str, Any]:
    """The body as the sync API's JSON object (tuples become arrays when serialised)."""
    return asdict(body)
