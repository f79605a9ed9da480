"""Tables of the privacy room: notices, consents, sealed templates, audit chain, receipts,
rights requests, impact assessments, incidents and per-community privacy settings.

What is deliberately *not* here: any key. Templates are stored only as vault ciphertexts; the
wrapped per-person data keys live in the key store beside the key file, and the key-encryption
key in the key file itself, so a copy of this database opens nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from menwei.privacy.vault import DEFAULT_MODEL_ID
from menwei.store.base import Base
from menwei.store.tables.types import BigIntKey, EntityId, UtcDateTime, new_id


class NoticeVersionRow(Base):
    """A published, frozen processing notice (处理规则) of one community."""

    __tablename__ = "privacy_notice_versions"
    __table_args__ = (UniqueConstraint("community_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ConsentRow(Base):
    """One person's separate consent to one notice version, and its withdrawal."""

    __tablename__ = "privacy_consents"
    __table_args__ = (
        CheckConstraint("channel IN ('self', 'staff_assisted', 'guardian')", name="channel"),
    )

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    notice_version: Mapped[int] = mapped_column(Integer)
    notice_hash: Mapped[str] = mapped_column(String(64))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(20))
    guardian_id: Mapped[uuid.UUID | None] = mapped_column(EntityId, nullable=True)
    staff_account: Mapped[str | None] = mapped_column(String(100), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    withdrawal_channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    written_request: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ConsentRefusalRow(Base):
    """A recorded "no" to a notice version, so that nobody asks the person again."""

    __tablename__ = "privacy_consent_refusals"
    __table_args__ = (
        CheckConstraint("channel IN ('self', 'staff_assisted', 'guardian')", name="channel"),
    )

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    notice_version: Mapped[int] = mapped_column(Integer)
    refused_at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(20))


class FaceTemplateRow(Base):
    """A face template as vault ciphertext (AES-256-GCM under the person's own data key)."""

    __tablename__ = "privacy_face_templates"
    __table_args__ = (UniqueConstraint("person_id", "template_version"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    template_version: Mapped[int] = mapped_column(Integer)
    consent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("privacy_consents.id", ondelete="RESTRICT"), index=True
    )
    sealed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    #: the recognition model that made the template (its manifest id); templates of another
    #: model than the configured one are neither sent to gates nor matched
    model_id: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_MODEL_ID, server_default=DEFAULT_MODEL_ID, index=True
    )


class TemplateDeviceRow(Base):
    """A gate device holding a copy of a sealed template; told to drop it on erasure."""

    __tablename__ = "privacy_template_devices"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    community_id: Mapped[uuid.UUID] = mapped_column(EntityId, index=True)
    synced_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditEntryRow(Base):
    """One link of the audit chain. Never updated or deleted by menwei."""

    __tablename__ = "privacy_audit_entries"

    seq: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    community_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditCheckpointRow(Base):
    """A signed statement of the chain's newest hash at one point."""

    __tablename__ = "privacy_audit_checkpoints"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    signature: Mapped[str] = mapped_column(String(120))


class DeletionReceiptRow(Base):
    """A signed deletion receipt as issued, kept so the person can fetch it again."""

    __tablename__ = "privacy_deletion_receipts"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True)
    community_id: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class RightsRequestRow(Base):
    """An access, copy, correction or deletion request with its deadline and answer."""

    __tablename__ = "privacy_rights_requests"
    __table_args__ = (
        CheckConstraint("kind IN ('access', 'copy', 'correction', 'deletion')", name="kind"),
        CheckConstraint("state IN ('open', 'fulfilled', 'refused')", name="state"),
        CheckConstraint(
            "state <> 'refused' OR refusal_reason IS NOT NULL", name="refusal_has_reason"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    details: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    handled_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    refusal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ImpactAssessmentRow(Base):
    """A personal-information impact assessment (个人信息保护影响评估), kept at least 3 years."""

    __tablename__ = "privacy_impact_assessments"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="RESTRICT"), index=True
    )
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    assessor: Mapped[str] = mapped_column(String(120))
    purpose_and_method: Mapped[str] = mapped_column(Text)
    impact_and_risks: Mapped[str] = mapped_column(Text)
    safeguards: Mapped[str] = mapped_column(Text)
    alternatives_offered: Mapped[str] = mapped_column(Text)
    conclusion: Mapped[str] = mapped_column(Text)
    keep_until: Mapped[datetime] = mapped_column(UtcDateTime)


class BreachIncidentRow(Base):
    """A personal-information incident and the items its notice must carry."""

    __tablename__ = "privacy_incidents"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="RESTRICT"), index=True
    )
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    discovered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(120))
    people_affected: Mapped[int] = mapped_column(Integer)
    information_types: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text)
    possible_harm: Mapped[str] = mapped_column(Text)
    remedial_measures: Mapped[str] = mapped_column(Text)
    what_you_can_do: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(Text)


class PrivacySettingsRow(Base):
    """A community's privacy choices; a missing row means the defaults."""

    __tablename__ = "privacy_settings"
    __table_args__ = (
        CheckConstraint("on_new_terms IN ('old_terms', 'suspend')", name="on_new_terms"),
        CheckConstraint("moved_out_days >= 0 AND event_days >= 0", name="retention"),
        CheckConstraint(
            "face_off_days >= 0 AND pass_max_days >= 1 AND pass_max_uses >= 1", name="limits"
        ),
    )

    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    moved_out_days: Mapped[int] = mapped_column(Integer, default=30)
    event_days: Mapped[int] = mapped_column(Integer, default=180)
    request_deadline_days: Mapped[int] = mapped_column(Integer, default=15)
    display_days: Mapped[int] = mapped_column(Integer, default=7)
    on_new_terms: Mapped[str] = mapped_column(String(20), default="suspend")
    vote_required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: days templates are kept after face recognition is switched off, unless switched on again
    face_off_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    #: the longest a resident's visitor pass may run, and the most uses it may have
    pass_max_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    pass_max_uses: Mapped[int] = mapped_column(Integer, default=10, server_default="10")


class FaceSwitchRow(Base):
    """One switch of a community's face recognition, on or off."""

    __tablename__ = "face_recognition_switches"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean)
    switched_at: Mapped[datetime] = mapped_column(UtcDateTime)
    switched_by: Mapped[str] = mapped_column(String(160))
