"""Access groups with their doors, weekly schedule, holidays and members (``menwei.core``).

A group's schedule is stored as windows per weekday plus holiday windows; the community's
holiday dates are joined in when a group is read, so a new holiday list applies to every
schedule that observes holidays, and those groups are recorded as changed for the gates.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from menwei.core.access_group import AccessGroup
from menwei.core.schedule import TimeWindow, WeeklySchedule
from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.repositories.changes import DELETE, UPSERT, ChangeLog
from menwei.store.repositories.checks import require
from menwei.store.scope import CommunityScope
from menwei.store.tables import (
    AccessGroupDoorRow,
    AccessGroupMemberRow,
    AccessGroupRow,
    CommunityRow,
    DoorRow,
    HolidayRow,
    PersonRow,
    ScheduleRow,
    ScheduleWindowRow,
)
from menwei.store.tables.access import HOLIDAY

#: link and window rows are never held as objects across these statements, so the session
#: need not be scanned for them (which, after a large import, costs seconds)
_NO_SYNC = {"synchronize_session": False}


class AccessRepository:
    """Access groups of the communities in the caller's scope."""

    def __init__(self, session: Session, changes: ChangeLog) -> None:
        self._session = session
        self._changes = changes

    # holidays ---------------------------------------------------------------------------
    def set_holidays(self, community_id: uuid.UUID, days: dict[date, str]) -> list[uuid.UUID]:
        """Replace the community's holiday list (e.g. the year's 法定节假日).

        Every group that observes holidays (closed, or its own hours) takes the new dates at
        once: schedules keep only their holiday windows, and the dates are joined in when a
        group is read. Each such group is recorded as changed, as saving it would, so gates
        receive its schedule again; returns their ids.
        """
        require(self._session, CommunityRow, community_id, "community")
        self._session.execute(
            delete(HolidayRow).where(HolidayRow.community_id == community_id),
            execution_options=_NO_SYNC,
        )
        for day, name in sorted(days.items()):
            self._session.add(HolidayRow(community_id=community_id, day=day, name=name))
        self._session.flush()
        observing = list(
            self._session.scalars(
                select(AccessGroupRow.id)
                .join(ScheduleRow, ScheduleRow.id == AccessGroupRow.schedule_id)
                .where(
                    AccessGroupRow.community_id == community_id,
                    ScheduleRow.observes_holidays.is_(True),
                )
                .order_by(AccessGroupRow.id)
            ).all()
        )
        self._changes.record(community_id, "holidays", community_id, UPSERT)
        if observing:
            self._changes.record_batch(
                community_id, [("access_group", group_id, UPSERT) for group_id in observing]
            )
        return observing

    def holidays(self, community_id: uuid.UUID) -> dict[date, str]:
        rows = self._session.execute(
            select(HolidayRow.day, HolidayRow.name)
            .where(HolidayRow.community_id == community_id)
            .order_by(HolidayRow.day)
        ).all()
        return {day: name for day, name in rows}

    # groups -----------------------------------------------------------------------------
    def _schedule(self, schedule_id: uuid.UUID | None, community: CommunityRow) -> WeeklySchedule:
        schedule = None if schedule_id is None else self._session.get(ScheduleRow, schedule_id)
        if schedule is None:
            return WeeklySchedule.always(community.timezone)
        windows = self._session.scalars(
            select(ScheduleWindowRow)
            .where(ScheduleWindowRow.schedule_id == schedule_id)
            .order_by(ScheduleWindowRow.weekday, ScheduleWindowRow.starts)
        ).all()
        weekly: dict[int, tuple[TimeWindow, ...]] = {}
        on_holidays: tuple[TimeWindow, ...] = ()
        for window in windows:
            value = TimeWindow(window.starts, window.ends)
            if window.weekday == HOLIDAY:
                on_holidays += (value,)
            else:
                weekly[window.weekday] = (*weekly.get(window.weekday, ()), value)
        holidays = (
            dict.fromkeys(self.holidays(community.id), on_holidays)
            if schedule.observes_holidays
            else {}
        )
        return WeeklySchedule(weekly=weekly, holidays=holidays, timezone=community.timezone)

    def _group(self, row: AccessGroupRow) -> AccessGroup:
        community = self._session.get(CommunityRow, row.community_id)
        assert community is not None
        door_ids = self._session.scalars(
            select(AccessGroupDoorRow.door_id).where(AccessGroupDoorRow.group_id == row.id)
        ).all()
        return AccessGroup(
            id=row.id,
            community_id=row.community_id,
            name=row.name,
            door_ids=frozenset(door_ids),
            schedule=self._schedule(row.schedule_id, community),
        )

    def _flush_name(self) -> None:
        """A name taken in the community (by another request too, at the same moment) is a
        conflict the caller can fix, not a server error."""
        try:
            self._session.flush()
        except IntegrityError:
            # the unit of work is now unusable; leaving its block rolls everything back
            raise RecordConflict(message_id="conflict.access_group_name_taken") from None

    def save_group(
        self,
        group: AccessGroup,
        *,
        is_default: bool = False,
        holiday_windows: tuple[TimeWindow, ...] | None = None,
    ) -> AccessGroup:
        """Create or replace a group: its doors and its schedule's weekly and holiday windows.

        ``holiday_windows`` (``()`` = closed) makes the group observe the community's holidays
        even while the list has no dates yet, so dates added later apply to it; without it, the
        group observes holidays when its schedule holds any. Doors from another community are
        refused: a group never reaches across tenants.
        """
        require(self._session, CommunityRow, group.community_id, "community")
        foreign = self._session.scalars(
            select(DoorRow.id).where(
                DoorRow.id.in_(sorted(group.door_ids)), DoorRow.community_id != group.community_id
            )
        ).first()
        known = set(
            self._session.scalars(
                select(DoorRow.id).where(DoorRow.id.in_(sorted(group.door_ids)))
            ).all()
        )
        missing = next(iter(sorted(group.door_ids - known)), None)
        if foreign is not None or missing is not None:
            raise RecordNotFound("door", foreign or missing)
        row = self._session.get(AccessGroupRow, group.id)
        if row is None:
            row = AccessGroupRow(id=group.id, community_id=group.community_id, name=group.name)
            self._session.add(row)
        elif row.community_id != group.community_id:
            raise RecordNotFound("access group", group.id)
        row.name = group.name
        self._flush_name()
        row.is_default = is_default
        if row.schedule_id is not None:
            self._session.execute(
                delete(ScheduleWindowRow).where(ScheduleWindowRow.schedule_id == row.schedule_id),
                execution_options=_NO_SYNC,
            )
        else:
            schedule = ScheduleRow(community_id=group.community_id, name=f"{group.id}")
            self._session.add(schedule)
            self._session.flush()
            row.schedule_id = schedule.id
        for weekday, windows in sorted(group.schedule.weekly.items()):
            for window in windows:
                self._session.add(
                    ScheduleWindowRow(
                        schedule_id=row.schedule_id,
                        weekday=weekday,
                        starts=window.start,
                        ends=window.end,
                    )
                )
        schedule_row = self._session.get(ScheduleRow, row.schedule_id)
        assert schedule_row is not None
        schedule_row.observes_holidays = holiday_windows is not None or bool(
            group.schedule.holidays
        )
        # one set of holiday windows per schedule; the dates come from the community's list
        if holiday_windows is None:
            holiday_windows = next(iter(group.schedule.holidays.values()), ())
        for window in holiday_windows:
            self._session.add(
                ScheduleWindowRow(
                    schedule_id=row.schedule_id,
                    weekday=HOLIDAY,
                    starts=window.start,
                    ends=window.end,
                )
            )
        self._session.execute(
            delete(AccessGroupDoorRow).where(AccessGroupDoorRow.group_id == group.id),
            execution_options=_NO_SYNC,
        )
        for door_id in sorted(group.door_ids):
            self._session.add(AccessGroupDoorRow(group_id=group.id, door_id=door_id))
        self._session.flush()
        self._changes.record(group.community_id, "access_group", group.id, UPSERT)
        return group

    def holiday_windows(
        self, group_id: uuid.UUID, scope: CommunityScope
    ) -> tuple[TimeWindow, ...] | None:
        """The group's windows on holidays (``()`` = closed), or ``None``: weekday hours apply.

        Unlike the schedule's dated holidays, this is known even while the community's holiday
        list is empty.
        """
        row = self._session.scalar(
            select(AccessGroupRow).where(
                AccessGroupRow.id == group_id, scope.clause(AccessGroupRow.community_id)
            )
        )
        if row is None:
            raise RecordNotFound("access group", group_id)
        schedule = (
            None if row.schedule_id is None else self._session.get(ScheduleRow, row.schedule_id)
        )
        if schedule is None or not schedule.observes_holidays:
            return None
        windows = self._session.scalars(
            select(ScheduleWindowRow)
            .where(
                ScheduleWindowRow.schedule_id == schedule.id, ScheduleWindowRow.weekday == HOLIDAY
            )
            .order_by(ScheduleWindowRow.starts)
        ).all()
        return tuple(TimeWindow(w.starts, w.ends) for w in windows)

    def group(self, group_id: uuid.UUID, scope: CommunityScope) -> AccessGroup:
        row = self._session.scalar(
            select(AccessGroupRow).where(
                AccessGroupRow.id == group_id, scope.clause(AccessGroupRow.community_id)
            )
        )
        if row is None:
            raise RecordNotFound("access group", group_id)
        return self._group(row)

    def groups(self, community_id: uuid.UUID, scope: CommunityScope) -> list[AccessGroup]:
        rows = self._session.scalars(
            select(AccessGroupRow)
            .where(
                AccessGroupRow.community_id == community_id,
                scope.clause(AccessGroupRow.community_id),
            )
            .order_by(AccessGroupRow.name)
        ).all()
        return [self._group(row) for row in rows]

    def delete_group(self, group_id: uuid.UUID, scope: CommunityScope) -> None:
        row = self._session.scalar(
            select(AccessGroupRow).where(
                AccessGroupRow.id == group_id, scope.clause(AccessGroupRow.community_id)
            )
        )
        if row is None:
            raise RecordNotFound("access group", group_id)
        community_id, schedule_id = row.community_id, row.schedule_id
        self._session.delete(row)
        if schedule_id is not None:
            self._session.execute(delete(ScheduleRow).where(ScheduleRow.id == schedule_id))
        self._session.flush()
        self._changes.record(community_id, "access_group", group_id, DELETE)

    # members ----------------------------------------------------------------------------
    def add_members(
        self,
        group_id: uuid.UUID,
        person_ids: Iterable[uuid.UUID],
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> None:
        group = self._session.get(AccessGroupRow, group_id)
        if group is None:
            raise RecordNotFound("access group", group_id)
        wanted = sorted(set(person_ids))
        people: set[uuid.UUID] = set()
        existing: dict[uuid.UUID, AccessGroupMemberRow] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            people.update(
                self._session.scalars(
                    select(PersonRow.id).where(
                        PersonRow.id.in_(chunk), PersonRow.community_id == group.community_id
                    )
                ).all()
            )
            for member in self._session.scalars(
                select(AccessGroupMemberRow).where(
                    AccessGroupMemberRow.group_id == group_id,
                    AccessGroupMemberRow.person_id.in_(chunk),
                )
            ):
                existing[member.person_id] = member
        for person_id in wanted:
            if person_id not in people:
                raise RecordNotFound("person", person_id)
            current = existing.get(person_id)
            if current is None:
                self._session.add(
                    AccessGroupMemberRow(
                        group_id=group_id,
                        person_id=person_id,
                        valid_from=valid_from,
                        valid_until=valid_until,
                    )
                )
            else:
                current.valid_from, current.valid_until = valid_from, valid_until
        self._session.flush()
        self._changes.record_batch(
            group.community_id, [("person", person_id, UPSERT) for person_id in wanted]
        )

    def remove_member(self, group_id: uuid.UUID, person_id: uuid.UUID) -> None:
        group = self._session.get(AccessGroupRow, group_id)
        if group is None:
            raise RecordNotFound("access group", group_id)
        self._session.execute(
            delete(AccessGroupMemberRow).where(
                AccessGroupMemberRow.group_id == group_id,
                AccessGroupMemberRow.person_id == person_id,
            )
        )
        self._changes.record(group.community_id, "person", person_id, UPSERT)

    def groups_of(self, person_id: uuid.UUID, at: datetime) -> list[AccessGroup]:
        """The groups a person belongs to at ``at`` (what the decision checks)."""
        rows = self._session.scalars(
            select(AccessGroupRow)
            .join(AccessGroupMemberRow, AccessGroupMemberRow.group_id == AccessGroupRow.id)
            .where(
                AccessGroupMemberRow.person_id == person_id,
                or_(
                    AccessGroupMemberRow.valid_from.is_(None), AccessGroupMemberRow.valid_from <= at
                ),
                or_(
                    AccessGroupMemberRow.valid_until.is_(None),
                    AccessGroupMemberRow.valid_until > at,
                ),
            )
            .order_by(AccessGroupRow.name)
        ).all()
        return [self._group(row) for row in rows]

    def group_ids_of(
        self, person_ids: Iterable[uuid.UUID], at: datetime
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        """For many people at once, the ids of the groups each belongs to at ``at``, in the order
        ``groups_of`` gives them (by name); a person in no group maps to an empty list."""
        wanted = sorted(set(person_ids))
        found: dict[uuid.UUID, list[uuid.UUID]] = {person_id: [] for person_id in wanted}
        for start in range(0, len(wanted), 500):
            rows = self._session.execute(
                select(AccessGroupMemberRow.person_id, AccessGroupRow.id)
                .join(AccessGroupRow, AccessGroupMemberRow.group_id == AccessGroupRow.id)
                .where(
                    AccessGroupMemberRow.person_id.in_(wanted[start : start + 500]),
                    or_(
                        AccessGroupMemberRow.valid_from.is_(None),
                        AccessGroupMemberRow.valid_from <= at,
                    ),
                    or_(
                        AccessGroupMemberRow.valid_until.is_(None),
                        AccessGroupMemberRow.valid_until > at,
                    ),
                )
                .order_by(AccessGroupRow.name, AccessGroupRow.id)
            ).all()
            for person_id, group_id in rows:
                found[person_id].append(group_id)
        return found

    def members(self, group_id: uuid.UUID, scope: CommunityScope) -> list[uuid.UUID]:
        self.group(group_id, scope)
        return list(
            self._session.scalars(
                select(AccessGroupMemberRow.person_id)
                .where(AccessGroupMemberRow.group_id == group_id)
                .order_by(AccessGroupMemberRow.person_id)
            ).all()
        )
