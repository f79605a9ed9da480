"""The UHPPOTE driver against the UDP controller simulator, over real sockets."""

from __future__ import annotations

import datetime as dt
import struct
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from menwei.gate.agent import GateAgent, GateConfig
from menwei.gate.controller_plan import ControllerPlan, plan_for
from menwei.gate.errors import DoorError
from menwei.gate.outbox import Outbox
from menwei.gate.uhppote import (
    DoorContext,
    UhppoteDoor,
    UhppoteEvents,
    UhppoteLink,
    UhppoteSettings,
    check_clock,
)
from menwei.gate.uhppote_simulator import ControllerSimulator

from .device_server import DeviceServer, card_json, world_records
from .local_http import LocalHttpServer, Recorded
from .test_pipeline import ScriptedFaces
from .world import NOW, ZHANG, make_world

TOKEN = "device-token-east-gate"
ZHANG_CARD = 12345678  # the world's card "0012345678"
TZ = "Asia/Shanghai"


@pytest.fixture
def sim() -> Iterator[ControllerSimulator]:
    controller = ControllerSimulator().start()
    yield controller
    controller.close()


def _settings(sim: ControllerSimulator, **extra: object) -> UhppoteSettings:
    return UhppoteSettings(
        serial=sim.serial, address=sim.address, timeout_s=0.3, listen="127.0.0.1:0", **extra
    )  # type: ignore[arg-type]


def _plan() -> ControllerPlan:
    world = make_world()
    now = dt.datetime.now(dt.UTC)
    return plan_for(world.state, world.door, door_number=1, now=now, timezone=TZ)


def _events(link: UhppoteLink, tmp_path: Path) -> UhppoteEvents:
    context = DoorContext(make_world().door.id, "east-gate", "in")
    plan = _plan()
    return UhppoteEvents(link, Outbox(tmp_path / "outbox.db"), context, person_of=plan.person_of)


