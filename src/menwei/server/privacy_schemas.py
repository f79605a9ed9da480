"""The API's answers about privacy: typed schemas built from what the services return.

Timestamps are written as the services always wrote them (``datetime.isoformat``, with the
``+00:00`` offset), so the JSON the API answers does not change with the typed values behind it.
A deletion receipt travels as its signed document, exactly as issued, or it would not verify.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from menwei.privacy.consent import ConsentRecord
from menwei.privacy.receipts import DeletionReceipt
from menwei.server.services.audit_trail import PersonalEntry
from menwei.server.services.privacy import ConsentAnswer, MyData
from menwei.server.services.rights import RequestStatus


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def receipt_json(receipt: DeletionReceipt) -> dict[str, Any]:
    """The signed receipt as the person downloads it (``menwei receipt verify`` checks it)."""
    return receipt.document()


class RightsRequestOut(BaseModel):
    """A rights request with its deadline as its reader sees it now."""

    id: str
    community_id: str
    person_id: str
    kind: str
    received_at: str
    due_at: str
    details: str
    state: str
    closed_at: str | None
    handled_by: str | None
    refusal_reason: str | None
    overdue: bool
    days_left: int | None
    #: present only when fulfilling a deletion request erased the face data
    receipt: dict[str, Any] | None = None

    @classmethod
    def of(cls, status: RequestStatus) -> RightsRequestOut:
        request = status.request
        return cls(
            id=str(request.id),
            community_id=str(request.community_id),
            person_id=str(request.person_id),
            kind=request.kind.value,
            received_at=request.received_at.isoformat(),
            due_at=request.due_at.isoformat(),
            details=request.details,
            state=request.state.value,
            closed_at=_iso(request.closed_at),
            handled_by=request.handled_by,
            refusal_reason=request.refusal_reason,
            overdue=status.overdue,
            days_left=status.days_left,
            receipt=None if status.receipt is None else receipt_json(status.receipt),
        )

    def as_json(self) -> dict[str, Any]:
        """The answer's JSON; ``receipt`` appears only when there is one."""
        return self.model_dump(exclude={"receipt"} if self.receipt is None else set())


def request_json(status: RequestStatus) -> dict[str, Any]:
    return RightsRequestOut.of(status).as_json()


class ConsentOut(BaseModel):
    """A consent record, withdrawn or live."""

    id: str
    person_id: str
    community_id: str
    notice_version: int
    notice_hash: str
    given_at: str
    channel: str
    guardian_id: str | None
    staff_account: str | None
    withdrawn_at: str | None
    withdrawal_channel: str | None
    withdrawn_by: str | None
    written_request: str | None
    live: bool

    @classmethod
    def of(cls, consent: ConsentRecord) -> ConsentOut:
        return cls(
            id=str(consent.id),
            person_id=str(consent.person_id),
            community_id=str(consent.community_id),
            notice_version=consent.notice_version,
            notice_hash=consent.notice_hash,
            given_at=consent.given_at.isoformat(),
            channel=consent.channel.value,
            guardian_id=None if consent.guardian_id is None else str(consent.guardian_id),
            staff_account=consent.staff_account,
            withdrawn_at=_iso(consent.withdrawn_at),
            withdrawal_channel=(
                None if consent.withdrawal_channel is None else consent.withdrawal_channel.value
            ),
            withdrawn_by=consent.withdrawn_by,
            written_request=consent.written_request,
            live=consent.is_live,
        )


def consent_json(consent: ConsentRecord) -> dict[str, Any]:
    return ConsentOut.of(consent).model_dump()


class RefusalOut(BaseModel):
    """A declined consent: recorded, and the person is not asked again under these terms."""

    answer: str = "refused"
    person_id: str
    notice_version: int
    at: str
    channel: str


def consent_answer_json(answer: ConsentAnswer) -> dict[str, Any]:
    """``{"answer": "given", ...the consent}`` or ``{"answer": "refused", ...}``."""
    if answer.given is not None:
        return {"answer": "given", **consent_json(answer.given)}
    refusal = answer.refused
    assert refusal is not None
    return RefusalOut(
        person_id=str(refusal.person_id),
        notice_version=refusal.notice_version,
        at=refusal.refused_at.isoformat(),
        channel=refusal.channel.value,
    ).model_dump()


class AuditEntryOut(BaseModel):
    """One audit entry about the person: when, who, what."""

    seq: int
    at: str
    actor: str
    action: str
    detail: dict[str, Any]


def audit_entry_json(entry: PersonalEntry) -> dict[str, Any]:
    return AuditEntryOut(
        seq=entry.seq,
        at=entry.at.isoformat(),
        actor=entry.actor,
        action=entry.action,
        detail=entry.detail,
    ).model_dump()


class CredentialOut(BaseModel):
    id: str
    kind: str
    withdrawn: bool


class MyDataOut(BaseModel):
    """The resident's own record: the switch, the face data, consents, credentials."""

    face_recognition: dict[str, Any]
    may_ask_for_consent: bool
    face_data: dict[str, Any]
    consents: list[ConsentOut]
    credentials: list[CredentialOut]

    @classmethod
    def of(cls, mine: MyData) -> MyDataOut:
        return cls(
            face_recognition={
                "face_on": mine.face_recognition.face_on,
                "reasons": [
                    {"code": r.code, "zh": r.zh, "en": r.en} for r in mine.face_recognition.reasons
                ],
            },
            may_ask_for_consent=mine.may_ask_for_consent,
            face_data=mine.face_data.as_json(),
            consents=[ConsentOut.of(c) for c in mine.consents],
            credentials=[
                CredentialOut(id=str(c.id), kind=c.kind, withdrawn=c.withdrawn)
                for c in mine.credentials
            ],
        )


def my_data_json(mine: MyData) -> dict[str, Any]:
    return MyDataOut.of(mine).model_dump()
