"""The API's answers about privacy: typed schemas built from what the services return.

Timestamps are written as the services always wrote them (``datetime.isoformat``, with the
``+00:00`` offset), so the JSON the API answers does not change with the typed values behind it.
A deletion receipt travels as its signed document, exactly as issued, or it would not verify.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from menwei.privacy.consent import ConsentRecord
from menwei.privacy.receipts import DeletionReceipt
from menwei.server.services.audit_trail import PersonalEntry
from menwei.server.services.privacy import (
    ConsentAnswer,
    FaceDataHeld,
    MyData,
    NoticeShown,
    PublicSummary,
)
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


class NoticeOut(BaseModel):
    """A published notice version, its fields and its text in the reader's language."""

    community_id: str
    version: int
    published_at: str
    content_hash: str
    content: dict[str, Any]
    text: str

    @classmethod
    def of(cls, notice: NoticeShown) -> NoticeOut:
        return cls(
            community_id=str(notice.community_id),
            version=notice.version,
            published_at=notice.published_at.isoformat(),
            content_hash=notice.content_hash,
            content=asdict(notice.content),
            text=notice.text,
        )


def notice_json(notice: NoticeShown) -> dict[str, Any]:
    return NoticeOut.of(notice).model_dump()


class FaceDataOut(BaseModel):
    """Whether a template is held, since when, under which notice version — never the data."""

    person_id: str
    template_held: bool
    template_versions: list[int]
    enrolled_at: str | None
    notice_version: int | None
    consent_live: bool
    devices_holding: int
    stored_as: str | None

    @classmethod
    def of(cls, held: FaceDataHeld) -> FaceDataOut:
        return cls(
            person_id=str(held.person_id),
            template_held=held.template_held,
            template_versions=list(held.template_versions),
            enrolled_at=_iso(held.enrolled_at),
            notice_version=held.notice_version,
            consent_live=held.consent_live,
            devices_holding=held.devices_holding,
            stored_as=held.stored_as,
        )


def face_data_json(held: FaceDataHeld) -> dict[str, Any]:
    return FaceDataOut.of(held).model_dump()


class CommunityOut(BaseModel):
    id: str
    name: str


class ProcessorOut(BaseModel):
    name: str
    contact: str
    responsible_person: str
    responsible_contact: str | None


class OwnersVoteOut(BaseModel):
    title: str
    closed_at: str
    passed: bool
    result_hash: str


class PublicSummaryOut(BaseModel):
    """What anyone may know about a community's face recognition, without signing in."""

    community: CommunityOut
    processor: ProcessorOut
    face_recognition_enabled: bool
    notice_version: int | None
    notice_published_at: str | None
    alternatives: str
    how_to_withdraw: str
    filing_level: str
    owners_vote: OwnersVoteOut | None

    @classmethod
    def of(cls, summary: PublicSummary) -> PublicSummaryOut:
        vote = summary.owners_vote
        processor = summary.processor
        return cls(
            community=CommunityOut(id=str(summary.community.id), name=summary.community.name),
            processor=ProcessorOut(
                name=processor.name,
                contact=processor.contact,
                responsible_person=processor.responsible_person,
                responsible_contact=processor.responsible_contact,
            ),
            face_recognition_enabled=summary.face_recognition_enabled,
            notice_version=summary.notice_version,
            notice_published_at=_iso(summary.notice_published_at),
            alternatives=summary.alternatives,
            how_to_withdraw=summary.how_to_withdraw,
            filing_level=summary.filing_level,
            owners_vote=None
            if vote is None
            else OwnersVoteOut(
                title=vote.title,
                closed_at=vote.closed_at.isoformat(),
                passed=vote.passed,
                result_hash=vote.result_hash,
            ),
        )


def public_summary_json(summary: PublicSummary) -> dict[str, Any]:
    return PublicSummaryOut.of(summary).model_dump()


class CredentialOut(BaseModel):
    id: str
    kind: str
    withdrawn: bool


class MyDataOut(BaseModel):
    """The resident's own record: the switch, the face data, consents, credentials."""

    face_recognition: dict[str, Any]
    may_ask_for_consent: bool
    face_data: FaceDataOut
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
            face_data=FaceDataOut.of(mine.face_data),
            consents=[ConsentOut.of(c) for c in mine.consents],
            credentials=[
                CredentialOut(id=str(c.id), kind=c.kind, withdrawn=c.withdrawn)
                for c in mine.credentials
            ],
        )


def my_data_json(mine: MyData) -> dict[str, Any]:
    return MyDataOut.of(mine).model_dump()
