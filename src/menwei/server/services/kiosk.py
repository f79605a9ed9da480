"""The browser kiosk's gate: a tablet's camera frames decided by a gate agent on the server.

A tablet at the door signs in with its device's registration code (the device token shown once
on the office's device page) and posts camera frames with it, over the same authenticated,
device-scoped API as other gate traffic. For each device the server runs the real gate agent
(``menwei.gate.agent``) in its own process: it syncs with this server through the device API
like any gate (door policy, templates of consenting residents only, events through the durable
outbox), decides with the real pipeline (detection, quality, liveness, recognition, policy) and
drives the door with the configured driver. The frame is decoded into memory, decided and
dropped: it is never written anywhere. The answer carries what the gate screen may show: the
masked name and a plain message, the hint or liveness prompt, and never a score.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from menwei.gate.agent import GateAgent, GateConfig
from menwei.gate.doors import RelayConfig
from menwei.gate.kiosk import kiosk_state
from menwei.gate.pipeline import GatePipeline
from menwei.gate.sources import Frame
from menwei.server.errors import ApiError

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 2 * 1024 * 1024
HEADLINES = {
    "allowed": ("请通行", "Please go through"),
    "step_up": ("请刷卡或输入密码", "Please show your card or enter your PIN"),
    "refused": ("未能识别", "Not recognised"),
}


class FrameUnreadable(ApiError):
    status = 422
    code = "frame_unreadable"

    def __init__(self) -> None:
        super().__init__(
            texts={
                "zh-CN": "无法读取这张画面，请发送 JPEG 或 PNG 图像（不超过 2 MB）。",
                "en": "This frame could not be read: send one JPEG or PNG image of at most 2 MB.",
            }
        )


class KioskUnavailable(ApiError):
    status = 503
    code = "kiosk_unavailable"

    def __init__(self) -> None:
        super().__init__(
            texts={
                "zh-CN": "门口设备暂时无法取得本门的通行规则，请稍后再试或联系物业。",
                "en": "The door's policy could not be fetched yet; try again shortly or call "
                "the office.",
            }
        )


def decode_frame(data: bytes) -> np.ndarray:
    """The frame as a BGR array in memory, or ``FrameUnreadable``."""
    if not data or len(data) > MAX_FRAME_BYTES:
        raise FrameUnreadable()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.ndim != 3:
        raise FrameUnreadable()
    return image


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

    def gate(self, device_id: uuid.UUID, token: str) -> KioskGate:
        with self._lock:
            gate = self._gates.get(device_id)
            if gate is None:
                gate = self._start(device_id, token)
                self._gates[device_id] = gate
            return gate

    def _start(self, device_id: uuid.UUID, token: str) -> KioskGate:
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
        except Exception as error:  # the door policy could not be fetched
            log.warning("kiosk %s: %s", device_id, error)
            agent.close()
            raise KioskUnavailable() from None
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


def kiosk_gates(state: Any, settings: Any) -> KioskGates:
    """The app's one registry, made on first use; the agents reach this server on loopback."""
    gates = getattr(state, "kiosk_gates", None)
    if gates is None:
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104
        gates = KioskGates(
            f"http://{host}:{settings.port}",
            Path(settings.data_dir) / "kiosk",
            driver=settings.kiosk_door_driver,
            relay_url=settings.kiosk_relay_url,
            liveness=settings.kiosk_liveness,
        )
        state.kiosk_gates = gates
    return gates
