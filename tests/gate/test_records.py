from __future__ import annotations

import json

import numpy as np
import pytest

from menwei.gate.errors import LocalStateError
from menwei.gate.records import build_snapshot, tag_template, template_bytes

from .device_server import world_records
from .world import LI, ZHANG, make_world


def _records():
    out = []
    for kind, record_id, payload in world_records(make_world()):
        out.append((kind, record_id, json.dumps(payload).encode()))
    return out


def test_the_servers_records_rebuild_the_same_door_and_state() -> None:
    world = make_world()
    vector = np.ones(128, dtype=np.float32) / np.sqrt(128)
    snapshot = build_snapshot([*_records(), ("template", str(ZHANG), template_bytes(vector))])
    assert snapshot.door() == world.door
    assert snapshot.state is not None
    assert set(snapshot.state.people) == {ZHANG, LI}
    assert snapshot.state.cards == world.state.cards
    assert snapshot.state.faces == world.state.faces
    assert snapshot.state.memberships == world.state.memberships
    assert np.allclose(snapshot.templates[ZHANG], vector)


def test_a_malformed_record_names_its_kind_and_id() -> None:
    records = [*_records(), ("card", "c-bad", b'{"id": "not-a-uuid"}')]
    with pytest.raises(LocalStateError, match="card record c-bad"):
        build_snapshot(records)


@pytest.mark.parametrize("payload", [b"\x00" * 4, b"\x00" * 13, b"\x00" * 4 * 4097])
def test_a_template_of_the_wrong_length_is_refused(payload: bytes) -> None:
    with pytest.raises(LocalStateError, match="template record"):
        build_snapshot([("template", str(ZHANG), payload)])


def test_a_gate_uses_only_the_templates_its_own_model_made() -> None:
    old = np.ones(128, dtype=np.float32) / np.sqrt(128)
    new = np.ones(32, dtype=np.float32) / np.sqrt(32)
    snapshot = build_snapshot(
        [
            ("template", str(ZHANG), template_bytes(old)),  # stored before models were named
            ("template", str(LI), tag_template(template_bytes(new), "tiny-avgpool-32")),
        ]
    )
    assert snapshot.template_models == {ZHANG: "sface-2021dec", LI: "tiny-avgpool-32"}
    assert set(snapshot.templates_of("sface-2021dec")) == {ZHANG}
    assert snapshot.templates_of("another-model") == {}
    # thresholds calibrated for another model: no template is compared at all
    assert snapshot.templates_of("tiny-avgpool-32") == {}
    snapshot.policy_model_id = "tiny-avgpool-32"
    assert snapshot.templates_of("sface-2021dec") == {}
    assert set(snapshot.templates_of("tiny-avgpool-32")) == {LI}


def test_a_device_with_several_doors_must_be_told_which_one() -> None:
    snapshot = build_snapshot(_records())
    snapshot.doors[LI] = snapshot.door()
    with pytest.raises(LocalStateError, match="--door"):
        snapshot.door()
