"""Access groups, schedules and holidays round-trip; the change log orders what gates must pull."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest
from tests.store.builders import T0, make_site

from menwei.core.access_group import AccessGroup
from menwei.core.credential import Card, Validity
from menwei.core.schedule import TimeWindow, WeeklySchedule
from menwei.store.errors import RecordNotFound
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

EVERYTHING = CommunityScope.all()
SPRING_FESTIVAL = date(2026, 2, 17)


def _cleaners_group(site_community: uuid.UUID, doors: frozenset[uuid.UUID]) -> AccessGroup:
    return AccessGroup(
        id=uuid.uuid4(),
        community_id=site_community,
        name="保洁",
        door_ids=doors,
        schedule=WeeklySchedule(
            weekly={
                0: (TimeWindow(time(7), time(12)), TimeWindow(time(13), time(18))),
                4: (TimeWindow(time(22), time(6)),),
            },
            holidays={SPRING_FESTIVAL: (TimeWindow(time(9), time(11)),)},
        ),
    )


def test_a_group_with_split_overnight_and_holiday_windows_comes_back_equal(
    uow: UnitOfWork,
) -> None:
    site = make_site(uow)
    group = _cleaners_group(site.community.id, frozenset({site.gate.id, site.unit_door.id}))
    with uow:
        uow.access.set_holidays(site.community.id, {SPRING_FESTIVAL: "春节"})
        uow.access.save_group(group)
        uow.access.add_members(group.id, [site.owner.id])
        uow.commit()
    with uow:
        stored = uow.access.group(group.id, EVERYTHING)
        assert stored == group
        assert uow.access.groups_of(site.owner.id, T0) == [group]
    # 2026-02-17 is a Tuesday, open 09:00-11:00 Shanghai time only
    assert stored.opens(site.gate.id, datetime(2026, 2, 17, 2, 30, tzinfo=UTC))
    assert not stored.opens(site.gate.id, datetime(2026, 2, 17, 5, 0, tzinfo=UTC))


def test_a_group_that_ignores_holidays_stays_open_on_them(uow: UnitOfWork) -> None:
    site = make_site(uow)
    group = AccessGroup(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="住户",
        door_ids=frozenset({site.gate.id}),
        schedule=WeeklySchedule.always(),
    )
    with uow:
        uow.access.set_holidays(site.community.id, {SPRING_FESTIVAL: "春节"})
        uow.access.save_group(group)
        uow.commit()
    with uow:
        stored = uow.access.group(group.id, EVERYTHING)
    assert stored.schedule.holidays == {}
    assert stored.opens(site.gate.id, datetime(2026, 2, 17, 12, tzinfo=UTC))


def test_a_group_cannot_take_a_door_of_another_community(uow: UnitOfWork) -> None:
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    group = _cleaners_group(mine.community.id, frozenset({mine.gate.id, theirs.gate.id}))
    with uow, pytest.raises(RecordNotFound):
        uow.access.save_group(group)


def test_a_membership_outside_its_dates_grants_nothing(uow: UnitOfWork) -> None:
    site = make_site(uow)
    group = _cleaners_group(site.community.id, frozenset({site.gate.id}))
    with uow:
        uow.access.save_group(group)
        uow.access.add_members(
            group.id, [site.owner.id], valid_from=T0, valid_until=datetime(2026, 4, 1, tzinfo=UTC)
        )
        uow.commit()
    with uow:
        assert [g.id for g in uow.access.groups_of(site.owner.id, T0)] == [group.id]
        assert uow.access.groups_of(site.owner.id, datetime(2026, 5, 1, tzinfo=UTC)) == []


def test_every_change_gets_the_next_number_of_its_own_community(uow: UnitOfWork) -> None:
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    with uow:
        start = uow.changes.cursor(mine.community.id)
        other_start = uow.changes.cursor(theirs.community.id)
    card = Card(
        id=uuid.uuid4(), person_id=mine.owner.id, uid="DD", validity=Validity(valid_from=T0)
    )
    with uow:
        uow.credentials.save(card)
        uow.credentials.revoke(card.id, T0, EVERYTHING)
        uow.commit()
    with uow:
        changes = uow.changes.since(mine.community.id, start)
        assert [c.seq for c in changes] == [start + 1, start + 2]
        assert {(c.entity, c.entity_id) for c in changes} == {("credential", str(card.id))}
        assert uow.changes.cursor(theirs.community.id) == other_start
        assert uow.changes.since(mine.community.id, start + 2) == []


def test_a_rolled_back_change_leaves_no_gap_for_a_device_to_trip_over(uow: UnitOfWork) -> None:
    site = make_site(uow)
    card = Card(
        id=uuid.uuid4(), person_id=site.owner.id, uid="EE", validity=Validity(valid_from=T0)
    )
    with uow:
        start = uow.changes.cursor(site.community.id)
    with uow:
        uow.credentials.save(card)  # left without commit
    with uow:
        uow.credentials.save(card)
        uow.commit()
    with uow:
        assert [c.seq for c in uow.changes.since(site.community.id, start)] == [start + 1]


def test_changes_never_carry_more_than_entity_id_and_action(uow: UnitOfWork) -> None:
    from menwei.store.tables import ChangeRow

    assert {c.name for c in ChangeRow.__table__.columns} == {
        "community_id",
        "seq",
        "entity",
        "entity_id",
        "action",
        "changed_at",
    }
