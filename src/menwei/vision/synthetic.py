"""Demo faces made from the one portrait the project may ship, and camera frames showing them.

The portrait (``data/portrait.jpg``) is Eileen Collins' official NASA portrait, a work of the
United States government in the public domain, as distributed with scikit-image. No other real
person's photo is shipped. The demo needs several people, so it squeezes the head: a face
squeezed to about half its height or width scores below the recognizer's "possible" threshold
(0.47) against the original with YuNet 2023mar + SFace 2021dec, so to the models each
:class:`Look` below is a different person, while small changes of one look still match it.
The scores quoted for each look were measured with the shipped models; tests check the ones the
demo's story relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import cv2
import numpy as np

FRAME_SIZE = (640, 480)
"""Width and height of a demo camera frame."""


@dataclass(frozen=True, slots=True)
class Look:
    """A synthetic person: the portrait's head scaled by ``sx`` across and ``sy`` down.

    ``zoom`` brings the camera closer (the same person, larger in the frame).
    """

    sx: float
    sy: float = 1.0
    zoom: float = 1.0


PORTRAIT = Look(1.0, 1.0)
"""The portrait as it is: the face a newcomer's fake camera shows."""
RESIDENT = Look(1.18, 0.52)
"""The enrolled resident at the gate (enrolled from ``Look(1.2, 0.5)`` and
``Look(1.15, 0.5)``): about 0.97 against that template, below 0 against the portrait."""
WITHDRAWN = Look(1.0, 0.55)
"""The resident who withdrew (enrolled from ``Look(1.0, 0.55)`` and ``Look(1.0, 0.58)``):
0.35 against the enrolled resident, 0.45 against the portrait."""
STRANGER = Look(0.55, 1.1)
"""Nobody enrolled: about -0.04 against the resident. Stretched down as well as squeezed across,
because the head squeezed across alone (``Look(0.55)``) scores just below the shipped liveness
threshold, and the demo's stranger must be refused as unknown, not as a photo."""
GREY = Look(1.2, 0.65)
"""The enrolled resident seen badly: about 0.49 against the template, the grey zone."""


@cache
def portrait() -> np.ndarray:
    """The shipped public-domain portrait, BGR."""
    data = resources.files("menwei.vision").joinpath("data/portrait.jpg").read_bytes()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:  # pragma: no cover - the file ships with the package
        raise RuntimeError("the demo portrait could not be decoded")
    return image


def _head(look: Look) -> np.ndarray:
    head = portrait()[0:320, 60:380]  # head and shoulders
    width, height = int(460 * look.sx * look.zoom), int(460 * look.sy * look.zoom)
    head = cv2.resize(head, (width, height), interpolation=cv2.INTER_AREA)
    if width > FRAME_SIZE[0]:  # closer than the frame is wide: keep the middle
        left = (width - FRAME_SIZE[0]) // 2
        head = head[:, left : left + FRAME_SIZE[0]]
    return head[: FRAME_SIZE[1]]  # and the top, where the face is


def frame(
    look: Look | None, *, shift: tuple[int, int] = (0, 0), background: int = 128
) -> np.ndarray:
    """A 640×480 frame showing ``look`` centred and moved by ``shift``; ``None``: nobody."""
    canvas = np.full((FRAME_SIZE[1], FRAME_SIZE[0], 3), background, dtype=np.uint8)
    if look is None:
        return canvas
    head = _head(look)
    height, width = head.shape[:2]
    x = min(max(0, (FRAME_SIZE[0] - width) // 2 + shift[0]), FRAME_SIZE[0] - width)
    y = min(max(0, (FRAME_SIZE[1] - height) // 2 + shift[1]), FRAME_SIZE[1] - height)
    canvas[y : y + height, x : x + width] = head
    return canvas


def encoded(image: np.ndarray, ext: str = ".png") -> bytes:
    """``image`` as file bytes (PNG unless told), for enrolment uploads and frame folders."""
    ok, data = cv2.imencode(ext, image)
    if not ok:  # pragma: no cover - encoding a uint8 BGR array does not fail
        raise RuntimeError("could not encode the demo frame")
    return data.tobytes()


def printed_photo(image: np.ndarray) -> np.ndarray:
    """``image`` as a printed photo held up to the camera: half the detail, washed-out ink.

    The shipped passive liveness check refuses it (``presentation_attack``) for every look
    above but :data:`GREY`, and passes the plain frames of all of them as live (a test checks
    each). It is a crude print: a printout of :data:`GREY` scores just above the threshold, so
    the demo holds up the resident's.
    """
    height, width = image.shape[:2]
    small = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    blurred = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    return (blurred.astype(np.float32) * 0.8 + 40).clip(0, 255).astype(np.uint8)
