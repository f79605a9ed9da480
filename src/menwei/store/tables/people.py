"""People, their households and their credentials. A face credential is only a vault reference."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from menwei.store.base import Base
from menwei.store.tables.types import EntityId, UtcDateTime, new_id, utcnow

#: The rows a live PIN is: not revoked (an expired PIN stays until a new one revokes it).
LIVE_PIN = "kind = 'pin' AND revoked_at IS NULL"


class PersonRow(Base):
    """A resident, family member, tenant, staff member or visitor of one community."""

    __tablename__ = "people"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    guardian_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True, index=True
    )
    phone: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class HouseholdMembershipRow(Base):
    """A person living in a unit from ``moved_in`` until ``moved_out`` (open while null)."""

    __tablename__ = "household_memberships"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), index=True
    )
    moved_in: Mapped[date] = mapped_column(Date)
    moved_out: Mapped[date | None] = mapped_column(Date, nullable=True)


class CredentialRow(Base):
    """A card, PIN, QR pass or face reference held by a person.

    Only what checks a credential is kept: a card's UID, a PIN's argon2 hash, a QR pass's id and
    use count, and for a face the opaque id of a template that lives encrypted in the vault —
    never a vector, never an image.
    """

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("community_id", "kind", "card_uid"),
        # One live PIN per person, held by the database: concurrent PIN changes cannot leave
        # two behind (a new PIN revokes the old one in the same transaction).
        Index(
            "uq_credentials_live_pin",
            "person_id",
            unique=True,
            sqlite_where=text(LIVE_PIN),
            postgresql_where=text(LIVE_PIN),
        ),
        CheckConstraint("kind IN ('card', 'pin', 'qr', 'face')", name="kind"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts"),
        CheckConstraint("use_count >= 0", name="use_count"),
    )

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # card
    card_uid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    facility_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # PIN
    pin_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # QR pass
    max_uses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    issued_by: Mapped[uuid.UUID | None] = mapped_column(EntityId, nullable=True)
    issuer_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # face: an opaque reference into the vault and the consent record behind it
    template_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
    consent_id: Mapped[uuid.UUID | None] = mapped_column(EntityId, nullable=True)
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CredentialDoorRow(Base):
    """A door a QR pass names; the pass opens no other."""

    __tablename__ = "credential_doors"

    credential_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True
    )
    door_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("doors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
