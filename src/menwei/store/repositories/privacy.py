"""Repositories of the privacy room on the database, converted to and from ``menwei.privacy``.

They implement the privacy room's storage protocols (``AuditLog``, ``TemplateRepository``) and
keep notices, consents, receipts, rights requests, assessments, incidents and settings. Nothing
here ever sees a key or a plaintext template: templates arrive already sealed by the vault.
``PrivacyStore`` gathers them on one session, so a unit of work can expose them together.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from menwei.governance import VoteResult
from menwei.privacy.audit import AuditChain, AuditEntry, Checkpoint
from menwei.privacy.compliance import BreachIncident, ImpactAssessment
from menwei.privacy.consent import (
    ConsentChannel,
    ConsentRecord,
    ConsentRefusal,
    NoticeContent,
    NoticeVersion,
    OnNewTerms,
)
from menwei.privacy.receipts import DeletionReceipt
from menwei.privacy.retention import MovedOut, RetentionPolicy
from menwei.privacy.rights import RequestKind, RequestState, RightsRequest
from menwei.privacy.vault import SealedTemplate
from menwei.store.repositories.face_gate import face_is_on, require_face_on, write_face_switch
from menwei.store.repositories.face_switches import FaceSwitch, FaceSwitches
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow, EventRow, HouseholdMembershipRow, ProcessorRow
from menwei.store.tables.devices import DeviceDoorRow, DeviceRow
from menwei.store.tables.places import DoorRow
from menwei.store.tables.privacy import (
    AuditCheckpointRow,
    AuditEntryRow,
    BreachIncidentRow,
    ConsentRefusalRow,
    ConsentRow,
    DeletionReceiptRow,
    FaceTemplateRow,
    ImpactAssessmentRow,
    NoticeVersionRow,
    PrivacySettingsRow,
    RightsRequestRow,
    TemplateDeviceRow,
)

# An arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
_AUDIT_LOCK = 0x6D656E7765690001


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


# -- audit chain ------------------------------------------------------------------------------


_ENTRIES = AuditEntryRow.__table__
#: in the order of ``AuditEntry``'s fields
_ENTRY_COLUMNS = tuple(
    _ENTRIES.c[name]
    for name in (
        "seq",
        "at",
        "actor",
        "action",
        "subject",
        "community_id",
        "detail",
        "prev_hash",
        "entry_hash",
    )
)
#: rows fetched per round trip when the chain is streamed
_PAGE = 5000


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        community_id=row.community_id,
        detail=dict(row.detail),
        prev_hash=row.prev_hash,
        entry_hash=row.entry_hash,
    )


class SqlAuditLog:
    """The audit chain's entries and checkpoints; append-only by construction (no update API).

    Two writers racing for the same sequence number collide on the primary key, so the chain
    never forks; the loser's transaction fails and is retried by its caller.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def _lock_for_append(self) -> None:
        """Make concurrent appenders take turns until commit, instead of failing.

        PostgreSQL: a transaction-scoped advisory lock. SQLite: a write statement that touches
        no row, which still takes the database's write lock, so the last entry read next is
        the true last one (a read-then-write transaction would otherwise fail on a stale
        snapshot).
        """
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK})
        else:
            self._session.execute(
                text("UPDATE privacy_audit_checkpoints SET seq = seq WHERE id = -1")
            )

    def last_entry(self) -> AuditEntry | None:
        self._lock_for_append()
        row = self._session.scalar(
            select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1)
        )
        return None if row is None else _entry(row)

    def add_entry(self, entry: AuditEntry) -> None:
        self._session.add(
            AuditEntryRow(
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                subject=entry.subject,
                community_id=entry.community_id,
                detail=entry.detail,
                prev_hash=entry.prev_hash,
                entry_hash=entry.entry_hash,
            )
        )
        self._session.flush()

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self._session.add(
            AuditCheckpointRow(
                seq=checkpoint.seq,
                entry_hash=checkpoint.entry_hash,
                at=checkpoint.at,
                signature=checkpoint.signature,
            )
        )
        self._session.flush()

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry in order, streamed in pages: what a full verification reads."""
        return self.entries_after(0)

    def entries_after(self, seq: int) -> Iterator[AuditEntry]:
        """The entries written after entry ``seq``, in order, streamed in pages.

        Plain rows rather than ORM objects (no identity map, no per-row instrumentation): a
        full verification reads every entry once, and memory must not grow with the chain.
        """
        table = _ENTRIES
        result = self._session.execute(
            select(*_ENTRY_COLUMNS)
            .where(table.c.seq > seq)
            .order_by(table.c.seq)
            .execution_options(yield_per=_PAGE)
        )
        try:
            for row in result:
                yield AuditEntry(*row)
        finally:
            result.close()

    def entry_at(self, seq: int) -> AuditEntry | None:
        row = self._session.execute(
            select(*_ENTRY_COLUMNS).where(_ENTRIES.c.seq == seq)
        ).one_or_none()
        return None if row is None else AuditEntry(*row)

    def seqs_of_hashes(self, hashes: Collection[str]) -> dict[str, int]:
        """Which entries have these hashes: where a link that names the wrong one points."""
        found: dict[str, int] = {}
        wanted = sorted(hashes)
        for start in range(0, len(wanted), 500):
            rows = self._session.execute(
                select(_ENTRIES.c.entry_hash, _ENTRIES.c.seq).where(
                    _ENTRIES.c.entry_hash.in_(wanted[start : start + 500])
                )
            )
            found.update({entry_hash: seq for entry_hash, seq in rows})
        return found

    def last_seq(self) -> int:
        """The newest entry's sequence number (0 for none): the chain's length, cheaply."""
        return self._session.scalar(select(func.max(_ENTRIES.c.seq))) or 0

    def checkpoints(self) -> Sequence[Checkpoint]:
        rows = self._session.scalars(select(AuditCheckpointRow).order_by(AuditCheckpointRow.id))
        return [Checkpoint(r.seq, r.entry_hash, r.at, r.signature) for r in rows]

    def entries_about(self, subject: str) -> Sequence[AuditEntry]:
        rows = self._session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.subject == subject)
            .order_by(AuditEntryRow.seq)
        )
        return [_entry(r) for r in rows]


# -- sealed templates -------------------------------------------------------------------------


def _sealed(row: FaceTemplateRow) -> SealedTemplate:
    return SealedTemplate(
        str(row.community_id),
        str(row.person_id),
        row.template_version,
        row.sealed_at,
        row.ciphertext,
        row.model_id,
    )


class SqlTemplateRepository:
    """Sealed templates and which devices hold a copy."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, sealed: SealedTemplate, *, consent_id: str) -> None:
        self._session.add(
            FaceTemplateRow(
                community_id=_uuid(sealed.community_id),
                person_id=_uuid(sealed.person_id),
                template_version=sealed.template_version,
                consent_id=_uuid(consent_id),
                sealed_at=sealed.sealed_at,
                ciphertext=sealed.ciphertext,
                model_id=sealed.model_id,
            )
        )
        self._session.flush()

    def latest_version(self, community_id: str, person_id: str) -> int | None:
        return self._session.scalar(
            select(func.max(FaceTemplateRow.template_version)).where(
                FaceTemplateRow.community_id == _uuid(community_id),
                FaceTemplateRow.person_id == _uuid(person_id),
            )
        )

    def versions_of(self, community_id: str, person_id: str) -> list[int]:
        return list(
            self._session.scalars(
                select(FaceTemplateRow.template_version)
                .where(
                    FaceTemplateRow.community_id == _uuid(community_id),
                    FaceTemplateRow.person_id == _uuid(person_id),
                )
                .order_by(FaceTemplateRow.template_version)
            )
        )

    def delete_all(self, community_id: str, person_id: str) -> int:
        result = self._session.execute(
            delete(FaceTemplateRow).where(
                FaceTemplateRow.community_id == _uuid(community_id),
                FaceTemplateRow.person_id == _uuid(person_id),
            )
        )
        self._session.execute(
            delete(TemplateDeviceRow).where(TemplateDeviceRow.person_id == _uuid(person_id))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def devices_holding(self, community_id: str, person_id: str) -> list[str]:
        rows = self._session.scalars(
            select(TemplateDeviceRow.device_id)
            .where(
                TemplateDeviceRow.community_id == _uuid(community_id),
                TemplateDeviceRow.person_id == _uuid(person_id),
            )
            .order_by(TemplateDeviceRow.device_id)
        )
        return [str(d) for d in rows]

    def record_device_copy(
        self, community_id: object, person_id: object, device_id: object, at: datetime
    ) -> None:
        """Remember that a device pulled the person's sealed template (to tell it on erasure)."""
        key = (_uuid(person_id), _uuid(device_id))
        row = self._session.get(TemplateDeviceRow, key)
        if row is None:
            self._session.add(
                TemplateDeviceRow(
                    person_id=key[0],
                    device_id=key[1],
                    community_id=_uuid(community_id),
                    synced_at=at,
                )
            )
        else:
            row.synced_at = at
        self._session.flush()

    def models_in_use(self) -> dict[tuple[uuid.UUID, str], int]:
        """People per (community, model id) whose newest template that model made.

        Counts only: no person id leaves this query.
        """
        newest = (
            select(
                FaceTemplateRow.person_id,
                func.max(FaceTemplateRow.template_version).label("version"),
            )
            .group_by(FaceTemplateRow.person_id)
            .subquery()
        )
        rows = self._session.execute(
            select(
                FaceTemplateRow.community_id,
                FaceTemplateRow.model_id,
                func.count(func.distinct(FaceTemplateRow.person_id)),
            )
            .join(
                newest,
                (FaceTemplateRow.person_id == newest.c.person_id)
                & (FaceTemplateRow.template_version == newest.c.version),
            )
            .group_by(FaceTemplateRow.community_id, FaceTemplateRow.model_id)
        )
        return {(community, model): int(count) for community, model, count in rows}

    def latest_for_community(self, community_id: object) -> list[SealedTemplate]:
        """Each person's newest sealed template in the community: what a gate loads."""
        newest = (
            select(
                FaceTemplateRow.person_id,
                func.max(FaceTemplateRow.template_version).label("version"),
            )
            .where(FaceTemplateRow.community_id == _uuid(community_id))
            .group_by(FaceTemplateRow.person_id)
            .subquery()
        )
        rows = self._session.scalars(
            select(FaceTemplateRow).join(
                newest,
                (FaceTemplateRow.person_id == newest.c.person_id)
                & (FaceTemplateRow.template_version == newest.c.version),
            )
        )
        return [_sealed(r) for r in rows]

    def latest_of_people(
        self, community_id: uuid.UUID, person_ids: Collection[uuid.UUID]
    ) -> list[SealedTemplate]:
        """Each named person's newest sealed template (what their face credential points a
        gate at), read for those people only."""
        if not person_ids:
            return []
        rows = self._session.scalars(
            select(FaceTemplateRow)
            .where(
                FaceTemplateRow.community_id == community_id,
                FaceTemplateRow.person_id.in_(list(person_ids)),
            )
            .order_by(FaceTemplateRow.person_id, FaceTemplateRow.template_version)
        )
        newest = {r.person_id: r for r in rows}  # the highest version wins
        return [_sealed(r) for r in newest.values()]

    def holders(self, community_id: uuid.UUID) -> list[uuid.UUID]:
        """Everyone in the community with a stored template, by id."""
        return sorted(
            self._session.scalars(
                select(FaceTemplateRow.person_id)
                .where(FaceTemplateRow.community_id == community_id)
                .distinct()
            )
        )

    def people_with_face_data(self, processor_id: object) -> int:
        """Distinct people with a stored template across all of a processor's communities."""
        return int(
            self._session.scalar(
                select(func.count(func.distinct(FaceTemplateRow.person_id)))
                .join(CommunityRow, CommunityRow.id == FaceTemplateRow.community_id)
                .where(CommunityRow.processor_id == _uuid(processor_id))
            )
            or 0
        )


# -- notices and consents ---------------------------------------------------------------------


def _notice(row: NoticeVersionRow) -> NoticeVersion:
    return NoticeVersion(
        community_id=row.community_id,
        version=row.version,
        content=NoticeContent(**row.content),
        published_at=row.published_at,
        content_hash=row.content_hash,
    )


class NoticeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, notice: NoticeVersion) -> NoticeVersion:
        self._session.add(
            NoticeVersionRow(
                community_id=notice.community_id,
                version=notice.version,
                content=asdict(notice.content),
                content_hash=notice.content_hash,
                published_at=notice.published_at,
            )
        )
        self._session.flush()
        return notice

    def current(self, community_id: uuid.UUID) -> NoticeVersion | None:
        row = self._session.scalar(
            select(NoticeVersionRow)
            .where(NoticeVersionRow.community_id == community_id)
            .order_by(NoticeVersionRow.version.desc())
            .limit(1)
        )
        return None if row is None else _notice(row)

    def get(self, community_id: uuid.UUID, version: int) -> NoticeVersion | None:
        row = self._session.scalar(
            select(NoticeVersionRow).where(
                NoticeVersionRow.community_id == community_id, NoticeVersionRow.version == version
            )
        )
        return None if row is None else _notice(row)

    def first_published_at(self, community_id: uuid.UUID) -> datetime | None:
        """When the community's notice was first displayed (the start of the 公示 period)."""
        return self._session.scalar(
            select(func.min(NoticeVersionRow.published_at)).where(
                NoticeVersionRow.community_id == community_id
            )
        )


