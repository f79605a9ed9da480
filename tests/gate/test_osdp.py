"""OSDP readers: libosdp's reader (PD) side in this process, over an in-memory bus."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from osdp import (
    Capability,
    CardFormat,
    Channel,
    Command,
    CommandLEDColor,
    Event,
    LogLevel,
    PDCapabilities,
    PDInfo,
    PeripheralDevice,
)

from menwei.gate.credentials import PresentedCredential
from menwei.gate.osdp import OsdpError, OsdpPanel, ReaderSettings, wiegand_number

from .test_pipeline import Rig

KEY_1 = bytes(range(16))
KEY_2 = bytes(range(16, 32))


class Wire:
    """One direction of the bus."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.lock = threading.Lock()
        self.cut = False


class End(Channel):
    """One end of a point-to-point link; ``cut`` drops everything (a pulled cable)."""

    def __init__(self, rx: Wire, tx: Wire) -> None:
        super().__init__()
        self.rx, self.tx = rx, tx

    def read(self, max_bytes: int) -> bytes:
        with self.rx.lock:
            chunk = bytes(self.rx.data[:max_bytes])
            del self.rx.data[:max_bytes]
        return b"" if self.rx.cut else chunk

    def write(self, buf: bytes) -> int:
        with self.tx.lock:
            if not self.tx.cut:
                self.tx.data.extend(buf)
        return len(buf)

    def flush(self) -> None:
        pass


class Bench:
    """Readers (PDs) with their own keys, each linked to the panel."""

    def __init__(self) -> None:
        self.readers: dict[int, PeripheralDevice] = {}
        self.links: dict[int, tuple[Wire, Wire]] = {}

    def reader(self, address: int, key: bytes, *, buzzer: bool = True) -> Channel:
        to_panel, to_reader = Wire(), Wire()
        caps = PDCapabilities(
            [(Capability.LEDControl, 1, 1)] + ([(Capability.AudibleControl, 1, 1)] * buzzer)
        )
        pd = PeripheralDevice(
            PDInfo(address, End(to_reader, to_panel), scbk=key), caps, log_level=LogLevel.Error
        )
        pd.start()
        self.readers[address] = pd
        self.links[address] = (to_panel, to_reader)
        return End(to_panel, to_reader)

    def cut(self, address: int) -> None:
        for wire in self.links[address]:
            wire.cut = True

    def close(self) -> None:
        for pd in self.readers.values():
            pd.stop()


def wiegand34(number: int) -> dict[str, object]:
    bits = number << 1  # parity bits left as zero: the panel does not check them
    return {
        "event": Event.CardRead,
        "reader_no": 0,
        "direction": 0,
        "format": CardFormat.Wiegand,
        "length": 34,
        "data": (bits << 6).to_bytes(5, "big"),
    }


