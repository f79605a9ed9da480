"""A head turn made from one still portrait, for tests of the active liveness challenge.

A photo moved, tilted or scaled as a whole cannot turn its head: the nose stays where the
plane of the eyes and mouth puts it (see ``menwei.vision.liveness.geometry``). A real head
turning moves the nose sideways relative to the eyes and mouth. ``turned`` imitates that with
a local, non-affine warp: a smooth bump of displacement centred on the nose tip, which fades
out before it reaches the eyes and the mouth corners.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np

ASTRONAUT = Path(__file__).resolve().parent / "data" / "astronaut.jpg"

# the landmark layout of ``menwei.vision.detect.Face``: right eye, left eye, nose, mouth corners
RIGHT_EYE, LEFT_EYE, NOSE = 0, 1, 2


def portrait() -> np.ndarray:
    image = cv2.imread(str(ASTRONAUT), cv2.IMREAD_COLOR)
    assert image is not None, f"cannot read {ASTRONAUT}"
    return image


def camera_frame() -> np.ndarray:
    """A 640×480 camera frame with the portrait's head and shoulders filling most of it."""
    frame = np.full((480, 640, 3), 128, dtype=np.uint8)
    head_and_shoulders = portrait()[0:320, 60:380]  # close enough for the eye-distance limit
    frame[10:470, 90:550] = cv2.resize(head_and_shoulders, (460, 460))
    return frame


def landmarks_of(image: np.ndarray) -> np.ndarray:
    """The five landmarks of the one face in ``image``, found by the engine's own detector."""
    from menwei.vision import FaceDetector

    return np.asarray(FaceDetector().detect_one(image).landmarks, dtype=np.float64)


def turned(image: np.ndarray, landmarks: np.ndarray, amount: float) -> np.ndarray:
    """``image`` with the nose moved sideways by ``amount`` eye distances (+ is the picture's
    right, which in an unmirrored camera frame is the person turning to their own left).

    The displacement is a Gaussian bump around the nose tip, so the eyes and mouth corners
    barely move: the warp bends the face, which no affine map of the whole picture can do.
    """
    points = np.asarray(landmarks, dtype=np.float64)
    eye_distance = float(np.hypot(*(points[LEFT_EYE] - points[RIGHT_EYE])))
    nose_x, nose_y = points[NOSE]
    height, width = image.shape[:2]
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    sigma = 0.5 * eye_distance
    bump = np.exp(-((xs - nose_x) ** 2 + (ys - nose_y) ** 2) / (2 * sigma**2))
    # remap pulls each output pixel from a source position: subtracting the shift moves content
    map_x = (xs - amount * eye_distance * bump).astype(np.float32)
    return cv2.remap(image, map_x, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def head_turn(
    image: np.ndarray, landmarks: np.ndarray, *, towards: float, still: int = 3, steps: int = 6
) -> list[np.ndarray]:
    """``still`` frontal frames, then the nose moving over ``steps`` frames to ``towards``.

    With the engine's detector, ``towards=0.9`` on ``camera_frame()`` reads as a turn of
    about 0.25 eye distances to the picture's right, well past the challenge's 0.15.
    """
    frames = [image] * still
    frames += [turned(image, landmarks, towards * (i + 1) / steps) for i in range(steps)]
    return frames


def moved_as_a_picture(image: np.ndarray, steps: int = 6) -> list[np.ndarray]:
    """The still portrait shifted, rotated and sheared as a whole, as a held photo moves."""
    height, width = image.shape[:2]
    frames = []
    for i in range(steps):
        share = (i + 1) / steps
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 10 * share, 1 + 0.1 * share)
        matrix[0, 1] += 0.1 * share  # shear: the photo tilted away on one side
        matrix[0, 2] += 40 * share  # and carried to the picture's right
        frames.append(cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REFLECT))
    return frames


def jpeg(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return data.tobytes()


@cache
def turn_left_frames() -> tuple[bytes, ...]:
    """JPEG camera frames of the portrait turning to its own left (unmirrored camera)."""
    frame = camera_frame()
    return tuple(jpeg(f) for f in head_turn(frame, landmarks_of(frame), towards=0.9))
