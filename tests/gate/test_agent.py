from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest

from menwei.gate.agent import GateAgent, GateConfig
from menwei.gate.credentials import PresentedCredential
from menwei.gate.doors import SimulatedDoor
from menwei.gate.errors import CredentialInputError, LocalStateError, SyncError
from menwei.gate.sources import Frame
from menwei.gate.sync import SyncClient

from .device_server import DeviceServer, face_json, world_records
from .local_http import LocalHttpServer, Recorded
from .test_pipeline import ScriptedFaces, _face, _textured_frame, _unit
from .world import LI, NOW, ZHANG, make_world

TOKEN = "device-token-east-gate"


def _server_with_world() -> DeviceServer:
    server = DeviceServer(TOKEN)
    for kind, record_id, payload in world_records(make_world()):
        server.upsert(kind, record_id, payload)
    server.template(ZHANG, _unit(1))
    server.template(LI, _unit(2))
    return server


def _agent(tmp_path: Path, url: str, faces: ScriptedFaces, door: SimulatedDoor) -> GateAgent:
    config = GateConfig(
        data_dir=tmp_path / "gate", source=str(tmp_path), server=url, token=TOKEN, liveness="off"
    )
    return GateAgent(config, faces=faces, driver=door)


class Approach:
    """Feeds frames of one face to the pipeline, far enough apart to be a new approach."""

    def __init__(self, agent: GateAgent, faces: ScriptedFaces) -> None:
        self.agent, self.faces, self.t, self.n = agent, faces, 1000.0, 0
        self.image = _textured_frame()

    def of(self, vector: np.ndarray) -> list:
        assert self.agent.pipeline is not None
        self.agent.pipeline.tracker.cooldown_s = 0.0
        self.faces.faces = [_face(200)]
        self.faces.vectors[_face(200).box] = vector
        self.t += 100.0
        self.agent.pipeline._clock = lambda: self.t
        self.agent.pipeline._wall = lambda: NOW
        for _ in range(12):  # frames 0.25 s apart until the track is decided (cap: 2 s)
            self.t += 0.25
            self.n += 1
            outcomes = self.agent.pipeline.process_frame(Frame(self.image, self.t, self.n))
            if outcomes:
                return outcomes
        return []


def test_a_gate_that_never_synced_and_cannot_reach_the_server_refuses_to_start(
    tmp_path: Path,
) -> None:
    agent = _agent(tmp_path, "http://127.0.0.1:9", ScriptedFaces(), SimulatedDoor())
    with pytest.raises(LocalStateError, match="no door policy"):
        agent.start()
    agent.close()


def test_a_withdrawn_person_is_refused_by_face_after_sync_while_their_card_works(
    tmp_path: Path,
) -> None:
    device = _server_with_world()
    http = LocalHttpServer(Recorded(handler=device))
    faces, door = ScriptedFaces(), SimulatedDoor()
    agent = _agent(tmp_path, http.url, faces, door)
    try:
        pipeline = agent.start()
        approach = Approach(agent, faces)
        assert [o.allowed for o in approach.of(_unit(1))] == [True]

        zhang_face = make_world().state.faces[ZHANG]
        withdrawn = replace(zhang_face, consent_withdrawn_at=NOW - timedelta(minutes=5))
        device.upsert("face", str(withdrawn.id), face_json(withdrawn))
        device.delete("template", str(ZHANG))
        report = agent.syncer.run_once()
        assert report.errors == [] and report.dropped_templates == 1
        assert ZHANG not in pipeline.gallery and LI in pipeline.gallery

        (refused,) = approach.of(_unit(1))
        assert not refused.allowed
        card = pipeline.present(PresentedCredential("card", "0012345678", 0.0))
        assert card.allowed and pipeline.door.unlocked

        acked = [a for ack in device.acks for a in ack["applied"]]
        assert any(
            (a["kind"], a["id"], a["action"]) == ("template", str(ZHANG), "delete") for a in acked
        ), "the server must learn that this device dropped the template"
        agent.syncer.run_once()
        outcomes = [e["outcome"] for e in device.events.values()]
        assert sorted(outcomes) == ["allow", "allow", "deny"]
        assert len(agent.outbox) == 0
    finally:
        agent.close()
        http.stop()


def test_a_gate_matches_only_templates_its_own_model_made(tmp_path: Path) -> None:
    device = DeviceServer(TOKEN)
    for kind, record_id, payload in world_records(make_world()):
        device.upsert(kind, record_id, payload)
    device.template(ZHANG, _unit(1), model_id="another-model")
    device.template(LI, _unit(2), model_id="sface-2021dec")
    http = LocalHttpServer(Recorded(handler=device))
    faces, door = ScriptedFaces(), SimulatedDoor()  # no model of its own: the default's
    agent = _agent(tmp_path, http.url, faces, door)
    try:
        pipeline = agent.start()
        assert ZHANG not in pipeline.gallery and LI in pipeline.gallery
        (refused,) = Approach(agent, faces).of(_unit(1))
        assert not refused.allowed  # a vector of another model is never compared
        device.template(ZHANG, _unit(1), model_id="sface-2021dec")  # enrolled again
        assert agent.syncer.run_once().errors == []
        assert ZHANG in pipeline.gallery
        device.template(LI, _unit(2), model_id="another-model")
        agent.syncer.run_once()
        assert LI not in pipeline.gallery
    finally:
        agent.close()
        http.stop()


