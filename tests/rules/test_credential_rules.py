"""Cards, PINs and visitor passes: the rules of ``services.credentials``, in memory.

The same rules through the HTTP API and the database: tests/server/test_people_and_credentials.py,
test_guarantee_move_out.py and test_guarantee_pass_keys.py.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from menwei.core import (
    Card,
    Direction,
    Door,
    DoorKind,
    PinCredential,
    QrPass,
    Role,
    qr_refusal,
    read_qr_pass,
    verify_pin,
)
from menwei.core.errors import InvalidConfiguration
from menwei.core.reason import Reason
from menwei.privacy.pass_keys import PassKeyRing
from menwei.server.domain.errors import Forbidden, InvalidRequest
from menwei.server.domain.errors import NotFound as DomainNotFound
from menwei.server.services import credentials
from menwei.server.services.moving_out import NoCurrentHome, PassBeyondLimits
from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.scope import CommunityScope

from .conftest import World

ALL = CommunityScope.all()


def _card(world: World, uid: str, who: str = "community_staff", person=None):  # type: ignore[no-untyped-def]
    caller = world.caller(who, world.a)
    return credentials.issue_card(
        world.uow,
        caller,
        person or world.a.resident_id,
        uid=uid,
        facility_code=None,
        valid_from=None,
        valid_until=None,
    )


def _pin(world: World, pin: str) -> PinCredential:
    return credentials.set_pin(
        world.uow,
        world.caller("community_staff", world.a),
        world.a.resident_id,
        pin=pin,
        valid_until=None,
    )


def test_a_card_and_a_pin_are_issued_and_the_pin_is_kept_only_as_a_hash(world: World) -> None:
    card = _card(world, "04:a2:1b:9c")
    assert card.uid == "04A21B9C"
    pin = _pin(world, "204816")
    held = credentials.of_person(
        world.uow, world.caller("community_staff", world.a), world.a.resident_id
    )
    assert {type(c) for c in held} == {Card, PinCredential}
    assert "204816" not in pin.pin_hash and verify_pin("204816", pin.pin_hash)


def test_the_same_card_twice_in_one_community_is_a_conflict_and_leaves_one(world: World) -> None:
    first = _card(world, "A1B2C3D4")
    with pytest.raises(RecordConflict):
        _card(world, "a1b2c3d4")
    caller = world.caller("community_staff", world.a)
    listed = credentials.in_community(world.uow, caller)
    assert [(c.id, holder.id) for c, holder in listed] == [(first.id, world.a.resident_id)]
    # another community may hand out the same number
    credentials.issue_card(
        world.uow,
        world.caller("staff_b", world.b),
        world.b.resident_id,
        uid="A1B2C3D4",
        facility_code=None,
        valid_from=None,
        valid_until=None,
    )


def test_a_card_for_a_person_of_another_community_is_not_found(world: World) -> None:
    with pytest.raises(RecordNotFound):
        _card(world, "CAFEBABE", person=world.b.resident_id)
    with pytest.raises(RecordNotFound):
        credentials.of_person(
            world.uow, world.caller("platform_admin", world.a), world.b.resident_id
        )


def test_revoking_records_when_and_the_gates_hear_of_it(world: World) -> None:
    card = _card(world, "DEADBEEF")
    with world.uow:
        cursor = world.uow.changes.cursor(world.a.community_id)
    caller = world.caller("community_staff", world.a)
    revoked = credentials.revoke(world.uow, caller, card.id)
    assert isinstance(revoked, Card) and revoked.validity.revoked_at is not None
    with world.uow:
        pulled = world.uow.changes.since(world.a.community_id, cursor)
    assert [(c.entity, c.entity_id) for c in pulled] == [("credential", str(card.id))]
    with pytest.raises(RecordNotFound):
        credentials.revoke(world.uow, caller, uuid.uuid4())
    with pytest.raises(RecordNotFound):
        credentials.revoke(world.uow, world.caller("staff_b", world.b), card.id)


def test_a_new_pin_revokes_the_previous_one(world: World) -> None:
    first = _pin(world, "204816")
    second = _pin(world, "519023")
    held = credentials.of_person(
        world.uow, world.caller("community_staff", world.a), world.a.resident_id
    )
    live = [c.id for c in held if isinstance(c, PinCredential) and c.validity.revoked_at is None]
    assert live == [second.id]
    assert first.id in {c.id for c in held}


# -- visitor passes -------------------------------------------------------------------------


def _staff_pass(world: World, ring: PassKeyRing, doors, *, hours: float = 2, uses: int = 1):  # type: ignore[no-untyped-def]
    return credentials.issue_pass(
        world.uow,
        world.caller("community_staff", world.a),
        pass_keys=ring,
        visitor_name="维修师傅",
        visitor_phone="",
        door_ids=frozenset(doors),
        valid_from=None,
        valid_until=datetime.now(UTC) + timedelta(hours=hours),
        max_uses=uses,
    )


def test_a_staff_pass_names_its_doors_and_window_and_records_a_visitor(
    world: World, tmp_path: Path
) -> None:
    ring = PassKeyRing(tmp_path)
    issued = _staff_pass(world, ring, {world.a.gate_id}, uses=2)
    assert issued.visitor.role is Role.VISITOR
    qr = read_qr_pass(issued.token, ring.current(world.a.community_id).public_key)
    assert qr.door_ids == {world.a.gate_id} and qr.max_uses == 2
    assert qr_refusal(qr, door_id=world.a.gate_id, at=datetime.now(UTC)) is None
    later = datetime.now(UTC) + timedelta(hours=3)
    assert qr_refusal(qr, door_id=world.a.gate_id, at=later) is Reason.QR_EXPIRED
    with world.uow:
        stored = world.uow.credentials.get(issued.qr_pass.id, ALL)
        visitor = world.uow.people.get(issued.visitor.id, ALL)
    assert isinstance(stored, QrPass) and stored.holder_id == visitor.id


def test_staff_cannot_open_a_door_of_another_community_to_a_visitor(
    world: World, tmp_path: Path
) -> None:
    with pytest.raises(DomainNotFound):
        _staff_pass(world, PassKeyRing(tmp_path), {world.b.gate_id})
    with world.uow:
        assert world.uow.people.list(ALL, role=Role.VISITOR) == []


def test_a_pass_that_ends_before_it_starts_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(InvalidConfiguration):
        _staff_pass(world, PassKeyRing(tmp_path), {world.a.gate_id}, hours=-1)


def _resident_pass(  # type: ignore[no-untyped-def]
    world: World,
    tmp_path: Path,
    *,
    days: float = 4 / 24,
    uses: int = 1,
    doors: frozenset[uuid.UUID] | None = None,
):
    start = datetime.now(UTC)
    return credentials.issue_pass(
        world.uow,
        world.caller("resident"),
        pass_keys=PassKeyRing(tmp_path),
        visitor_name="陈静",
        visitor_phone="",
        door_ids=doors if doors is not None else frozenset({world.a.gate_id}),
        valid_from=start,
        valid_until=start + timedelta(days=days),
        max_uses=uses,
    )


def _save_limits(world: World, community_id: uuid.UUID, *, days: int, uses: int) -> None:
    with world.uow:
        settings = world.uow.privacy.settings.get(community_id)
        wider = replace(settings, pass_max_days=days, pass_max_uses=uses)
        world.uow.privacy.settings.save(community_id, wider)
        world.uow.commit()


def test_a_residents_pass_stays_within_the_default_limits(world: World, tmp_path: Path) -> None:
    with pytest.raises(PassBeyondLimits) as refused:
        _resident_pass(world, tmp_path, days=3650, uses=100)
    assert refused.value.code == "pass_beyond_limits"
    assert refused.value.details == {"max_days": 7, "max_uses": 10}
    assert _resident_pass(world, tmp_path, days=7, uses=10).qr_pass.max_uses == 10
    with pytest.raises(PassBeyondLimits):
        _resident_pass(world, tmp_path, days=7.1)
    with pytest.raises(PassBeyondLimits):
        _resident_pass(world, tmp_path, uses=11)
    with world.uow:
        assert len(world.uow.people.list(ALL, role=Role.VISITOR)) == 1


def test_the_limits_are_the_communitys_own(world: World, tmp_path: Path) -> None:
    _save_limits(world, world.b.community_id, days=30, uses=20)
    with pytest.raises(PassBeyondLimits) as refused:
        _resident_pass(world, tmp_path, days=30, uses=20)
    assert refused.value.details == {"max_days": 7, "max_uses": 10}
    _save_limits(world, world.a.community_id, days=30, uses=20)
    assert _resident_pass(world, tmp_path, days=30, uses=20).qr_pass.max_uses == 20
    with pytest.raises(PassBeyondLimits) as wider:
        _resident_pass(world, tmp_path, days=31)
    assert wider.value.details == {"max_days": 30, "max_uses": 20}


def test_a_resident_opens_no_door_beyond_their_own_to_a_visitor(
    world: World, tmp_path: Path
) -> None:
    other_building = Door(
        id=uuid.uuid4(),
        community_id=world.a.community_id,
        name="2号楼单元门",
        kind=DoorKind.UNIT_DOOR,
        direction=Direction.IN,
        accepts=frozenset({credentials.CredentialKind.CARD}),
        building_id=None,
    )
    with world.uow:
        world.uow.places.save_door(other_building)
        world.uow.commit()
    for doors in ({world.a.gate_id, other_building.id}, {world.b.gate_id}):
        with pytest.raises(InvalidRequest) as refused:
            _resident_pass(world, tmp_path, doors=frozenset(doors))
        assert refused.value.code == "door_not_allowed"
        assert refused.value.details == {"field": "door_ids"}
    issued = _resident_pass(world, tmp_path, doors=frozenset({world.a.unit_door_id}))
    assert issued.qr_pass.door_ids == {world.a.unit_door_id}
    with world.uow:
        assert [p.id for p in world.uow.people.list(ALL, role=Role.VISITOR)] == [issued.visitor.id]


def test_a_resident_who_moved_out_issues_no_pass(world: World, tmp_path: Path) -> None:
    with world.uow:
        world.uow.people.move_out(world.a.membership_id, date.today(), ALL)
        world.uow.commit()
    with pytest.raises(NoCurrentHome) as refused:
        _resident_pass(world, tmp_path)
    assert refused.value.code == "no_current_home"


def test_an_account_without_a_person_issues_no_resident_pass(world: World, tmp_path: Path) -> None:
    from dataclasses import replace

    from menwei.server.domain.caller import Caller

    caller = world.caller("resident")
    nobody = Caller(replace(caller.principal, person_id=None), caller.scope)
    with pytest.raises(Forbidden):
        credentials.issue_pass(
            world.uow,
            nobody,
            pass_keys=PassKeyRing(tmp_path),
            visitor_name="陈静",
            visitor_phone="",
            door_ids=frozenset({world.a.gate_id}),
            valid_from=None,
            valid_until=datetime.now(UTC) + timedelta(hours=4),
            max_uses=1,
        )


def test_a_resident_may_open_the_common_gates_and_their_own_building_only(world: World) -> None:
    from menwei.core import Direction, Door, DoorKind

    other_building = Door(
        id=uuid.uuid4(),
        community_id=world.a.community_id,
        name="2号楼单元门",
        kind=DoorKind.UNIT_DOOR,
        direction=Direction.IN,
        accepts=frozenset({credentials.CredentialKind.CARD}),
        building_id=None,
    )
    with world.uow:
        world.uow.places.save_door(other_building)
        host = world.uow.people.get(world.a.resident_id, ALL)
        allowed = credentials.resident_doors(world.uow, host, ALL)
    assert allowed == {world.a.gate_id, world.a.unit_door_id}
