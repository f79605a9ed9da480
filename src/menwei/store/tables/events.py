"""Access events (one per decision) and the change log the gate sync reads.

An event holds what was decided and why — never an image, never a score. An unknown face is
stored as nothing more than "face, no person, denied, unknown_face".
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from menwei.store.base import Base
from menwei.store.tables.types import BigIntKey, UtcDateTime, utcnow


class EventRow(Base):
    """One access decision at a door. ``idempotency_key`` makes re-sent uploads harmless."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("outcome IN ('allow', 'deny')", name="outcome"),
        CheckConstraint("liveness IN ('pass', 'fail', 'not_checked')", name="liveness"),
        Index("ix_events_community_time", "community_id", "occurred_at", "id"),
        # a person's own log and a door's log, newest first, without sorting the community's
        Index("ix_events_person_time", "person_id", "occurred_at", "id"),
        Index("ix_events_door_time", "door_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE")
    )
    door_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("doors.id", ondelete="CASCADE"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("devices.id", ondelete="SET NULL"), nullable=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    direction: Mapped[str] = mapped_column(String(10))
    credential_kind: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    outcome: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str] = mapped_column(String(50))
    #: something staff should look at although the door opened, e.g. a soft anti-passback
    flag: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: the gate's presentation-attack verdict on a face; ``None`` where no face was presented
    liveness: Mapped[str | None] = mapped_column(String(12), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ChangeCursorRow(Base):
    """The last change number handed out in a community.

    Writers take the next number with a row-locking update, so within a community numbers are
    committed in order and a device that has read up to N never misses a later-committed N-1.
    """

    __tablename__ = "change_cursors"

    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class ChangeRow(Base):
    """What changed in a community, for devices to pull: entity, id and action — no payload."""

    __tablename__ = "changes"
    __table_args__ = (CheckConstraint("action IN ('upsert', 'delete')", name="action"),)

    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
