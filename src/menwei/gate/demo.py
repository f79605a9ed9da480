"""The simulated gate of ``menwei demo``: the real gate agent, a simulated door, pretend visitors.

It runs the same agent as ``menwei gate`` — local state sealed under its device key, the
pipeline, the durable outbox and sync with the device token — against the demo server, in a
background thread of the demo process. Every round it replays a folder of demo frames (an empty
entrance: the demo ships no face images) and one resident presents a card, now and then an
unknown card, so the demo's event list fills with real decisions that travelled through the
outbox and the device API. The door is the simulated driver: it only logs. With
``controller=True`` the door is a simulated UHPPOTE controller on a local UDP port instead: the
gate pushes the card list to it, and the residents swipe at the controller, which decides on its
own; its events reach the server through the gate's listener and outbox.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from menwei.gate.agent import GateAgent, GateConfig
from menwei.gate.credentials import PresentedCredential
from menwei.gate.errors import GateError
from menwei.gate.pipeline import GatePipeline
from menwei.gate.sources import FolderSource, Frame
from menwei.gate.uhppote import UhppoteSettings
from menwei.gate.uhppote_simulator import ControllerSimulator

log = logging.getLogger(__name__)

UNKNOWN_CARD = "DEADBEEF"
"""A card no resident holds: the demo shows a refusal now and then."""


def write_demo_frames(folder: Path, count: int = 4) -> Path:
    """An empty entrance at dusk, a few frames with a moving light; never a face."""
    folder.mkdir(parents=True, exist_ok=True)
    height, width = 360, 480
    ramp = np.linspace(40, 140, height, dtype=np.float32)[:, None]
    for i in range(count):
        image = np.repeat(np.repeat(ramp, width, axis=1)[:, :, None], 3, axis=2)
        x = 60 + i * (width - 120) // max(count - 1, 1)
        cv2.circle(image, (x, 60), 18, (200, 220, 255), -1)
        cv2.rectangle(image, (140, 120), (340, height), (70, 70, 90), -1)  # the gate itself
        ok, encoded = cv2.imencode(".png", image.astype(np.uint8))
        if ok:
            encoded.tofile(str(folder / f"entrance-{i:02d}.png"))
    return folder


@dataclass
class DemoGateConfig:
    server: str
    token: str
    data_dir: Path
    round_s: float = 6.0
    sync_interval_s: float = 2.0
    unknown_card_every: int = 5
    start_timeout_s: float = 120.0
    seed: int = 2024
    controller: bool = False


class DemoGate:
    """``start`` once the server is starting; ``stop`` uploads what is left and closes."""

    def __init__(self, config: DemoGateConfig) -> None:
        self.config = config
        self.stop_event = threading.Event()
        self.agent: GateAgent | None = None
        self.decisions = 0
        self.error: str | None = None
        self._thread: threading.Thread | None = None
        self._sync_thread: threading.Thread | None = None
        self.controller: ControllerSimulator | None = None

    def start(self) -> DemoGate:
        self._thread = threading.Thread(target=self._run, name="menwei-demo-gate", daemon=True)
        self._thread.start()
        return self

    def _agent(self) -> GateAgent:
        frames = write_demo_frames(self.config.data_dir / "frames")
        uhppote = None
        if self.config.controller:
            self.controller = ControllerSimulator().start()
            uhppote = UhppoteSettings(
                serial=self.controller.serial,
                address=self.controller.address,
                listen="127.0.0.1:0",
            )
        return GateAgent(
            GateConfig(
                data_dir=self.config.data_dir,
                source=str(frames),
                server=self.config.server,
                token=self.config.token,
                driver="uhppote" if uhppote is not None else "simulated",
                uhppote=uhppote,
                replay=True,
                sync_interval_s=self.config.sync_interval_s,
                liveness="off",
            )
        )

    def _pipeline(self, agent: GateAgent) -> GatePipeline | None:
        """Start the agent once the server has answered its first sync."""
        deadline = time.monotonic() + self.config.start_timeout_s
        while not self.stop_event.is_set():
            try:
                return agent.start()
            except GateError as error:
                if time.monotonic() > deadline:
                    self.error = error.message
                    log.error("demo gate: %s", error.message)
                    return None
            self.stop_event.wait(1.0)
        return None

    def _run(self) -> None:
        try:
            self.agent = agent = self._agent()
            pipeline = self._pipeline(agent)
            if pipeline is None or agent.syncer is None:
                return
            self._sync_thread = threading.Thread(
                target=agent.syncer.run_forever,
                args=(self.stop_event, self.config.sync_interval_s),
                name="menwei-demo-sync",
                daemon=True,
            )
            self._sync_thread.start()
            log.info("demo gate: serving %s", pipeline.holder.door.name)
            rng = random.Random(self.config.seed)
            rounds = 0
            while not self.stop_event.is_set():
                self._replay(pipeline, Path(agent.config.source))
                rounds += 1
                self._visitor(pipeline, rng, rounds)
                self.stop_event.wait(self.config.round_s)
        except GateError as error:
            self.error = error.message
            log.error("demo gate: %s", error.message)

    def _replay(self, pipeline: GatePipeline, folder: Path) -> None:
        source = FolderSource(folder)
        index = 0
        while (image := source.read()) is not None and not self.stop_event.is_set():
            self.decisions += len(pipeline.process_frame(Frame(image, time.monotonic(), index)))
            index += 1
        pipeline.tick_door()

    def _visitor(self, pipeline: GatePipeline, rng: random.Random, rounds: int) -> None:
        """One person at the reader: a resident's card, or every few rounds an unknown one."""
        if self.controller is not None and self.agent is not None:
            self._swipe_at_controller(self.controller, rng, rounds)
            return
        cards = sorted(key[0] for key in pipeline.holder.state.cards)
        if not cards or rounds % self.config.unknown_card_every == 0:
            value = UNKNOWN_CARD
        else:
            value = rng.choice(cards)
        outcome = pipeline.present(PresentedCredential("card", value, time.monotonic()))
        self.decisions += 1
        log.info("demo gate: card at the gate: %s", outcome.reason_code)

    def _swipe_at_controller(
        self, controller: ControllerSimulator, rng: random.Random, rounds: int
    ) -> None:
        bridge = self.agent.controller if self.agent is not None else None
        numbers = sorted(bridge.plan.cards) if bridge is not None and bridge.plan else []
        unknown = not numbers or rounds % self.config.unknown_card_every == 0
        event = controller.swipe(7 if unknown else rng.choice(numbers))
        self.decisions += 1
        log.info("demo gate: card at the controller: %s", "granted" if event.granted else "denied")

    def stop(self, timeout: float = 30.0) -> None:
        """Stop, upload what the outbox still holds, and close the local files."""
        self.stop_event.set()
        for thread in (self._thread, self._sync_thread):
            if thread is not None:
                thread.join(timeout=timeout)
        agent = self.agent
        if agent is None:
            return
        if agent.syncer is not None and agent.pipeline is not None:
            report = agent.syncer.run_once()
            for error in report.errors:
                log.warning("demo gate: last upload: %s", error)
        if agent.pipeline is not None:
            agent.pipeline.door.close()
        agent.close()
        if self.controller is not None:
            self.controller.close()
