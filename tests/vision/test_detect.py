from __future__ import annotations

import cv2
import numpy as np
import pytest

from menwei.vision.detect import Face, FaceDetector, order_faces
from menwei.vision.errors import NoFace

from .conftest import background, in_frame


def test_the_astronaut_has_exactly_one_face_with_landmarks_in_yunet_order(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    faces = detector.detect(astronaut)
    assert len(faces) == 1
    face = faces[0]
    x, y, w, h = face.box
    assert 150 < x < 210 and 40 < y < 90 and 70 < w < 120 and 90 < h < 140
    assert face.landmarks.shape == (5, 2) and face.landmarks.dtype == np.float32
    right_eye, left_eye, nose, right_mouth, left_mouth = face.landmarks
    assert right_eye[0] < nose[0] < left_eye[0]  # the person's right eye is on the image left
    assert right_mouth[0] < left_mouth[0]
    assert max(right_eye[1], left_eye[1]) < nose[1] < min(right_mouth[1], left_mouth[1])
    assert 0.8 < face.score <= 1.0


def test_a_patch_without_a_face_gives_an_empty_list_and_detect_one_a_typed_error(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    patch = background(astronaut)
    assert detector.detect(patch) == []
    with pytest.raises(NoFace) as raised:
        detector.detect_one(patch)
    assert raised.value.code == "no_face"


@pytest.mark.parametrize(("width", "height"), [(200, 150), (640, 480), (1920, 1080), (4000, 3000)])
def test_faces_are_found_on_any_frame_size_in_that_frames_pixels(
    detector: FaceDetector, astronaut: np.ndarray, width: int, height: int
) -> None:
    scale = min(width, height) / 512
    portrait = cv2.resize(astronaut, (round(512 * scale), round(512 * scale)))
    frame = in_frame(portrait, width, height, (width - portrait.shape[1]) // 2, 0)
    faces = detector.detect(frame)
    assert len(faces) == 1
    expected_x = (width - portrait.shape[1]) // 2 + 178 * scale
    assert abs(faces[0].box[0] - expected_x) < 12 * scale + 3


def test_the_larger_and_more_central_face_comes_first(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    face = astronaut[40:200, 150:290]
    small = cv2.resize(face, (70, 80))
    frame = in_frame(small, 640, 480, 20, 20)
    frame[200:360, 250:390] = face  # the same person, larger and in the centre
    faces = detector.detect(frame)
    assert len(faces) == 2
    assert faces[0].box[0] > 200 and faces[1].box[0] < 100


def test_ordering_discounts_a_face_at_the_edge_of_the_frame() -> None:
    landmarks = np.zeros((5, 2), dtype=np.float32)
    edge = Face((0.0, 0.0, 110.0, 110.0), landmarks, 0.9)
    centre = Face((270.0, 190.0, 100.0, 100.0), landmarks, 0.9)
    assert order_faces([edge, centre], 640, 480) == [centre, edge]


def test_greyscale_frames_are_accepted(detector: FaceDetector, astronaut: np.ndarray) -> None:
    grey = cv2.cvtColor(astronaut, cv2.COLOR_BGR2GRAY)
    assert len(detector.detect(grey)) == 1


def test_a_mirrored_face_mirrors_its_box_and_swaps_its_eyes(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    face = detector.detect(astronaut)[0]
    mirrored = face.flipped(512)
    seen = detector.detect(np.ascontiguousarray(astronaut[:, ::-1]))[0]
    # YuNet's own jitter between the two images is up to ~7 px (0.15 eye distances); a wrong
    # mapping (eyes not swapped, box not mirrored) is off by a whole eye distance (~47 px).
    assert abs(mirrored.box[0] - seen.box[0]) < 8
    assert np.abs(mirrored.landmarks - seen.landmarks).max() < 8