def _consent(row: ConsentRow) -> ConsentRecord:
    return ConsentRecord(
        id=row.id,
        person_id=row.person_id,
        community_id=row.community_id,
        notice_version=row.notice_version,
        notice_hash=row.notice_hash,
        given_at=row.given_at,
        channel=ConsentChannel(row.channel),
        guardian_id=row.guardian_id,
        staff_account=row.staff_account,
        withdrawn_at=row.withdrawn_at,
        withdrawal_channel=ConsentChannel(row.withdrawal_channel)
        if row.withdrawal_channel
        else None,
        withdrawn_by=row.withdrawn_by,
        written_request=row.written_request,
    )


class ConsentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, consent: ConsentRecord) -> ConsentRecord:
        self._session.add(
            ConsentRow(
                id=consent.id,
                person_id=consent.person_id,
                community_id=consent.community_id,
                notice_version=consent.notice_version,
                notice_hash=consent.notice_hash,
                given_at=consent.given_at,
                channel=consent.channel.value,
                guardian_id=consent.guardian_id,
                staff_account=consent.staff_account,
            )
        )
        self._session.flush()
        return consent

    def record_withdrawal(self, consent: ConsentRecord) -> None:
        """Store a withdrawal. A consent is never deleted: it is the record that it existed."""
        row = self._session.get(ConsentRow, consent.id)
        if row is None or consent.withdrawn_at is None:
            return
        row.withdrawn_at = consent.withdrawn_at
        row.withdrawal_channel = (
            consent.withdrawal_channel.value if consent.withdrawal_channel else None
        )
        row.withdrawn_by = consent.withdrawn_by
        row.written_request = consent.written_request
        self._session.flush()

    def live_for(self, person_id: uuid.UUID) -> ConsentRecord | None:
        """The person's newest consent that has not been withdrawn."""
        row = self._session.scalar(
            select(ConsentRow)
            .where(ConsentRow.person_id == person_id, ConsentRow.withdrawn_at.is_(None))
            .order_by(ConsentRow.given_at.desc(), ConsentRow.notice_version.desc())
            .limit(1)
        )
        return None if row is None else _consent(row)

    def live_for_many(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ConsentRecord]:
        """``live_for`` for many people, a query per 500 of them; people without a live consent
        are absent."""
        wanted = sorted(set(person_ids))
        found: dict[uuid.UUID, ConsentRecord] = {}
        for start in range(0, len(wanted), 500):
            rows = self._session.scalars(
                select(ConsentRow)
                .where(
                    ConsentRow.person_id.in_(wanted[start : start + 500]),
                    ConsentRow.withdrawn_at.is_(None),
                )
                .order_by(ConsentRow.given_at, ConsentRow.notice_version)
            ).all()
            for row in rows:  # oldest first, so each person's newest is written last
                found[row.person_id] = _consent(row)
        return found

    def add_refusal(self, refusal: ConsentRefusal) -> ConsentRefusal:
        self._session.add(
            ConsentRefusalRow(
                id=refusal.id,
                person_id=refusal.person_id,
                community_id=refusal.community_id,
                notice_version=refusal.notice_version,
                refused_at=refusal.refused_at,
                channel=refusal.channel.value,
            )
        )
        self._session.flush()
        return refusal

    def latest_refusal(self, person_id: uuid.UUID) -> ConsentRefusal | None:
        row = self._session.scalar(
            select(ConsentRefusalRow)
            .where(ConsentRefusalRow.person_id == person_id)
            .order_by(ConsentRefusalRow.refused_at.desc(), ConsentRefusalRow.notice_version.desc())
            .limit(1)
        )
        if row is None:
            return None
        return ConsentRefusal(
            id=row.id,
            person_id=row.person_id,
            community_id=row.community_id,
            notice_version=row.notice_version,
            refused_at=row.refused_at,
            channel=ConsentChannel(row.channel),
        )

    def for_person(self, person_id: uuid.UUID) -> list[ConsentRecord]:
        rows = self._session.scalars(
            select(ConsentRow)
            .where(ConsentRow.person_id == person_id)
            .order_by(ConsentRow.given_at)
        )
        return [_consent(r) for r in rows]


