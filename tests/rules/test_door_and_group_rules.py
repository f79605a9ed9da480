"""Doors and access groups: the rules of ``services.doors`` and ``services.groups``, in memory.

The same rules through the HTTP API and the database: tests/server/test_doors.py and
test_groups_and_devices.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from menwei.core import CredentialKind, Direction, DoorKind, TimeWindow
from menwei.core.errors import FaceOnlyDoor, InvalidConfiguration
from menwei.server.services import doors, groups
from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.scope import CommunityScope

from .conftest import World

ALL = CommunityScope.all()
CARD, FACE, QR = CredentialKind.CARD, CredentialKind.FACE, CredentialKind.QR


def _door(name: str, *accepts: CredentialKind, **more: object) -> dict[str, object]:
    values = {"name": name, "kind": DoorKind.GATE, "direction": Direction.IN, **more}
    return {**values, "accepts": frozenset(accepts)}


# -- doors ----------------------------------------------------------------------------------


def test_staff_add_a_door_that_takes_faces_and_cards(world: World) -> None:
    door = doors.add_door(
        world.uow, world.caller("community_staff", world.a), _door("东门", FACE, CARD)
    )
    read = doors.get_door(world.uow, world.caller("processor_admin", world.a), door.id)
    assert read == door and read.accepts == {CARD, FACE}


def test_a_face_only_door_is_refused_with_the_rule_cited_and_nothing_saved(world: World) -> None:
    staff = world.caller("community_staff", world.a)
    with pytest.raises(FaceOnlyDoor) as refused:
        doors.add_door(world.uow, staff, _door("刷脸门", FACE))
    assert refused.value.code == "face_only_door"
    assert "R1" in refused.value.message() and "刷脸门" in refused.value.message()
    assert "刷脸门" not in [d.name for d in doors.list_doors(world.uow, staff)]


def test_removing_the_last_non_face_credential_from_a_door_is_refused(world: World) -> None:
    staff = world.caller("community_staff", world.a)
    with pytest.raises(FaceOnlyDoor) as refused:
        doors.change_door(world.uow, staff, world.a.gate_id, {"accepts": frozenset({FACE})})
    assert "Face may never be the only way in (R1)" in refused.value.message("en")
    assert doors.get_door(world.uow, staff, world.a.gate_id).accepts == {CARD, QR, FACE}


def test_a_door_can_drop_faces_altogether(world: World) -> None:
    staff = world.caller("community_staff", world.a)
    changed = doors.change_door(
        world.uow, staff, world.a.gate_id, {"accepts": frozenset({CARD, QR})}
    )
    assert doors.get_door(world.uow, staff, world.a.gate_id) == changed
    assert changed.accepts == {CARD, QR}


def test_a_door_of_another_community_is_not_found_through_this_one(world: World) -> None:
    for who in ("platform_admin", "community_staff"):
        with pytest.raises(RecordNotFound):
            doors.get_door(world.uow, world.caller(who, world.a), world.b.gate_id)
    staff_b = world.caller("staff_b", world.b)
    with pytest.raises(RecordNotFound):
        doors.change_door(world.uow, staff_b, world.a.gate_id, {"name": "x"})
    with pytest.raises(RecordNotFound):
        doors.delete_door(world.uow, staff_b, world.a.gate_id)
    assert (
        doors.get_door(world.uow, world.caller("community_staff", world.a), world.a.gate_id).name
        == "南大门"
    )


def test_deleting_a_door_removes_it_and_a_second_delete_is_not_found(world: World) -> None:
    staff = world.caller("community_staff", world.a)
    doors.delete_door(world.uow, staff, world.a.unit_door_id)
    with pytest.raises(RecordNotFound):
        doors.delete_door(world.uow, staff, world.a.unit_door_id)


def test_a_door_in_a_building_of_another_community_is_refused(world: World) -> None:
    admin = world.caller("processor_admin", world.a)
    door = _door("外楼门", CARD, kind=DoorKind.UNIT_DOOR, building_id=world.b.building_id)
    with pytest.raises(RecordNotFound):
        doors.add_door(world.uow, admin, door)
    with pytest.raises(RecordNotFound):
        doors.change_door(
            world.uow, admin, world.a.unit_door_id, {"building_id": world.b.building_id}
        )


def test_two_doors_of_one_community_cannot_share_a_name(world: World) -> None:
    with pytest.raises(RecordConflict):
        doors.add_door(world.uow, world.caller("community_staff", world.a), _door("南大门", CARD))
    doors.add_door(world.uow, world.caller("staff_b", world.b), _door("北大门", CARD))


# -- access groups --------------------------------------------------------------------------


def _group(world: World, name: str, door_ids, weekly=None, holiday_windows=None):  # type: ignore[no-untyped-def]
    return groups.save_group(
        world.uow,
        world.caller("community_staff", world.a),
        group_id=None,
        name=name,
        door_ids=frozenset(door_ids),
        weekly=weekly or {},
        holiday_windows=holiday_windows,
    )


def test_staff_create_a_group_with_a_weekday_schedule_and_members(world: World) -> None:
    staff = world.caller("community_staff", world.a)
    group = _group(
        world,
        "保洁员",
        {world.a.gate_id, world.a.unit_door_id},
        {0: ["07:00-19:00"], 5: ["08:00-12:00", "22:00-02:00"]},
    )
    read = groups.get_group(world.uow, staff, group.id)
    assert read == group
    windows = [TimeWindow.parse("08:00-12:00"), TimeWindow.parse("22:00-02:00")]
    assert list(read.schedule.weekly[5]) == windows
    me = world.a.resident_id
    assert groups.add_members(world.uow, staff, group.id, [me]) == [me]
    groups.remove_member(world.uow, staff, group.id, me)
    assert groups.members(world.uow, staff, group.id) == []


def test_a_group_cannot_take_a_door_or_member_of_another_community(world: World) -> None:
    with pytest.raises(RecordNotFound):
        _group(world, "越界", {world.b.gate_id}, {0: ["00:00-00:00"]})
    staff = world.caller("community_staff", world.a)
    group = _group(world, "访客", {world.a.gate_id})
    with pytest.raises(RecordNotFound):
        groups.add_members(world.uow, staff, group.id, [world.b.resident_id])
    assert groups.members(world.uow, staff, group.id) == []
    with pytest.raises(RecordNotFound):
        groups.get_group(world.uow, world.caller("staff_b", world.b), group.id)


def test_a_malformed_time_window_is_refused(world: World) -> None:
    with pytest.raises(InvalidConfiguration):
        _group(world, "夜班", set(), {1: ["7am-7pm"]})
    assert groups.list_groups(world.uow, world.caller("community_staff", world.a)) == []


def test_two_groups_of_one_community_cannot_share_a_name(world: World) -> None:
    _group(world, "住户", set())
    with pytest.raises(RecordConflict):
        _group(world, "住户", set())


def test_holidays_are_kept_per_community_and_closed_groups_close_on_them(world: World) -> None:
    staff = world.caller("community_staff", world.a)
    closed = _group(world, "保洁员", {world.a.gate_id}, {0: ["07:00-19:00"]}, holiday_windows=[])
    open_ = _group(world, "住户", {world.a.gate_id}, {0: ["00:00-00:00"]})
    national_day = date(2026, 10, 1)
    groups.set_holidays(world.uow, staff, {national_day: "国庆节"})
    assert groups.holidays(world.uow, staff) == {national_day: "国庆节"}
    assert groups.holidays(world.uow, world.caller("staff_b", world.b)) == {}
    assert groups.holiday_windows(world.uow, staff, closed.id) == ()
    assert groups.holiday_windows(world.uow, staff, open_.id) is None
    assert groups.get_group(world.uow, staff, closed.id).schedule.windows_on(national_day) == ()


def test_holidays_of_a_community_outside_the_callers_scope_are_not_found(world: World) -> None:
    from menwei.server.domain.caller import Caller

    staff_b = world.caller("staff_b", world.b)
    reaching = Caller(staff_b.principal, staff_b.scope, world.a.community_id)
    with pytest.raises(RecordNotFound):
        groups.set_holidays(world.uow, reaching, {date(2026, 10, 1): "国庆节"})
    with pytest.raises(RecordNotFound):
        groups.save_group(
            world.uow,
            reaching,
            group_id=None,
            name="x",
            door_ids=frozenset(),
            weekly={},
            holiday_windows=None,
        )
