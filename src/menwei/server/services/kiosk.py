"""The browser kiosk's frames on the server side: read the frame, hand it to the door's gate.

The gates themselves (``menwei.gate.browser_kiosk``) are given to the app as
``app.state.kiosk_gates`` by whoever starts it; the server only needs what this module's
:class:`KioskGateway` describes. A frame is decoded into memory and never stored.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

import cv2
import numpy as np

from menwei.server.domain.errors import InvalidRequest, Unavailable

MAX_FRAME_BYTES = 2 * 1024 * 1024


class KioskGate(Protocol):
    def answer(self, image: np.ndarray) -> dict[str, Any]: ...


class KioskGateway(Protocol):
    def gate(self, device_id: uuid.UUID, token: str) -> KioskGate | None: ...


class FrameUnreadable(InvalidRequest):
    code = "frame_unreadable"

    def __init__(self) -> None:
        super().__init__()


class KioskUnavailable(Unavailable):
    code = "kiosk_unavailable"

    def __init__(self) -> None:
        super().__init__()


def decode_frame(data: bytes) -> np.ndarray:
    """The frame as a BGR array in memory, or ``FrameUnreadable``."""
    if not data or len(data) > MAX_FRAME_BYTES:
        raise FrameUnreadable()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.ndim != 3:
        raise FrameUnreadable()
    return image


def gate_for(state: Any, device_id: uuid.UUID, token: str) -> KioskGate:
    """The device's gate from the registry the app was given, or ``KioskUnavailable``."""
    gateway: KioskGateway | None = getattr(state, "kiosk_gates", None)
    gate = gateway.gate(device_id, token) if gateway is not None else None
    if gate is None:
        raise KioskUnavailable()
    return gate
