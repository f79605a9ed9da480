"""The simulated gate of ``menwei demo``: the real gate agent, a simulated door, pretend visitors.

It runs the same agent as ``menwei gate`` — local state sealed under its device key, the
pipeline with the real face models and the passive liveness check, the durable outbox and sync
with the device token — against the demo server, in a background thread of the demo process.
The door is the simulated driver: it only logs.

Given a :class:`DemoScene` it plays the story in rounds, with synthetic faces made from the
shipped public-domain portrait (``menwei.vision.synthetic``): the enrolled resident recognised
and let in; a stranger refused; a printed photo caught by the liveness check; the resident and
a follower counted as tailgating; the resident seen badly (grey zone) and asked for a card,
which completes it; a guest with a QR pass. Between acts the entrance is empty long enough for
the tracker to end the track and the tailgating window to close. Without a scene (no faces
enrolled) it replays an empty entrance and one card per round.
With ``controller=True`` the door is a simulated UHPPOTE controller on a local UDP port instead:
the gate pushes the card list to it, and cards are decided by the controller on its own; its
events reach the server through the gate's listener and outbox.
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
from menwei.gate.credentials import CredentialKind, PresentedCredential
from menwei.gate.errors import GateError
from menwei.gate.pipeline import GatePipeline
from menwei.gate.sources import FolderSource, Frame
from menwei.gate.uhppote import UhppoteSettings
from menwei.gate.uhppote_simulator import ControllerSimulator
from menwei.vision import synthetic

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


@dataclass(frozen=True)
class DemoScene:
    """What the scene needs from the demo's records: the resident's card and a guest's pass."""

    resident_card: str
    guest_pass: str


ACT_FRAMES = 9
FRAME_GAP_S = 0.15
TRACK_GAP_S = 1.6
"""Empty entrance after a refusal: longer than the tracker's ``max_missing_s`` (1 s)."""
WINDOW_GAP_S = 6.6
"""Empty entrance after someone was let in: longer than the tailgating window (6 s)."""


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
    scene: DemoScene | None = None
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
        #: The scene's clock and pause (the pipeline's clock must be the same one).
        self.clock = time.monotonic
        self.pause = self.stop_event.wait
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
                liveness="off" if self.config.scene is None else "passive",
            )
        )

    def _server_up(self, deadline: float) -> bool:
        """Wait until the server answers ``/healthz``: the first sync then finds it listening
        (a newcomer sees no connection error while the server is still starting)."""
        import httpx

        while not self.stop_event.is_set() and time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.config.server}/healthz", timeout=2.0).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            self.stop_event.wait(0.5)
        return False

    def _pipeline(self, agent: GateAgent) -> GatePipeline | None:
        """Start the agent once the server has answered its first sync."""
        deadline = time.monotonic() + self.config.start_timeout_s
        self._server_up(deadline)
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
            scene = self.config.scene
            while not self.stop_event.is_set():
                rounds += 1
                if scene is not None:
                    self._play(pipeline, scene)
                    if self.controller is not None:  # cards at the controller, too
                        self._visitor(pipeline, rng, rounds)
                else:
                    self._replay(pipeline, Path(agent.config.source))
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

    # -- the scene ----------------------------------------------------------------------------

    def _show(self, pipeline: GatePipeline, image: np.ndarray, act: str, count: int) -> None:
        """``count`` frames of ``image``, a few pixels apart, as someone stands at the gate."""
        for index in range(count):
            if self.stop_event.is_set():
                return
            moved = np.roll(image, 3 * index, axis=1)
            for outcome in pipeline.process_frame(Frame(moved, self.clock(), index)):
                self.decisions += 1
                log.info("demo gate: %s: %s", act, outcome.reason_code)
            self.pause(FRAME_GAP_S)

    def _empty(self, pipeline: GatePipeline, seconds: float) -> None:
        """Nobody at the gate for ``seconds``: tracks end, the tailgating window closes."""
        empty = synthetic.frame(None)
        until = self.clock() + seconds
        while self.clock() < until and not self.stop_event.is_set():
            self.decisions += len(pipeline.process_frame(Frame(empty, self.clock(), 0)))
            self.pause(0.25)
        pipeline.tick_door()

    def _present(self, pipeline: GatePipeline, kind: CredentialKind, value: str, act: str) -> None:
        outcome = pipeline.present(PresentedCredential(kind, value, self.clock()))
        self.decisions += 1
        log.info("demo gate: %s: %s", act, outcome.reason_code)

    def _play(self, pipeline: GatePipeline, scene: DemoScene) -> None:
        """One round of the story; see the module docstring."""
        resident = synthetic.frame(synthetic.RESIDENT)
        self._show(pipeline, resident, "resident", ACT_FRAMES)
        self._empty(pipeline, WINDOW_GAP_S)
        self._show(pipeline, synthetic.frame(synthetic.STRANGER), "stranger", ACT_FRAMES)
        self._empty(pipeline, TRACK_GAP_S)
        self._show(pipeline, synthetic.printed_photo(resident), "printed photo", ACT_FRAMES)
        self._empty(pipeline, TRACK_GAP_S)
        # tailgating: the resident is let in, and a stranger follows before the door closes
        self._show(pipeline, resident, "resident, followed", ACT_FRAMES)
        self._empty(pipeline, TRACK_GAP_S)
        self._show(pipeline, synthetic.frame(synthetic.STRANGER), "the follower", ACT_FRAMES)
        self._empty(pipeline, WINDOW_GAP_S)
        self._show(pipeline, synthetic.frame(synthetic.GREY), "resident, badly seen", ACT_FRAMES)
        self._present(pipeline, "card", scene.resident_card, "resident's card after the face")
        self._empty(pipeline, WINDOW_GAP_S)
        self._present(pipeline, "qr", scene.guest_pass, "guest's QR pass")
        self._empty(pipeline, WINDOW_GAP_S)

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
