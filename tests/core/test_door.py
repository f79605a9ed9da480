"""R1 at the door: face may never be the only way in."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from menwei.core.credential import CredentialKind
from menwei.core.direction import Direction
from menwei.core.door import Door, DoorKind, validate_door
from menwei.core.errors import FaceOnlyDoor, InvalidConfiguration

FACE, CARD, PIN, QR = (
    CredentialKind.FACE,
    CredentialKind.CARD,
    CredentialKind.PIN,
    CredentialKind.QR,
)


def _door(accepts: set[CredentialKind]) -> Door:
    return Door(
        id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        name="东门",
        kind=DoorKind.GATE,
        direction=Direction.IN,
        accepts=frozenset(accepts),
    )


def test_a_face_only_door_is_refused_with_a_message_citing_r1() -> None:
    with pytest.raises(FaceOnlyDoor) as caught:
        _door({FACE})
    assert "R1" in caught.value.message_zh
    assert "人脸不得作为唯一通行方式" in caught.value.message_zh
    assert "R1" in caught.value.message_en
    assert caught.value.code == "face_only_door"


@pytest.mark.parametrize("other", [CARD, PIN, QR])
def test_a_face_door_with_any_non_face_credential_is_accepted(other: CredentialKind) -> None:
    assert _door({FACE, other}).accepts == {FACE, other}


def test_removing_the_last_non_face_credential_from_a_face_door_is_refused() -> None:
    door = _door({FACE, CARD})
    with pytest.raises(FaceOnlyDoor):
        door.accepting({FACE})
    with pytest.raises(FaceOnlyDoor):
        replace(door, accepts=frozenset({FACE}))


def test_validate_door_catches_a_door_built_around_the_constructor() -> None:
    door = _door({FACE, CARD})
    object.__setattr__(door, "accepts", frozenset({FACE}))
    with pytest.raises(FaceOnlyDoor):
        validate_door(door)


def test_a_door_that_accepts_nothing_is_refused() -> None:
    with pytest.raises(InvalidConfiguration):
        _door(set())


def test_a_card_only_door_needs_no_face() -> None:
    assert _door({CARD}).accepts_kind(CARD)
    assert not _door({CARD}).accepts_kind(FACE)


def test_anti_passback_without_a_pairing_zone_is_refused() -> None:
    from menwei.core.anti_passback import AntiPassbackMode

    with pytest.raises(InvalidConfiguration):
        replace(_door({CARD}), anti_passback=AntiPassbackMode.HARD)


def test_settings_read_back_as_text_become_enum_members() -> None:
    door = Door(
        id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        name="北门",
        kind="gate",  # type: ignore[arg-type]
        direction="in",  # type: ignore[arg-type]
        accepts=frozenset({"card", "face"}),  # type: ignore[arg-type]
        anti_passback="soft",  # type: ignore[arg-type]
        passback_zone="north",
    )
    from menwei.core.anti_passback import AntiPassbackMode

    assert door.kind is DoorKind.GATE and door.direction is Direction.IN
    assert door.anti_passback is AntiPassbackMode.SOFT
    assert door.accepts == {CARD, FACE}


def test_an_unknown_door_setting_is_refused_with_a_clear_error() -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        replace(_door({CARD}), kind="drawbridge")  # type: ignore[arg-type]
    assert "drawbridge" in caught.value.message_en
