"""Each door's own tailgating rule, as the gate applies it: alert only, alert and hold the door
shut for a while, or not monitored; a door without a camera watches nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from menwei.core import HOLD_SECONDS, CredentialKind, TailgatingMode
from menwei.gate.credentials import PresentedCredential
from menwei.gate.pipeline import TAILGATING_HOLD
from menwei.gate.records import build_snapshot, door_from

from .test_pipeline import Rig, _face, _textured_frame, _unit
from .world import ZHANG


def _let_two_through_on_one_face(rig: Rig) -> None:
    """Zhang is let in by face and a stranger follows before the window closes."""
    rig.gallery.add(ZHANG, _unit(1))
    follower = _face(420, 120)
    rig.faces.vectors[_face(100).box] = _unit(1)
    rig.faces.vectors[follower.box] = _unit(55)
    image = _textured_frame()
    rig.faces.faces = [_face(100)]
    rig.frame(image)
    rig.faces.faces = [_face(100), follower]
    for _ in range(5):
        rig.frame(image)
    rig.faces.faces = []
    rig.clock.now += 10
    rig.frame(image)


def _set_rule(rig: Rig, mode: TailgatingMode, **changes: object) -> None:
    """What a sync does when the office changes the door: the holder gets the new door."""
    holder = rig.pipeline.holder
    holder.replace(replace(holder.door, tailgating=mode, **changes), holder.state)


def _card(rig: Rig):  # type: ignore[no-untyped-def]
    return rig.pipeline.present(PresentedCredential("card", "0012345678", rig.clock.now))


def test_alert_only_raises_an_alert_and_the_door_keeps_opening(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    assert rig.pipeline.holder.door.tailgating is TailgatingMode.ALERT  # the default
    _let_two_through_on_one_face(rig)
    alert = next(b for k, b in rig.events() if k == "tailgating")
    assert alert["rule"] == "alert" and alert["crossings"] == 2
    assert _card(rig).allowed
    assert rig.relay.history.count("open") == 2


def test_hold_keeps_the_door_shut_after_an_alert_then_opens_again(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    _set_rule(rig, TailgatingMode.HOLD)
    _let_two_through_on_one_face(rig)
    alert = next(b for k, b in rig.events() if k == "tailgating")
    assert alert["rule"] == "hold"
    opened = rig.relay.history.count("open")
    held = _card(rig)
    assert not held.allowed and held.reason_code == TAILGATING_HOLD
    assert "暂停开启" in held.message_zh and "stays shut" in held.message_en
    assert rig.relay.history.count("open") == opened  # the lock was not pulsed
    passage = rig.events()[-1][1]
    assert (passage["outcome"], passage["reason_code"]) == ("deny", TAILGATING_HOLD)
    rig.clock.now += HOLD_SECONDS
    assert _card(rig).allowed
    assert rig.relay.history.count("open") == opened + 1


def test_the_office_lifting_hold_reopens_the_door_at_once(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    _set_rule(rig, TailgatingMode.HOLD)
    _let_two_through_on_one_face(rig)
    _set_rule(rig, TailgatingMode.ALERT)
    assert _card(rig).allowed


@pytest.mark.parametrize("camera", [True, False])
def test_a_door_not_monitored_raises_no_alert(tmp_path: Path, camera: bool) -> None:
    rig = Rig(tmp_path)
    if camera:
        _set_rule(rig, TailgatingMode.OFF)
    else:  # set to hold, but a door that reads no faces has no camera to count with
        kinds = frozenset({CredentialKind.CARD, CredentialKind.PIN, CredentialKind.QR})
        _set_rule(rig, TailgatingMode.HOLD, accepts=kinds)
        assert rig.pipeline.holder.door.tailgating_in_effect is TailgatingMode.OFF
    _let_two_through_on_one_face(rig)
    assert "tailgating" not in [k for k, _ in rig.events()]
    assert _card(rig).allowed


def _door_record(**extra: object) -> dict[str, object]:
    return {
        "id": "00000000-0000-0000-0000-00000000012d",
        "community_id": "00000000-0000-0000-0000-000000000001",
        "name": "东门",
        "kind": "gate",
        "direction": "in",
        "accepts": ["card", "face"],
        "building_id": None,
        "anti_passback": "off",
        "passback_zone": None,
    } | extra


def test_the_door_record_carries_the_rule_and_an_older_server_means_alert() -> None:
    assert door_from(_door_record(tailgating="hold")).tailgating is TailgatingMode.HOLD
    assert door_from(_door_record()).tailgating is TailgatingMode.ALERT
    snapshot = build_snapshot(
        [("door", str(_door_record()["id"]), json.dumps(_door_record(tailgating="off")).encode())]
    )
    assert snapshot.door().tailgating is TailgatingMode.OFF
