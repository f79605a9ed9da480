"""Processors, communities, buildings, units and doors: where people live and pass."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from menwei.store.base import Base
from menwei.store.tables.types import EntityId, UtcDateTime, new_id, utcnow


class ProcessorRow(Base):
    """The legally responsible body: property company, owners' committee or government office."""

    __tablename__ = "processors"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    contact: Mapped[str] = mapped_column(String(200), default="")
    responsible_person: Mapped[str] = mapped_column(String(100), default="")
    responsible_contact: Mapped[str] = mapped_column(String(200), default="")
    #: The filing (备案) with the cyberspace administration: its number and the day it was
    #: filed, both empty until the office records them.
    filing_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CommunityRow(Base):
    """A residential community (小区); the unit of tenant isolation."""

    __tablename__ = "communities"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    processor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("processors.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    face_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BuildingRow(Base):
    """A building (楼栋) of a community."""

    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))


class UnitRow(Base):
    """A dwelling (单元/户); its floor area weighs the owners' votes, so it is exact decimal."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("building_id", "entrance", "number"),
        CheckConstraint("floor_area > 0", name="floor_area"),
    )

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    building_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("buildings.id", ondelete="CASCADE"), index=True
    )
    entrance: Mapped[str] = mapped_column(String(50), default="")
    number: Mapped[str] = mapped_column(String(50))
    floor_area: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class DoorRow(Base):
    """A gate, turnstile, unit door or garage barrier, and what it accepts.

    ``accepted_kinds`` is a list of credential kinds. The rule that a face door also accepts a
    non-face credential (R1) is checked by ``menwei.core.door`` whenever a row becomes a
    ``Door``, so a row that breaks it can neither be written nor read back silently.
    """

    __tablename__ = "doors"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    building_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("buildings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    direction: Mapped[str] = mapped_column(String(10))
    accepted_kinds: Mapped[list[Any]] = mapped_column(JSON, default=list)
    anti_passback: Mapped[str] = mapped_column(String(10), default="off")
    passback_zone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    #: what the gate does when more people cross than were let in (``core.TailgatingMode``)
    tailgating: Mapped[str] = mapped_column(String(10), default="alert", server_default="alert")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
