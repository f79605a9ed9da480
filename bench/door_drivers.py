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
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from menwei.core import (
    AccessGroup,
    AccessPolicy,
    AccessState,
    Card,
    CredentialKind,
    Direction,
    Door,
    DoorKind,
    FacePolicy,
    Person,
    Role,
    Validity,
    WeeklySchedule,
)
from menwei.gate.controller_plan import plan_for
from menwei.gate.credentials import PresentedCredential
from menwei.gate.doors import DoorController, DoorDriver, SimulatedDoor
from menwei.gate.outbox import Outbox
from menwei.gate.pipeline import GatePipeline, StateHolder, VisionSteps
from menwei.gate.uhppote import (
    DoorContext,
    UhppoteDoor,
    UhppoteEvents,
    UhppoteLink,
    UhppoteSettings,
)
from menwei.gate.uhppote_simulator import ControllerSimulator
from menwei.vision.gallery import Gallery

TZ = "Asia/Shanghai"
PERSON = uuid.UUID(int=101)
CARD_UID = "0012345678"


def world() -> tuple[Door, AccessState]:
    community = uuid.UUID(int=1)
    door = Door(
        id=uuid.UUID(int=301),
        community_id=community,
        name="east gate",
        kind=DoorKind.GATE,
        direction=Direction.IN,
        accepts=frozenset({CredentialKind.CARD, CredentialKind.FACE}),
    )
    group = AccessGroup(
        id=uuid.UUID(int=201),
        community_id=community,
        name="residents",
        door_ids=frozenset({door.id}),
        schedule=WeeklySchedule.always(TZ),
    )
    validity = Validity(valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    state = AccessState.build(
        policy=AccessPolicy(face=FacePolicy(confident=0.5, possible=0.35)),
        people=[Person(id=PERSON, community_id=community, name="resident", role=Role.OWNER)],
        cards=[Card(id=uuid.UUID(int=401), person_id=PERSON, uid=CARD_UID, validity=validity)],
        groups=[group],
        memberships={PERSON: [group.id]},
    )
    return door, state


class TimedDoor(SimulatedDoor):
    """The simulated driver, noting when the relay command is given."""

    def __init__(self) -> None:
        super().__init__("east gate")
        self.times: list[float] = []

    def energise(self) -> None:
        self.times.append(time.perf_counter())
        super().energise()


def card_to_relay(
    steps: VisionSteps, driver: DoorDriver, relay_times: list[float], outbox: Outbox, runs: int
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
    steps = VisionSteps()  # the pipeline needs its face steps; a card does not use them
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
    sim.close()


if __name__ == "__main__":
    main()
