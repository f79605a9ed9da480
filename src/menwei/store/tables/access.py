"""Access groups: which people may pass which doors, under a weekly schedule with holidays."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from menwei.store.base import Base
from menwei.store.tables.types import EntityId, UtcDateTime, new_id


class ScheduleRow(Base):
    """A named weekly schedule (time profile) of a community."""

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    #: whether the community's holidays replace the weekday windows with the holiday windows
    observes_holidays: Mapped[bool] = mapped_column(Boolean, default=False)


HOLIDAY = 7


class ScheduleWindowRow(Base):
    """One open window of a schedule, local time; an end not after the start runs past midnight.

    ``weekday`` is 0 (Monday) to 6 (Sunday), or 7 (``HOLIDAY``) for the windows that replace
    the weekday's on the community's holidays (none = closed on holidays).
    """

    __tablename__ = "schedule_windows"
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 7", name="weekday"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    schedule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class HolidayRow(Base):
    """A holiday of a community: every schedule uses its holiday windows that day."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("community_id", "day"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(100), default="")


class AccessGroupRow(Base):
    """A set of doors opened to the group's members while its schedule is open."""

    __tablename__ = "access_groups"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("schedules.id", ondelete="SET NULL"), nullable=True
    )
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class AccessGroupDoorRow(Base):
    """A door belonging to an access group."""

    __tablename__ = "access_group_doors"

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("access_groups.id", ondelete="CASCADE"), primary_key=True
    )
    door_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("doors.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AccessGroupMemberRow(Base):
    """A person's membership of an access group, optionally limited in time."""

    __tablename__ = "access_group_members"

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("access_groups.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    valid_from: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