# -- receipts ---------------------------------------------------------------------------------


class ReceiptRepository:
    """Deletion receipts as issued: the signed document is kept whole, so it verifies forever."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, receipt: DeletionReceipt, *, subject: str) -> None:
        self._session.add(
            DeletionReceiptRow(
                id=receipt.receipt_id,
                community_id=receipt.community_id,
                subject=subject,
                issued_at=receipt.issued_at,
                body=receipt.document(),
            )
        )
        self._session.flush()

    def get(self, receipt_id: uuid.UUID) -> DeletionReceipt | None:
        row = self._session.get(DeletionReceiptRow, receipt_id)
        return None if row is None else DeletionReceipt.from_document(row.body)

    def for_subject(self, subject: str) -> list[DeletionReceipt]:
        rows = self._session.scalars(
            select(DeletionReceiptRow)
            .where(DeletionReceiptRow.subject == subject)
            .order_by(DeletionReceiptRow.issued_at)
        )
        return [DeletionReceipt.from_document(r.body) for r in rows]

    def doors_of_devices(self, device_ids: Sequence[uuid.UUID]) -> list[str]:
        """The names of the doors these devices serve (a receipt names devices, people doors)."""
        if not device_ids:
            return []
        names = self._session.scalars(
            select(DoorRow.name)
            .join(DeviceDoorRow, DeviceDoorRow.door_id == DoorRow.id)
            .join(DeviceRow, DeviceRow.id == DeviceDoorRow.device_id)
            .where(DeviceRow.id.in_(list(device_ids)))
            .distinct()
        )
        return sorted(names)


# -- rights requests --------------------------------------------------------------------------


def _request(row: RightsRequestRow) -> RightsRequest:
    return RightsRequest(
        id=row.id,
        community_id=row.community_id,
        person_id=row.person_id,
        kind=RequestKind(row.kind),
        received_at=row.received_at,
        due_at=row.due_at,
        details=row.details,
        state=RequestState(row.state),
        closed_at=row.closed_at,
        handled_by=row.handled_by,
        refusal_reason=row.refusal_reason,
    )


class RightsRequestRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, request: RightsRequest) -> RightsRequest:
        row = self._session.get(RightsRequestRow, request.id)
        if row is None:
            row = RightsRequestRow(id=request.id)
            self._session.add(row)
        row.community_id = request.community_id
        row.person_id = request.person_id
        row.kind = request.kind.value
        row.received_at = request.received_at
        row.due_at = request.due_at
        row.details = request.details
        row.state = request.state.value
        row.closed_at = request.closed_at
        row.handled_by = request.handled_by
        row.refusal_reason = request.refusal_reason
        self._session.flush()
        return request

    def get(self, request_id: uuid.UUID) -> RightsRequest | None:
        row = self._session.get(RightsRequestRow, request_id)
        return None if row is None else _request(row)

    def open_in(self, community_id: uuid.UUID) -> list[RightsRequest]:
        rows = self._session.scalars(
            select(RightsRequestRow)
            .where(RightsRequestRow.community_id == community_id, RightsRequestRow.state == "open")
            .order_by(RightsRequestRow.due_at)
        )
        return [_request(r) for r in rows]

    def for_person(self, person_id: uuid.UUID) -> list[RightsRequest]:
        rows = self._session.scalars(
            select(RightsRequestRow)
            .where(RightsRequestRow.person_id == person_id)
            .order_by(RightsRequestRow.received_at)
        )
        return [_request(r) for r in rows]


# -- assessments, incidents -------------------------------------------------------------------


class ComplianceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_assessment(self, assessment: ImpactAssessment) -> ImpactAssessment:
        self._session.add(
            ImpactAssessmentRow(**asdict(assessment), keep_until=assessment.keep_until)
        )
        self._session.flush()
        return assessment

    def latest_assessment(self, community_id: uuid.UUID) -> ImpactAssessment | None:
        row = self._session.scalar(
            select(ImpactAssessmentRow)
            .where(ImpactAssessmentRow.community_id == community_id)
            .order_by(ImpactAssessmentRow.assessed_at.desc())
            .limit(1)
        )
        if row is None:
            return None
        return ImpactAssessment(
            id=row.id,
            community_id=row.community_id,
            assessed_at=row.assessed_at,
            assessor=row.assessor,
            purpose_and_method=row.purpose_and_method,
            impact_and_risks=row.impact_and_risks,
            safeguards=row.safeguards,
            alternatives_offered=row.alternatives_offered,
            conclusion=row.conclusion,
        )

    def add_incident(self, incident: BreachIncident) -> BreachIncident:
        self._session.add(BreachIncidentRow(**asdict(incident)))
        self._session.flush()
        return incident

    def get_incident(self, incident_id: uuid.UUID) -> BreachIncident | None:
        row = self._session.get(BreachIncidentRow, incident_id)
        if row is None:
            return None
        return BreachIncident(
            **{name: getattr(row, name) for name in BreachIncident.__dataclass_fields__}
        )


# -- settings and retention -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PrivacySettings:
    """A community's privacy choices, with the defaults of the product."""

    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    request_deadline_days: int = 15
    display_days: int = 7
    on_new_terms: OnNewTerms = OnNewTerms.SUSPEND
    vote_required: bool = True
    face_off_days: int = 30
    pass_max_days: int = 7
    pass_max_uses: int = 10


class PrivacySettingsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, community_id: uuid.UUID) -> PrivacySettings:
        row = self._session.get(PrivacySettingsRow, community_id)
        if row is None:
            return PrivacySettings()
        return PrivacySettings(
            retention=RetentionPolicy(moved_out_days=row.moved_out_days, event_days=row.event_days),
            request_deadline_days=row.request_deadline_days,
            display_days=row.display_days,
            on_new_terms=OnNewTerms(row.on_new_terms),
            vote_required=row.vote_required,
            face_off_days=row.face_off_days,
            pass_max_days=row.pass_max_days,
            pass_max_uses=row.pass_max_uses,
        )

    def save(self, community_id: uuid.UUID, settings: PrivacySettings) -> None:
        row = self._session.get(PrivacySettingsRow, community_id)
        if row is None:
            row = PrivacySettingsRow(community_id=community_id)
            self._session.add(row)
        row.moved_out_days = settings.retention.moved_out_days
        row.event_days = settings.retention.event_days
        row.request_deadline_days = settings.request_deadline_days
        row.display_days = settings.display_days
        row.on_new_terms = settings.on_new_terms.value
        row.vote_required = settings.vote_required
        row.face_off_days = settings.face_off_days
        row.pass_max_days = settings.pass_max_days
        row.pass_max_uses = settings.pass_max_uses
        self._session.flush()

    def community_ids(self) -> list[uuid.UUID]:
        return list(self._session.scalars(select(CommunityRow.id).order_by(CommunityRow.id)))


