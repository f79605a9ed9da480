"""Access groups: which doors, under which weekly schedule, with holiday exceptions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date

from menwei.core import AccessGroup, TimeWindow, WeeklySchedule
from menwei.server.domain.caller import Caller
from menwei.store.ports import UnitOfWorkPort


def _schedule(
    uow: UnitOfWorkPort,
    community_id: uuid.UUID,
    weekly: Mapping[int, Iterable[str]],
    on_holidays: tuple[TimeWindow, ...] | None,
    timezone: str,
) -> WeeklySchedule:
    windows = {
        day: tuple(TimeWindow.parse(text) for text in texts) for day, texts in weekly.items()
    }
    holidays: dict[date, tuple[TimeWindow, ...]] = {}
    if on_holidays is not None:
        holidays = dict.fromkeys(uow.access.holidays(community_id), on_holidays)
    return WeeklySchedule(weekly=windows, holidays=holidays, timezone=timezone)


def list_groups(uow: UnitOfWorkPort, caller: Caller) -> list[AccessGroup]:
    assert caller.community_id is not None
    with uow:
        return uow.access.groups(caller.community_id, caller.scope)


def get_group(uow: UnitOfWorkPort, caller: Caller, group_id: uuid.UUID) -> AccessGroup:
    with uow:
        return uow.access.group(group_id, caller.scope)


def save_group(
    uow: UnitOfWorkPort,
    caller: Caller,
    *,
    group_id: uuid.UUID | None,
    name: str,
    door_ids: frozenset[uuid.UUID],
    weekly: Mapping[int, Iterable[str]],
    holiday_windows: Iterable[str] | None,
) -> AccessGroup:
    """Create (``group_id`` None) or replace a group; doors must be of this community."""
    assert caller.community_id is not None
    with uow:
        community = uow.places.community(caller.community_id, caller.scope)
        if group_id is not None:
            uow.access.group(group_id, caller.scope)
        on_holidays = (
            None
            if holiday_windows is None
            else tuple(TimeWindow.parse(text) for text in holiday_windows)
        )
        group = AccessGroup(
            id=group_id or uuid.uuid4(),
            community_id=community.id,
            name=name,
            door_ids=door_ids,
            schedule=_schedule(uow, community.id, weekly, on_holidays, community.timezone),
        )
        uow.access.save_group(group, holiday_windows=on_holidays)
        uow.commit()
    return group


def delete_group(uow: UnitOfWorkPort, caller: Caller, group_id: uuid.UUID) -> None:
    with uow:
        uow.access.delete_group(group_id, caller.scope)
        uow.commit()


def members(uow: UnitOfWorkPort, caller: Caller, group_id: uuid.UUID) -> list[uuid.UUID]:
    with uow:
        return uow.access.members(group_id, caller.scope)


def add_members(
    uow: UnitOfWorkPort, caller: Caller, group_id: uuid.UUID, person_ids: Iterable[uuid.UUID]
) -> list[uuid.UUID]:
    with uow:
        uow.access.group(group_id, caller.scope)
        uow.access.add_members(group_id, person_ids)
        uow.commit()
        return uow.access.members(group_id, caller.scope)


def remove_member(
    uow: UnitOfWorkPort, caller: Caller, group_id: uuid.UUID, person_id: uuid.UUID
) -> None:
    with uow:
        uow.access.group(group_id, caller.scope)
        uow.access.remove_member(group_id, person_id)
        uow.commit()


def holidays(uow: UnitOfWorkPort, caller: Caller) -> dict[date, str]:
    assert caller.community_id is not None
    with uow:
        uow.places.community(caller.community_id, caller.scope)
        return uow.access.holidays(caller.community_id)


def holiday_windows(
    uow: UnitOfWorkPort, caller: Caller, group_id: uuid.UUID
) -> tuple[TimeWindow, ...] | None:
    """The group's own holiday windows (``()`` = closed); ``None`` keeps weekday hours."""
    with uow:
        return uow.access.holiday_windows(group_id, caller.scope)


def set_holidays(uow: UnitOfWorkPort, caller: Caller, days: dict[date, str]) -> dict[date, str]:
    """Replace the holiday list; every group with holiday hours takes the new dates with it."""
    assert caller.community_id is not None
    with uow:
        uow.places.community(caller.community_id, caller.scope)
        uow.access.set_holidays(caller.community_id, days)
        uow.commit()
    return days
