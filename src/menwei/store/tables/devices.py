"""Gate devices: a token scoped to the doors the device serves, and how far it has synced."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from menwei.store.base import Base
from menwei.store.tables.types import EntityId, UtcDateTime, new_id, utcnow


class DeviceRow(Base):
    """A gate agent of one community; its token is stored as a SHA-256 digest only."""

    __tablename__ = "devices"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    sync_cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: base64 X25519 key templates are sealed to, pinned at registration or on the first pull,
    #: so a stolen token alone cannot have templates sealed to a key of the thief's choosing
    transport_public_key: Mapped[str | None] = mapped_column(String(44), nullable=True)
    #: the door driver the gate reported at its last acknowledgement (uhppote, gpio …)
    door_driver: Mapped[str | None] = mapped_column(String(40), nullable=True)


class DeviceDoorRow(Base):
    """A door a device serves; its token opens nothing else."""

    __tablename__ = "device_doors"

    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    door_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("doors.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SitePadThresholdRow(Base):
    """A community's own liveness threshold, calibrated on its camera's live frames.

    It holds for the parameters whose sha256 it names; a gate with other parameters ignores it.
    """

    __tablename__ = "site_pad_thresholds"
    __table_args__ = (CheckConstraint("live_frames >= 0", name="live_frames"),)

    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    threshold: Mapped[float] = mapped_column(Float)
    model_sha256: Mapped[str] = mapped_column(String(64))
    live_frames: Mapped[int] = mapped_column(Integer)
    bpcer: Mapped[float] = mapped_column(Float)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