class RetentionQueries:
    """What retention needs from the rest of the database: move-outs and old events."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def moved_out_with_face_data(self, community_id: uuid.UUID, today: date) -> list[MovedOut]:
        """People with a template and no current household membership, with their last move-out."""
        people = set(
            self._session.scalars(
                select(FaceTemplateRow.person_id)
                .where(FaceTemplateRow.community_id == community_id)
                .distinct()
            )
        )
        if not people:
            return []
        rows = self._session.execute(
            select(
                HouseholdMembershipRow.person_id,
                HouseholdMembershipRow.moved_in,
                HouseholdMembershipRow.moved_out,
            ).where(HouseholdMembershipRow.person_id.in_(people))
        ).all()
        last_out: dict[uuid.UUID, date] = {}
        current: set[uuid.UUID] = set()
        for person_id, moved_in, moved_out in rows:
            if moved_in <= today and (moved_out is None or moved_out > today):
                current.add(person_id)
            elif moved_out is not None and moved_out <= today:
                last_out[person_id] = max(moved_out, last_out.get(person_id, moved_out))
        return [
            MovedOut(person_id, community_id, day)
            for person_id, day in sorted(last_out.items(), key=lambda kv: kv[1])
            if person_id not in current
        ]

    def purge_events(self, community_id: uuid.UUID, before: datetime) -> int:
        result = self._session.execute(
            delete(EventRow).where(
                EventRow.community_id == community_id, EventRow.occurred_at < before
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class CommunityFacts:
    """What the privacy services need to know of communities and processors."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.switches = FaceSwitches(session)

    def exists(self, community_id: uuid.UUID) -> bool:
        return self._session.get(CommunityRow, community_id) is not None

    def processor_name(self, community_id: uuid.UUID) -> str | None:
        """The name of the processor of the community (what a deletion receipt is issued by)."""
        return self._session.scalar(
            select(ProcessorRow.name)
            .join(CommunityRow, CommunityRow.processor_id == ProcessorRow.id)
            .where(CommunityRow.id == community_id)
        )

    def processor_ids(self) -> list[uuid.UUID]:
        return list(self._session.scalars(select(ProcessorRow.id).order_by(ProcessorRow.id)))

    def timezone(self, community_id: uuid.UUID) -> str | None:
        row = self._session.get(CommunityRow, community_id)
        return None if row is None else row.timezone

    def face_is_on(self, community_id: uuid.UUID) -> bool:
        return face_is_on(self._session, community_id)

    def require_face_on(self, community_id: uuid.UUID) -> None:
        """``FaceRecognitionOff`` unless the community's face recognition is switched on."""
        require_face_on(self._session, community_id)

    def switch_face_on(self, community_id: uuid.UUID, *, at: datetime, by: str) -> bool:
        return write_face_switch(self._session, community_id, enabled=True, at=at, by=by)

    def latest_switch(self, community_id: uuid.UUID) -> FaceSwitch | None:
        return self.switches.latest(community_id)

    def latest_vote_result(self, community_id: uuid.UUID) -> VoteResult | None:
        """The community's latest closed owners' vote (shown on its public page), if any."""
        results = GovernanceRepository(self._session).results(
            CommunityScope.of([community_id]), community_id
        )
        return results[-1] if results else None


class PrivacyStore:
    """Every privacy repository on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.communities = CommunityFacts(session)
        self.audit_log = SqlAuditLog(session)
        self.templates = SqlTemplateRepository(session)
        self.notices = NoticeRepository(session)
        self.consents = ConsentRepository(session)
        self.receipts = ReceiptRepository(session)
        self.requests = RightsRequestRepository(session)
        self.compliance = ComplianceRepository(session)
        self.settings = PrivacySettingsRepository(session)
        self.retention = RetentionQueries(session)

    def sign_head_after_commit(
        self, chain: AuditChain, signing_key: Ed25519PrivateKey, head_file: Path
    ) -> None:
        """Write the chain's signed head outside the database once this transaction commits."""
        from menwei.store.repositories.audit_head import sign_head_after_commit  # it reads us

        sign_head_after_commit(self.session, chain, signing_key, head_file)