def wait_for(condition: Callable[[], object], timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def commands(pd: PeripheralDevice, count: int) -> list[dict]:
    got = []
    while len(got) < count and (command := pd.get_command(timeout=3)) is not None:
        got.append(command)
    return got


@pytest.fixture
def bench() -> Iterator[Bench]:
    b = Bench()
    yield b
    b.close()


def _panel(bench: Bench, rig: Rig, keys: dict[int, bytes], events: list) -> OsdpPanel:
    feeds: dict[int, Channel] = {}
    for address, key in keys.items():
        feeds[address] = bench.reader(address, key)

    def decide(address: int, credential: PresentedCredential) -> str:
        outcome = rig.pipeline.present(credential)
        if outcome.allowed:
            return "allow"
        return "step_up" if outcome.reason_code == "step_up_required" else "deny"

    readers = [ReaderSettings(a, KEY_1 if a == 1 else KEY_2) for a in keys]
    return OsdpPanel(
        lambda r: feeds[r.address],
        readers,
        on_credential=decide,
        on_event=lambda reason, address: events.append((reason, address)),
    ).start(poll_s=0.05)


def test_wiegand_reads_become_the_wedge_readers_number() -> None:
    data = ((12345678 << 1) << 6).to_bytes(5, "big")
    assert wiegand_number(34, data) == "0012345678"
    facility_81_card_1234 = (81 << 16 | 1234) << 1 << 6  # 26 bits, left-aligned in 4 bytes
    assert wiegand_number(26, facility_81_card_1234.to_bytes(4, "big")) == f"{81 << 16 | 1234:010d}"
    assert wiegand_number(0, b"") is None


def test_a_card_read_opens_the_door_lights_green_and_a_pin_reaches_the_pipeline(
    bench: Bench, tmp_path: Path
) -> None:
    rig, events = Rig(tmp_path), []
    panel = _panel(bench, rig, {1: KEY_1}, events)
    try:
        assert wait_for(lambda: panel.online[1]), "the reader never reached Secure Channel"
        reader = bench.readers[1]
        reader.submit_event(wiegand34(12345678))
        led, buzzer = commands(reader, 2)
        assert rig.relay.history == ["open"]
        assert led["command"] == Command.LED and led["on_color"] == CommandLEDColor.Green
        assert buzzer["command"] == Command.Buzzer and buzzer["rep_count"] == 1

        reader.submit_event({"event": Event.KeyPress, "reader_no": 0, "data": b"2468#"})
        led, _ = commands(reader, 2)
        assert led["on_color"] == CommandLEDColor.Red  # a PIN alone names nobody
        passages = [body for kind, body in rig.events() if kind == "passage"]
        assert [(p["credential_kind"], p["outcome"]) for p in passages] == [
            ("card", "allow"),
            ("pin", "deny"),
        ]
        assert rig.relay.history == ["open"]
        assert events == [("osdp_reader_online", 1)]
    finally:
        panel.close()


def test_a_reader_with_the_wrong_key_is_never_listened_to(bench: Bench, tmp_path: Path) -> None:
    rig, events = Rig(tmp_path), []
    feed = bench.reader(1, bytes(16))  # the reader holds another key
    panel = OsdpPanel(
        lambda r: feed,
        [ReaderSettings(1, KEY_1)],
        on_credential=lambda a, c: rig.pipeline.present(c) and "allow",
        on_event=lambda reason, address: events.append((reason, address)),
    ).start(poll_s=0.05, secure_grace_s=1.0)
    try:
        assert wait_for(lambda: events == [("osdp_reader_not_secure", 1)], timeout=4)
        assert panel.online[1] is False
        bench.readers[1].submit_event(wiegand34(12345678))
        time.sleep(1)
        assert rig.relay.history == [] and rig.events() == []
    finally:
        panel.close()


def test_a_reader_dropping_off_the_bus_is_an_event_and_the_other_keeps_working(
    bench: Bench, tmp_path: Path
) -> None:
    rig, events = Rig(tmp_path), []
    panel = _panel(bench, rig, {1: KEY_1, 2: KEY_2}, events)
    try:
        assert wait_for(lambda: panel.online[1] and panel.online[2])
        bench.cut(1)
        assert wait_for(lambda: ("osdp_reader_offline", 1) in events, timeout=15)
        bench.readers[2].submit_event(wiegand34(12345678))
        assert wait_for(lambda: rig.relay.history == ["open"])
    finally:
        panel.close()


def test_a_reader_without_a_buzzer_gets_the_light_and_stays_on_the_bus(
    bench: Bench, tmp_path: Path
) -> None:
    rig, events = Rig(tmp_path), []
    feed = bench.reader(1, KEY_1, buzzer=False)
    panel = OsdpPanel(
        lambda r: feed,
        [ReaderSettings(1, KEY_1)],
        on_credential=lambda a, c: "allow" if rig.pipeline.present(c).allowed else "deny",
        on_event=lambda reason, address: events.append((reason, address)),
    ).start(poll_s=0.05)
    try:
        assert wait_for(lambda: panel.online[1])
        for _ in range(2):
            bench.readers[1].submit_event(wiegand34(12345678))
            (led,) = commands(bench.readers[1], 1)
            assert led["command"] == Command.LED
        time.sleep(0.5)
        assert panel.online[1] and events == [("osdp_reader_online", 1)]
    finally:
        panel.close()


def test_bad_reader_settings_are_refused_plainly() -> None:
    with pytest.raises(OsdpError, match="16 bytes"):
        ReaderSettings(1, b"short")
    with pytest.raises(OsdpError, match="0 to 126"):
        ReaderSettings(200, KEY_1)