def test_a_gate_matches_no_face_under_thresholds_made_for_another_model(tmp_path: Path) -> None:
    device = DeviceServer(TOKEN)
    for kind, record_id, payload in world_records(make_world()):
        if kind == "policy":
            payload = {**payload, "face": {**payload["face"], "model_id": "another-model"}}
        device.upsert(kind, record_id, payload)
    device.template(ZHANG, _unit(1), model_id="sface-2021dec")
    http = LocalHttpServer(Recorded(handler=device))
    faces, door = ScriptedFaces(), SimulatedDoor()
    agent = _agent(tmp_path, http.url, faces, door)
    try:
        pipeline = agent.start()
        assert len(pipeline.gallery) == 0
        card = pipeline.present(PresentedCredential("card", "0012345678", 0.0))
        assert card.allowed  # the card still opens the door
    finally:
        agent.close()
        http.stop()


def test_the_gate_keeps_deciding_while_the_server_is_down_and_delivers_everything_once(
    tmp_path: Path,
) -> None:
    device = _server_with_world()
    http = LocalHttpServer(Recorded(handler=device))
    port = http.port
    faces, door = ScriptedFaces(), SimulatedDoor()
    agent = _agent(tmp_path, http.url, faces, door)
    try:
        pipeline = agent.start()
        approach = Approach(agent, faces)
        approach.of(_unit(1))
        assert agent.syncer.run_once().events_uploaded == 1
        http.stop()

        granted = [
            o.allowed for i in range(5) for o in approach.of(_unit(1) if i % 2 else _unit(2))
        ]
        granted.append(pipeline.present(PresentedCredential("card", "0012345678", 0.0)).allowed)
        assert granted == [True] * 6
        report = agent.syncer.run_once()
        assert report.errors and "could not be reached" in report.errors[0]
        assert len(agent.outbox) == 6

        http = LocalHttpServer(Recorded(handler=device), port=port)
        report = agent.syncer.run_once()
        assert report.errors == [] and report.events_uploaded == 6
        assert len(device.events) == 7 and device.received == 7
        assert len(agent.outbox) == 0
    finally:
        agent.close()
        http.stop()


def test_a_refused_token_is_a_clear_sync_error(http_server) -> None:
    url, recorded = http_server
    recorded.handler = DeviceServer("another-token")
    client = SyncClient(url, TOKEN)
    with pytest.raises(SyncError, match="refused this device's token"):
        client.pull(None)
    client.close()


def test_a_malformed_change_page_is_a_sync_error_not_a_crash() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"changes": [{"kind": "face"}], "cursor": "1"})

    client = SyncClient("http://server", TOKEN, transport=httpx.MockTransport(handler))
    with pytest.raises(SyncError, match="malformed"):
        client.pull(None)
    client.close()


def test_alarms_and_refusals_are_uploaded_in_the_servers_event_shape(tmp_path: Path) -> None:
    from menwei.gate.sync import event_report
    from menwei.gate.tailgating import TailgatingIncident

    from .device_server import _valid
    from .test_pipeline import Rig

    rig = Rig(tmp_path)
    rig.pipeline.report_held_open(42.0)
    rig.pipeline._report_tailgating(TailgatingIncident(0.0, 6.0, 1, 3))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = _unit(3)
    rig.approach(_textured_frame())
    reports = [event_report(e) for e in rig.outbox.pending()]
    assert [r["reason_code"] for r in reports] == ["door_held_open", "tailgating", "unknown_face"]
    assert all(_valid(r) for r in reports)
    assert reports[0]["credential_kind"] == "none" and reports[2]["credential_kind"] == "face"


def test_a_card_read_from_the_readers_input_device_opens_the_door(tmp_path: Path) -> None:
    import struct

    device = _server_with_world()
    http = LocalHttpServer(Recorded(handler=device))
    agent = _agent(tmp_path, http.url, ScriptedFaces(), SimulatedDoor())
    try:
        agent.start()
        codes = {"0": 11, **{str(d): d + 1 for d in range(1, 10)}}
        raw = b"".join(
            struct.pack("llHHi", 0, 0, 1, code, 1)
            for code in [codes[c] for c in "0012345678"] + [28]
        )
        events = tmp_path / "event-kbd"
        events.write_bytes(raw)
        agent.read_cards(str(events)).join(timeout=10)
        (body,) = [e.body for e in agent.outbox.pending()]
        assert (body["credential_kind"], body["outcome"]) == ("card", "allow")
        assert agent.pipeline is not None and agent.pipeline.door.unlocked
        with pytest.raises(CredentialInputError, match="could not be opened"):
            agent.read_cards(str(tmp_path / "missing"))

        # a PIN typed on the pad, with nobody named, is refused without saying whose it is
        pad = tmp_path / "event-pinpad"
        pad.write_bytes(
            b"".join(struct.pack("llHHi", 0, 0, 1, c, 1) for c in [codes["2"]] * 6 + [96])
        )
        agent.read_pin_pad(str(pad)).join(timeout=10)
        last = agent.outbox.pending()[-1].body
        assert (last["credential_kind"], last["outcome"]) == ("pin", "deny")
        assert last["person_id"] is None
    finally:
        agent.close()
        http.stop()
