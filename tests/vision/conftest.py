"""Shared fixtures for the face-engine tests: one real photograph and the real models.

Every image the tests use is built in memory from ``tests/data/astronaut.jpg`` (public domain,
see ``tests/data/README.md``); nothing is written to disk.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from menwei.vision.detect import FaceDetector
from menwei.vision.embed import Embedder

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def astronaut_bytes() -> bytes:
    return (DATA / "astronaut.jpg").read_bytes()


@pytest.fixture(scope="session")
def _astronaut(astronaut_bytes: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(astronaut_bytes, np.uint8), cv2.IMREAD_COLOR)
    image.setflags(write=False)
    return image


@pytest.fixture
def astronaut(_astronaut: np.ndarray) -> np.ndarray:
    """The 512×512 BGR portrait, one face; a fresh copy per test."""
    return _astronaut.copy()


@pytest.fixture(scope="session")
def detector() -> FaceDetector:
    return FaceDetector()


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


def in_frame(face: np.ndarray, width: int, height: int, x: int, y: int) -> np.ndarray:
    """``face`` pasted into a plain grey frame at (x, y)."""
    frame = np.full((height, width, 3), 120, dtype=np.uint8)
    h, w = face.shape[:2]
    frame[y : y + h, x : x + w] = face
    return frame


def background(image: np.ndarray) -> np.ndarray:
    """A patch of the photograph with no face in it (the spacecraft and flag behind her)."""
    return np.ascontiguousarray(image[300:512, 330:512])
