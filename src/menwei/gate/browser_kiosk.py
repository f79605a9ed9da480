"""The browser kiosk's gates: a door tablet's camera frames decided by a gate agent.

A tablet at the door (``/kiosk``) signs in with its device's registration code (the device
token shown once on the office's device page) and posts camera frames with it, over the same
authenticated, device-scoped API as other gate traffic. For each device this module runs the
real gate agent (``menwei.gate.agent``) beside the server: it syncs with the server through the
device API like any gate (door policy, templates of consenting residents only, events through
the durable outbox), decides with the real pipeline (detection, quality, liveness, recognition,
policy) and drives the door with the configured driver. A frame lives in memory only, for its
decision. The answer carries what the gate screen may show: the masked name, a headline and a
plain message, the hint or the liveness prompt, and never a score.

The server does not import the gate: whoever starts it (``menwei serve``, ``menwei demo``)
hands it a registry as ``app.state.kiosk_gates``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from menwei.gate.agent import GateAgent, GateConfig
from menwei.gate.doors import RelayConfig
from menwei.gate.errors import GateError
from menwei.gate.kiosk import kiosk_state
from menwei.gate.pipeline import GatePipeline
from menwei.gate.sources import Frame
from menwei.settings import Settings

log = logging.getLogger(__name__)

HEADLINES = {
    "allowed": ("请通行", "Please go through"),
    "step_up": ("请刷卡或输入密码", "Please show your card or enter your PIN"),
    "refused": ("未能识别", "Not recognised"),
}


def headline(result: dict[str, Any] | None) -> dict[str, str] | None:
    """「请通行」/「请刷卡或输入密码」/「未能识别」 for a result the screen shows."""
    if result is None:
        return None
    if result["allowed"]:
        zh, en = HEADLINES["allowed"]
    elif result.get("reason") == "step_up_required":
        zh, en = HEADLINES["step_up"]
    else:
        zh, en = HEADLINES["refused"]
    return {"zh": zh, "en": en}


@dataclass
class KioskGate:
    """One device's agent, its pipeline and the lock that keeps its frames in order."""

    agent: GateAgent
    pipeline: GatePipeline
    lock: threading.Lock = field(default_factory=threading.Lock)
    frames: int = 0

    def answer(self, image: np.ndarray) -> dict[str, Any]:
        with self.lock:
            self.frames += 1
            decided = self.pipeline.process_frame(Frame(image, time.monotonic(), self.frames))
            outcome = self.pipeline.kiosk.outcome
            state = kiosk_state(self.pipeline.kiosk, time.monotonic())
        if state["result"] is not None and outcome is not None:
            state["result"]["reason"] = outcome.reason_code
        state["headline"] = headline(state["result"])
        state["decided"] = bool(decided)  # this frame decided (else: a recent result shown)
        return state


class KioskGates:
    """Every kiosk device's gate on this server, started by the device's first frame."""

    def __init__(
        self,
        server: str,
        data_dir: Path,
        *,
        driver: str = "simulated",
        relay_url: str | None = None,
        liveness: str = "passive",
    ) -> None:
        self.server = server
        self.data_dir = data_dir
        self.driver = driver
        self.relay = RelayConfig(open_url=relay_url) if relay_url else None
        self.liveness = liveness
        self.sync_interval_s = 2.0
        #: Seconds before a face still in view is decided again (the gate's default).
        self.cooldown_s = 10.0
        self._gates: dict[uuid.UUID, KioskGate] = {}
        self._lock = threading.Lock()
        self.stop_event = threading.Event()

    def gate(self, device_id: uuid.UUID, token: str) -> KioskGate | None:
        """The device's gate, started on first use; ``None`` while its policy cannot be had."""
        with self._lock:
            gate = self._gates.get(device_id)
            if gate is None:
                gate = self._start(device_id, token)
                if gate is not None:
                    self._gates[device_id] = gate
            return gate

    def _start(self, device_id: uuid.UUID, token: str) -> KioskGate | None:
        # kept across restarts: the server pinned this agent's transport key on its first pull
        folder = self.data_dir / str(device_id)
        agent = GateAgent(
            GateConfig(
                data_dir=folder,
                source="",  # frames arrive from the browser
                server=self.server,
                token=token,
                driver=self.driver,
                relay=self.relay,
                device_id=str(device_id),
                sync_interval_s=self.sync_interval_s,
                cooldown_s=self.cooldown_s,
                liveness=self.liveness,
                qr=False,
            )
        )
        try:
            pipeline = agent.start()
        except GateError as error:  # the door policy could not be fetched
            log.warning("kiosk %s: %s", device_id, error.message)
            agent.close()
            return None
        assert agent.syncer is not None
        threading.Thread(
            target=agent.syncer.run_forever,
            args=(self.stop_event, self.sync_interval_s),
            name=f"menwei-kiosk-sync-{device_id}",
            daemon=True,
        ).start()
        return KioskGate(agent, pipeline)

    def close(self) -> None:
        self.stop_event.set()
        with self._lock:
            for gate in self._gates.values():
                gate.agent.close()
            self._gates.clear()


def kiosk_gates_for(settings: Settings) -> KioskGates:
    """The registry a server with ``settings`` gives its kiosks: agents reach it on loopback."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104
    return KioskGates(
        f"http://{host}:{settings.port}",
        Path(settings.data_dir) / "kiosk",
        driver=settings.kiosk_door_driver,
        relay_url=settings.kiosk_relay_url,
        liveness=settings.kiosk_liveness,
    )
