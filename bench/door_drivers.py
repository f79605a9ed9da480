"""Card read to relay command through each door driver, and controller swipe to outbox.

    .venv/bin/python bench/door_drivers.py [--runs 300]

1. **Card read → relay command.** ``GatePipeline.present`` with a card (``core.decide``, the
   door pulse, the event into the SQLite outbox with its fsync) until the relay command
   reaches the hardware: for ``simulated``, the driver's ``energise``; for ``uhppote``, the
   open-door request arriving at the controller simulator over UDP on the loopback (the
   pipeline waits for the controller's reply before it writes the event).
2. **Controller swipe → outbox.** A card swiped at the controller (which decides on its own)
   until its event is in the gate's outbox: the event packet to the gate's UDP listener, the
   outbox write with its fsync, and the "downloaded" index stored back in the controller.
3. **Recovery.** Events buffered in the controller while the gate was away, read back.
4. **OSDP card read → relay command.** libosdp's reader side in this process submits a
   Wiegand read; the gate, as control panel over an in-memory bus with Secure Channel,
   decides and energises the (simulated) relay. libosdp polls the bus every 20 ms, which
   dominates this figure (on a real 9600-baud bus each poll also takes the wire time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import osdp

from gate_world import SINCE, one_resident_gate
from menwei.core import (
    AccessState,
    Card,
    CredentialKind,
    Door,
)
from menwei.gate.controller_plan import plan_for
from menwei.gate.credentials import PresentedCredential
from menwei.gate.doors import DoorController, DoorDriver, SimulatedDoor
from menwei.gate.osdp import OsdpPanel, ReaderSettings
from menwei.gate.outbox import Outbox
from menwei.gate.pipeline import GatePipeline, StateHolder
from menwei.gate.uhppote import (
    DoorContext,
    UhppoteDoor,
    UhppoteEvents,
    UhppoteLink,
    UhppoteSettings,
)
from menwei.gate.uhppote_simulator import ControllerSimulator
from menwei.vision.engine import FaceEngine
from menwei.vision.gallery import Gallery

TZ = "Asia/Shanghai"
PERSON = uuid.UUID(int=101)
CARD_UID = "0012345678"


def world() -> tuple[Door, AccessState]:
    return one_resident_gate(
        PERSON,
        name="resident",
        accepts=frozenset({CredentialKind.CARD, CredentialKind.FACE}),
        confident=0.5,
        cards=[Card(id=uuid.UUID(int=401), person_id=PERSON, uid=CARD_UID, validity=SINCE)],
    )


class TimedDoor(SimulatedDoor):
    """The simulated driver, noting when the relay command is given."""

    def __init__(self) -> None:
        super().__init__("east gate")
        self.times: list[float] = []

    def energise(self) -> None:
        self.times.append(time.perf_counter())
        super().energise()


def card_to_relay(
    steps: FaceEngine, driver: DoorDriver, relay_times: list[float], outbox: Outbox, runs: int
) -> list[float]:
    door, state = world()
    pipeline = GatePipeline(
        holder=StateHolder(door, state),
        faces=steps,
        gallery=Gallery(capacity=16),
        door=DoorController(driver, pulse_s=0.001),
        outbox=outbox,
    )
    samples = []
    for _ in range(runs):
        time.sleep(0.002)  # the pulse ends and the door locks again
        pipeline.tick_door()
        start = time.perf_counter()
        outcome = pipeline.present(PresentedCredential("card", CARD_UID, time.monotonic()))
        assert outcome.allowed, outcome.reason_code
        samples.append((relay_times[-1] - start) * 1000)
    return samples


def swipe_to_outbox(sim: ControllerSimulator, events: UhppoteEvents, runs: int) -> list[float]:
    samples = []
    number = int(CARD_UID)
    for _ in range(runs):
        before = len(events.outbox)
        start = time.perf_counter()
        sim.swipe(number)
        while len(events.outbox) == before:
            time.sleep(0.0001)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


class Wire:
    def __init__(self) -> None:
        self.data = bytearray()
        self.lock = threading.Lock()


class End(osdp.Channel):
    """One end of an in-memory point-to-point link."""

    def __init__(self, rx: Wire, tx: Wire) -> None:
        super().__init__()
        self.rx, self.tx = rx, tx

    def read(self, max_bytes: int) -> bytes:
        with self.rx.lock:
            chunk = bytes(self.rx.data[:max_bytes])
            del self.rx.data[:max_bytes]
        return chunk

    def write(self, buf: bytes) -> int:
        with self.tx.lock:
            self.tx.data.extend(buf)
        return len(buf)

    def flush(self) -> None:
        pass


def osdp_card_to_relay(steps: FaceEngine, outbox: Outbox, runs: int) -> list[float]:
    door, state = world()
    timed = TimedDoor()
    pipeline = GatePipeline(
        holder=StateHolder(door, state),
        faces=steps,
        gallery=Gallery(capacity=16),
        door=DoorController(timed, pulse_s=0.001),
        outbox=outbox,
    )
    key = bytes(range(16))
    to_panel, to_reader = Wire(), Wire()
    caps = osdp.PDCapabilities(
        [(osdp.Capability.LEDControl, 1, 1), (osdp.Capability.AudibleControl, 1, 1)]
    )
    reader = osdp.PeripheralDevice(
        osdp.PDInfo(1, End(to_reader, to_panel), scbk=key), caps, log_level=osdp.LogLevel.Error
    )
    reader.start()

    def decide(address: int, credential: PresentedCredential) -> str:
        return "allow" if pipeline.present(credential).allowed else "deny"

    panel = OsdpPanel(
        lambda _: End(to_panel, to_reader),
        [ReaderSettings(1, key)],
        on_credential=decide,
        on_event=lambda reason, address: None,
    ).start(poll_s=0.05)
    while not panel.online[1]:
        time.sleep(0.05)
    read = {
        "event": osdp.Event.CardRead,
        "reader_no": 0,
        "direction": 0,
        "format": osdp.CardFormat.Wiegand,
        "length": 34,
        "data": ((int(CARD_UID) << 1) << 6).to_bytes(5, "big"),
    }
    samples = []
    for _ in range(runs):
        time.sleep(0.005)
        pipeline.tick_door()
        before = len(timed.times)
        start = time.perf_counter()
        reader.submit_event(read)
        while len(timed.times) == before:
            time.sleep(0.0002)
        samples.append((timed.times[-1] - start) * 1000)
        while reader.get_command(timeout=0) is not None:
            pass
    panel.close()
    reader.stop()
    return samples


def show(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{name:44s} n={len(samples):4d}  median {statistics.median(samples):6.2f} ms  "
        f"p95 {p95:6.2f} ms  max {ordered[-1]:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    steps = FaceEngine()  # the pipeline needs its face steps; a card does not use them
    sim = ControllerSimulator().start()
    settings = UhppoteSettings(
        serial=sim.serial, address=sim.address, listen="127.0.0.1:0", timeout_s=1.0
    )
    link = UhppoteLink(settings)
    door, state = world()
    plan = plan_for(state, door, door_number=1, now=dt.datetime.now(dt.UTC), timezone=TZ)
    link.push(plan)
    with tempfile.TemporaryDirectory() as folder:
        timed = TimedDoor()
        outbox = Outbox(Path(folder) / "a.db")
        show("card → relay, simulated driver",
             card_to_relay(steps, timed, timed.times, outbox, args.runs))  # fmt: skip
        outbox, relay = Outbox(Path(folder) / "b.db"), UhppoteDoor(link)
        show("card → relay, uhppote driver (UDP)",
             card_to_relay(steps, relay, sim.relay_times, outbox, args.runs))  # fmt: skip

        context = DoorContext(door.id, "bench", "in")
        events = UhppoteEvents(link, Outbox(Path(folder) / "c.db"), context,
                               person_of=plan.person_of)  # fmt: skip
        events.recover()
        events.listen()
        link.set_listener("127.0.0.1", events.listen_port)
        show("controller swipe → gate outbox", swipe_to_outbox(sim, events, args.runs))
        events.close()

        for _ in range(args.runs):
            sim.swipe(int(CARD_UID))
        back = UhppoteEvents(link, Outbox(Path(folder) / "d.db"), context)
        start = time.perf_counter()
        recovered = back.recover()
        elapsed = time.perf_counter() - start
        print(f"recovered {recovered} buffered events in {elapsed * 1000:.0f} ms "
              f"({elapsed * 1000 / max(1, recovered):.2f} ms each), lost {back.lost}")  # fmt: skip
        outbox, runs = Outbox(Path(folder) / "e.db"), min(args.runs, 100)
        show("OSDP card read → relay (Secure Channel)", osdp_card_to_relay(steps, outbox, runs))
    sim.close()


if __name__ == "__main__":
    main()
