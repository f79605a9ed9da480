"""The two-step search (coarse pass, then landmarks again on the original pixels) against the
single full-size pass it replaced: same faces, landmarks a few pixels apart, same identity."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from menwei.vision.detect import FaceDetector
from menwei.vision.embed import Embedder

from .conftest import in_frame


@pytest.fixture(scope="module")
def single_pass() -> FaceDetector:
    return FaceDetector(fast_side=None)


def door_frame(astronaut: np.ndarray, side: int = 480) -> np.ndarray:
    """The portrait scaled to ``side`` pixels, centred in a 640×480 door-camera frame."""
    portrait = cv2.resize(astronaut, (side, side), interpolation=cv2.INTER_AREA)
    top = max(0, (480 - side) // 2)
    return in_frame(portrait[:480], 640, 480, (640 - side) // 2, top)


@pytest.mark.parametrize("side", [240, 360, 480])
def test_landmarks_match_the_full_size_pass_within_its_own_jitter(
    detector: FaceDetector, single_pass: FaceDetector, astronaut: np.ndarray, side: int
) -> None:
    """The full-size pass itself moves landmarks by up to 0.14 eye distances, and the eye
    distance by up to 12 %, when these frames are shifted by 1–8 px; the coarse landmarks
    alone are 0.31 eye distances off on the 360-px portrait."""
    frame = door_frame(astronaut, side)
    fast, full = detector.detect(frame), single_pass.detect(frame)
    assert len(fast) == len(full) == 1
    eyes = full[0].eye_distance
    assert np.hypot(*(fast[0].landmarks - full[0].landmarks).T).max() < 0.15 * eyes
    assert abs(fast[0].eye_distance - eyes) < 0.15 * eyes


def shifted_by_a_few_pixels(frame: np.ndarray, dx: int = 3, dy: int = 5) -> np.ndarray:
    """The frame moved right and down, as a camera a hair's breadth away would see it."""
    height, width = frame.shape[:2]
    move = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(frame, move, (width, height), borderMode=cv2.BORDER_REPLICATE)


@pytest.mark.parametrize("side", [240, 360, 480])
def test_embeddings_differ_from_the_full_size_pass_no_more_than_its_own_jitter(
    detector: FaceDetector,
    single_pass: FaceDetector,
    embedder: Embedder,
    astronaut: np.ndarray,
    side: int,
) -> None:
    """YuNet's landmarks move with the pixel grid: the full-size pass on the same frame moved
    by (3, 5) px gives embeddings only 0.95–0.97 alike. The coarse-then-refine landmarks must
    stay within that jitter, and never fall to what the coarse landmarks alone give (0.76 on
    the smallest face here)."""
    frame = door_frame(astronaut, side)
    full = embedder.embed_face(frame, single_pass.detect(frame)[0])
    fast = embedder.embed_face(frame, detector.detect(frame)[0])
    moved = single_pass.detect(shifted_by_a_few_pixels(frame))[0].shifted(-3, -5)
    jitter = float(embedder.embed_face(frame, moved) @ full)
    assert float(fast @ full) >= min(jitter, 0.97) - 0.01


def test_a_face_too_small_for_the_coarse_pass_is_found_by_the_full_size_one(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    portrait = cv2.resize(astronaut, (200, 200), interpolation=cv2.INTER_AREA)  # eyes ~18 px
    frame = in_frame(portrait, 1920, 1080, 860, 440)
    assert FaceDetector(max_side=320).detect(frame) == []  # what the coarse pass alone sees
    faces = detector.detect(frame)
    assert len(faces) == 1
    assert 860 < faces[0].centre[0] < 1060 and 440 < faces[0].centre[1] < 640


def test_an_empty_door_frame_costs_one_coarse_pass(
    detector: FaceDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    scales: list[float] = []
    original = FaceDetector._pass

    def counting(self: FaceDetector, image: np.ndarray, scale: float) -> list:
        scales.append(scale)
        return original(self, image, scale)

    monkeypatch.setattr(FaceDetector, "_pass", counting)
    assert detector.detect(np.full((480, 640, 3), 110, dtype=np.uint8)) == []
    assert scales == [0.5]


def test_frames_no_larger_than_the_coarse_side_get_one_native_pass(
    detector: FaceDetector, single_pass: FaceDetector, astronaut: np.ndarray
) -> None:
    small = cv2.resize(astronaut, (250, 250), interpolation=cv2.INTER_AREA)  # an LFW-sized photo
    fast, full = detector.detect(small), single_pass.detect(small)
    assert len(fast) == len(full) == 1
    np.testing.assert_array_equal(fast[0].landmarks, full[0].landmarks)


def test_several_faces_are_all_found_and_each_refined_in_place(
    detector: FaceDetector, single_pass: FaceDetector, astronaut: np.ndarray
) -> None:
    face = astronaut[30:230, 130:310]
    frame = np.full((480, 640, 3), 120, dtype=np.uint8)
    frame[40:240, 40:220] = face
    frame[220:420, 400:580] = cv2.flip(face, 1)
    fast, full = detector.detect(frame), single_pass.detect(frame)
    assert len(fast) == len(full) == 2
    for one in fast:
        twin = min(full, key=lambda other: np.hypot(*np.subtract(one.centre, other.centre)))
        assert np.hypot(*(one.landmarks - twin.landmarks).T).max() < 0.15 * twin.eye_distance


def test_big_faces_can_keep_the_coarse_landmarks_and_small_ones_are_still_refined(
    astronaut: np.ndarray,
) -> None:
    everything = FaceDetector().detect(astronaut)[0]
    coarse_only = FaceDetector(refine_under_eye=1.0).detect(astronaut)[0]
    refined = FaceDetector(refine_under_eye=1e6).detect(astronaut)[0]
    assert np.allclose(refined.landmarks, everything.landmarks)
    assert not np.allclose(coarse_only.landmarks, everything.landmarks)
    longest = max(astronaut.shape[:2])
    first_pass = FaceDetector()._pass(astronaut, 320 / longest)
    assert any(np.allclose(coarse_only.landmarks, f.landmarks) for f in first_pass)


def test_a_gates_refine_setting_reaches_its_detector(astronaut: np.ndarray) -> None:
    from menwei.vision.engine import FaceEngine

    steps = FaceEngine(refine_under_eye=1.0)
    coarse_only = FaceDetector(refine_under_eye=1.0).detect(astronaut)[0]
    assert np.allclose(steps.detect(astronaut)[0].landmarks, coarse_only.landmarks)
    assert not np.allclose(FaceEngine().detect(astronaut)[0].landmarks, coarse_only.landmarks)
