from __future__ import annotations

import cv2
import numpy as np
import pytest

from menwei.vision.detect import FaceDetector
from menwei.vision.embed import Embedder, normalise
from menwei.vision.errors import ImageError


def _vector(detector: FaceDetector, embedder: Embedder, image: np.ndarray) -> np.ndarray:
    return embedder.embed_face(image, detector.detect_one(image))


def test_alignment_gives_a_112_pixel_bgr_crop(
    detector: FaceDetector, embedder: Embedder, astronaut: np.ndarray
) -> None:
    crop = embedder.align(astronaut, detector.detect_one(astronaut))
    assert crop.shape == (112, 112, 3) and crop.dtype == np.uint8


def test_embeddings_are_unit_float32_vectors_of_128(
    detector: FaceDetector, embedder: Embedder, astronaut: np.ndarray
) -> None:
    vector = _vector(detector, embedder, astronaut)
    assert vector.shape == (128,) and vector.dtype == np.float32
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_the_same_person_in_another_frame_scores_far_above_a_different_face(
    detector: FaceDetector, embedder: Embedder, astronaut: np.ndarray
) -> None:
    original = _vector(detector, embedder, astronaut)
    darker = cv2.convertScaleAbs(astronaut, alpha=0.7, beta=0)
    shifted = cv2.resize(astronaut, (400, 400))[20:, 10:]
    assert float(original @ _vector(detector, embedder, darker)) > 0.8
    assert float(original @ _vector(detector, embedder, np.ascontiguousarray(shifted))) > 0.8
    # An upside-down face is not the same face to the model: far below the genuine scores.
    flipped = np.ascontiguousarray(astronaut[::-1])
    crop = embedder.align(flipped, detector.detect_one(astronaut))
    assert float(original @ embedder.embed(crop)) < 0.5


def test_embedding_a_crop_that_is_not_aligned_is_refused(
    embedder: Embedder, astronaut: np.ndarray
) -> None:
    with pytest.raises(ImageError, match="112"):
        embedder.embed(astronaut)


def test_flip_averaging_stays_close_to_the_plain_vector(
    detector: FaceDetector, embedder: Embedder, astronaut: np.ndarray
) -> None:
    face = detector.detect_one(astronaut)
    plain = embedder.embed_face(astronaut, face)
    both = embedder.embed_face(astronaut, face, flip=True)
    assert abs(float(np.linalg.norm(both)) - 1.0) < 1e-5
    assert 0.85 < float(plain @ both) < 1.0


def test_normalise_handles_rows_and_zero_vectors() -> None:
    rows = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(rows[0], [0.6, 0.8])
    assert np.all(np.isfinite(rows[1]))