def _wait_for(condition, timeout: float = 3.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _passages(outbox: Outbox) -> int:
    return sum(1 for e in outbox.pending(1000) if e.kind == "passage")


def test_the_door_opens_through_the_controller_relay(sim: ControllerSimulator) -> None:
    door = UhppoteDoor(UhppoteLink(_settings(sim, door=2)))
    door.energise()
    door.release()
    assert [d for d, _ in sim.opened] == [2]


def test_a_silent_or_wrong_controller_is_a_door_error_and_the_door_stays_shut(
    sim: ControllerSimulator,
) -> None:
    sim.answering = False
    with pytest.raises(DoorError, match="did not open the door"):
        UhppoteDoor(UhppoteLink(_settings(sim))).energise()
    sim.answering = True
    wrong = UhppoteSettings(serial=sim.serial + 1, address=sim.address, timeout_s=0.3)
    with pytest.raises(DoorError, match="did not open the door"):
        UhppoteLink(wrong).open_door()
    assert sim.opened == []


def test_bad_packets_are_ignored_and_the_controller_keeps_answering(
    sim: ControllerSimulator,
) -> None:
    good = bytearray(64)
    good[0], good[1] = 0x17, 0x40
    struct.pack_into("<L", good, 4, sim.serial)
    good[8] = 1
    assert sim.handle(b"\x17\x40") is None  # short
    assert sim.handle(bytes([0x99]) + bytes(good[1:])) is None  # wrong start byte
    assert sim.handle(bytes(good[:1]) + b"\xee" + bytes(good[2:])) is None  # unknown function
    bad_date = bytearray(good)
    bad_date[1] = 0x50
    struct.pack_into("<L", bad_date, 8, 42)
    bad_date[12:16] = b"\x99\x99\x99\x99"  # not a BCD date
    assert sim.handle(bytes(bad_date)) is None
    assert sim.ignored_packets == 4 and sim.cards == {}
    UhppoteLink(_settings(sim)).open_door()
    assert len(sim.opened) == 1


def test_the_card_list_is_pushed_and_a_revoked_card_is_removed(sim: ControllerSimulator) -> None:
    link = UhppoteLink(_settings(sim))
    world = make_world()
    now = dt.datetime.now(dt.UTC)
    plan = plan_for(world.state, world.door, door_number=1, now=now, timezone=TZ)
    assert link.push(plan).put == 1
    assert list(sim.cards) == [ZHANG_CARD] and sim.cards[ZHANG_CARD].doors == (1, 0, 0, 0)
    assert sim.swipe(ZHANG_CARD).granted
    assert link.push(plan).put == 0, "an unchanged list writes nothing"

    card = next(iter(world.state.cards.values()))
    revoked = replace(card, validity=replace(card.validity, revoked_at=now))
    state = replace(world.state, cards={card.key: revoked})
    summary = link.push(plan_for(state, world.door, door_number=1, now=now, timezone=TZ))
    assert summary.deleted == 1 and sim.cards == {}
    assert not sim.swipe(ZHANG_CARD).granted


def test_swipes_are_stored_live_and_those_made_while_the_gate_was_away_are_recovered(
    sim: ControllerSimulator, tmp_path: Path
) -> None:
    link = UhppoteLink(_settings(sim))
    link.push(_plan())
    events = _events(link, tmp_path)
    assert events.recover() == 0
    events.listen()
    link.set_listener("127.0.0.1", events.listen_port)
    sim.swipe(ZHANG_CARD)
    assert _wait_for(lambda: len(events.outbox) == 1)

    # The gate host goes away: the controller keeps deciding and buffering.
    events.close()
    for n in range(6):
        sim.swipe(ZHANG_CARD if n % 2 else 99_999_999)
    back = _events(link, tmp_path)
    assert back.recover() == 6
    back.listen()
    link.set_listener("127.0.0.1", back.listen_port)
    sim.swipe(ZHANG_CARD)
    assert _wait_for(lambda: len(back.outbox) == 8)
    assert back.recover() == 0, "nothing is stored twice"

    bodies = [e.body for e in back.outbox.pending(100)]
    assert [b["controller_event"] for b in bodies] == list(range(1, 9))
    assert [b["outcome"] for b in bodies][1:7] == ["deny", "allow"] * 3
    assert {b["person_id"] for b in bodies if b["outcome"] == "allow"} == {str(ZHANG)}
    assert {b["reason_code"] for b in bodies if b["outcome"] == "deny"} == {"unknown_card"}
    back.close()


def test_a_ten_minute_outage_loses_no_swipe(sim: ControllerSimulator, tmp_path: Path) -> None:
    """One swipe every two seconds for ten minutes of controller time, then recovery."""
    link = UhppoteLink(_settings(sim))
    link.push(_plan())
    start = sim.now()
    for n in range(300):
        sim.clock_offset = dt.timedelta(seconds=2 * n)
        sim.swipe(ZHANG_CARD)
    sim.clock_offset = dt.timedelta(0)
    assert sim.events[-1].at - start >= dt.timedelta(minutes=9, seconds=58)
    events = _events(link, tmp_path)
    assert events.recover() == 300 and events.lost == 0
    assert len(events.outbox) == 300 and sim.downloaded_index == 300


def test_events_overwritten_in_the_controller_are_reported_as_lost(
    tmp_path: Path,
) -> None:
    sim = ControllerSimulator(capacity=5).start()
    try:
        link = UhppoteLink(_settings(sim))
        for _ in range(8):
            sim.swipe(ZHANG_CARD)
        events = _events(link, tmp_path)
        assert events.recover() == 5 and events.lost == 3
        alerts = [e.body for e in events.outbox.pending(100) if e.kind == "controller"]
        assert [(a["reason_code"], a["events"]) for a in alerts] == [("controller_events_lost", 3)]
    finally:
        sim.close()


def test_a_drifted_clock_is_reported_and_set(sim: ControllerSimulator, tmp_path: Path) -> None:
    link = UhppoteLink(_settings(sim))
    events = _events(link, tmp_path)
    sim.clock_offset = dt.timedelta(minutes=-7)
    drift = check_clock(link, events, dt.datetime.now())
    assert -421 <= drift <= -419
    assert abs((link.clock() - dt.datetime.now()).total_seconds()) < 3
    (alert,) = [e.body for e in events.outbox.pending(10)]
    assert alert["reason_code"] == "controller_clock_drift" and alert["alert"] is True


def test_the_controller_keeps_opening_for_cards_with_the_gate_host_down_and_nothing_is_lost(
    sim: ControllerSimulator, tmp_path: Path
) -> None:
    device = DeviceServer(TOKEN)
    for kind, record_id, payload in world_records(make_world()):
        device.upsert(kind, record_id, payload)
    http = LocalHttpServer(Recorded(handler=device))
    config = GateConfig(
        data_dir=tmp_path / "gate",
        source=str(tmp_path),
        server=http.url,
        token=TOKEN,
        liveness="off",
        driver="uhppote",
        uhppote=_settings(sim, timezone=TZ),
        device_id="east-gate",
    )
    agent = GateAgent(config, faces=ScriptedFaces())
    try:
        agent.start()
        assert list(sim.cards) == [ZHANG_CARD]
        assert sim.doors == {1: (3, 3)}, "controlled mode, the gate's 3 s pulse"
        assert sim.listener is not None and sim.listener[0] == "127.0.0.1"
        sim.swipe(ZHANG_CARD)
        assert _wait_for(lambda: _passages(agent.outbox) == 1)
    finally:
        agent.close()

    # Gate host and server both down: the controller decides on its own.
    http.stop()
    outage = [sim.swipe(ZHANG_CARD).granted for _ in range(4)] + [sim.swipe(7).granted]
    assert outage == [True] * 4 + [False]

    http = LocalHttpServer(Recorded(handler=device), port=http.port)
    agent = GateAgent(config, faces=ScriptedFaces())
    try:
        agent.start()
        assert agent.controller is not None and agent.controller.events is not None
        assert agent.controller.events.recovered == 5
        # the card is revoked on the server: the next sync removes it from the controller
        card = next(iter(make_world().state.cards.values()))
        revoked = replace(card, validity=replace(card.validity, revoked_at=NOW))
        device.upsert("card", str(card.id), {**card_json(revoked), "version": 2})
        assert agent.syncer is not None and agent.syncer.run_once().errors == []
        assert sim.cards == {}
        assert device.acks[-1]["door_driver"] == "uhppote"
        assert not sim.swipe(ZHANG_CARD).granted
        assert _wait_for(lambda: _passages(agent.outbox) == 1)
        agent.syncer.run_once()
        swipes = [e for e in device.events.values() if e["credential_kind"] == "card"]
        assert len(swipes) == 7
        assert sorted(e["outcome"] for e in swipes) == ["allow"] * 5 + ["deny"] * 2
    finally:
        agent.close()
        http.stop()


def test_an_unreachable_controller_does_not_stop_the_gate(tmp_path: Path) -> None:
    device = DeviceServer(TOKEN)
    for kind, record_id, payload in world_records(make_world()):
        device.upsert(kind, record_id, payload)
    http = LocalHttpServer(Recorded(handler=device))
    gone = UhppoteSettings(
        serial=405419896, address="127.0.0.1:9", timeout_s=0.2, listen="127.0.0.1:0"
    )
    config = GateConfig(
        data_dir=tmp_path / "gate",
        source=str(tmp_path),
        server=http.url,
        token=TOKEN,
        liveness="off",
        driver="uhppote",
        uhppote=gone,
    )
    agent = GateAgent(config, faces=ScriptedFaces())
    try:
        pipeline = agent.start()
        from menwei.gate.credentials import PresentedCredential

        outcome = pipeline.present(PresentedCredential("card", "0012345678", 0.0))
        assert not outcome.allowed and outcome.reason_code == "door_fault"
        kinds = [(e.kind, e.body["reason_code"]) for e in agent.outbox.pending(100)]
        assert ("controller", "controller_unreachable") in kinds
        assert ("passage", "granted") in kinds
    finally:
        agent.close()
        http.stop()


def test_settings_come_from_a_toml_file_and_typos_are_refused(tmp_path: Path) -> None:
    from menwei.gate.settings_file import SettingsFileError, load, uhppote_settings

    path = tmp_path / "gate.toml"
    path.write_text(
        'driver = "uhppote"\n[uhppote]\nserial = 405419896\naddress = "192.168.1.100"\ndoor = 2\n',
        encoding="utf-8",
    )
    data = load(path)
    settings = uhppote_settings(data["uhppote"], {"door": None})
    assert (settings.serial, settings.address, settings.door) == (
        405419896,
        "192.168.1.100:60000",
        2,
    )
    assert uhppote_settings(data["uhppote"], {"door": 3}).door == 3
    with pytest.raises(SettingsFileError, match="serail"):
        uhppote_settings({"serail": 1, "address": "x"}, {})
    with pytest.raises(SettingsFileError, match="serial"):
        uhppote_settings({"address": "x"}, {})
    with pytest.raises(DoorError, match="1 to 4"):
        uhppote_settings({"serial": 1, "address": "x", "door": 5}, {})
    path.write_text("driver = [", encoding="utf-8")
    with pytest.raises(SettingsFileError, match="not valid TOML"):
        load(path)


def test_a_swipe_names_the_cards_holder_and_an_unknown_number_nobody() -> None:
    assert _plan().person_of(1) is None and _plan().person_of(ZHANG_CARD) == ZHANG


def test_osdp_settings_need_keys_and_a_private_file(tmp_path: Path) -> None:
    from menwei.gate.settings_file import SettingsFileError, load, osdp_settings

    path = tmp_path / "gate.toml"
    path.write_text(
        '[osdp]\nport = "/dev/ttyUSB0"\n'
        'readers = [{ address = 1, key = "000102030405060708090a0b0c0d0e0f" }]\n',
        encoding="utf-8",
    )
    path.chmod(0o644)
    with pytest.raises(SettingsFileError, match="chmod 600"):
        load(path)
    path.chmod(0o600)
    port, baud, readers = osdp_settings(load(path)["osdp"])
    assert (port, baud, readers[0].address, readers[0].key) == (
        "/dev/ttyUSB0",
        9600,
        1,
        bytes(range(16)),
    )
    with pytest.raises(SettingsFileError, match="32 hex digits"):
        osdp_settings({"port": "/dev/ttyUSB0", "readers": [{"address": 1, "key": "zz"}]})


def test_the_gate_command_refuses_an_unknown_setting_plainly(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from menwei.cli import app

    path = tmp_path / "gate.toml"
    path.write_text('driver = "uhppote"\n[uhppote]\nserial = 1\nadress = "10.0.0.2"\n')
    result = CliRunner().invoke(
        app,
        ["gate", "--source", str(tmp_path), "--settings", str(path), "--data-dir", str(tmp_path)],
    )
    assert result.exit_code == 2 and "adress" in result.output
