"""The single-frame check on the test photograph: features are sound and only a verdict leaves."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from menwei.vision.detect import Face, FaceDetector
from menwei.vision.embed import Embedder
from menwei.vision.errors import ImageError
from menwei.vision.liveness import (
    FrameLiveness,
    LivenessError,
    LivenessOutcome,
    LivenessReason,
    load_model,
)
from menwei.vision.liveness.features import (
    CONTEXT_SIZE,
    FEATURE_COUNT,
    context_crop,
    frame_features,
    lbp_histogram,
)
from menwei.vision.liveness.model import PadModel


@pytest.fixture
def face(astronaut: np.ndarray, detector: FaceDetector) -> Face:
    return detector.detect_one(astronaut)


def _biased(bias: float) -> PadModel:
    shipped = load_model()
    return dataclasses.replace(shipped, weights=np.zeros(FEATURE_COUNT), bias=bias)


def test_the_feature_vector_has_its_declared_length_and_no_nan(
    astronaut: np.ndarray, face: Face, embedder: Embedder
) -> None:
    vector = frame_features(astronaut, face.box, embedder.align(astronaut, face))
    assert vector.shape == (FEATURE_COUNT,)
    assert np.all(np.isfinite(vector))


def test_flat_grey_pictures_and_faces_at_the_frame_edge_give_finite_features() -> None:
    grey = np.full((480, 640, 3), 128, dtype=np.uint8)
    crop = np.full((112, 112, 3), 128, dtype=np.uint8)
    for box in [(300.0, 200.0, 100.0, 120.0), (-40.0, -30.0, 100.0, 120.0), (600, 400, 90, 90)]:
        assert np.all(np.isfinite(frame_features(grey, box, crop)))


def test_the_context_crop_is_square_centred_and_replicates_the_border() -> None:
    image = np.zeros((200, 300, 3), dtype=np.uint8)
    image[:, 150:] = 255  # right half white
    crop = context_crop(image, (130.0, 80.0, 40.0, 40.0))
    assert crop.shape == (CONTEXT_SIZE, CONTEXT_SIZE, 3)
    assert crop[:, : CONTEXT_SIZE // 2 - 2].max() == 0
    assert crop[:, CONTEXT_SIZE // 2 + 2 :].min() == 255
    edge = context_crop(image, (-20.0, -20.0, 40.0, 40.0))  # beyond the corner: no black margin
    assert edge.shape == (CONTEXT_SIZE, CONTEXT_SIZE, 3)


def test_lbp_tells_fine_texture_from_a_smooth_surface() -> None:
    rng = np.random.default_rng(0)
    noisy = rng.integers(0, 256, (64, 64), dtype=np.uint8)
    smooth = np.tile(np.arange(64, dtype=np.uint8) * 4, (64, 1))
    for channel in (noisy, smooth):
        assert lbp_histogram(channel, 1).sum() == pytest.approx(1.0)
    assert lbp_histogram(noisy, 1)[9] > 0.3  # many non-uniform patterns
    assert lbp_histogram(smooth, 1)[9] < 0.05


def test_the_verdict_follows_the_model_and_carries_no_score(
    astronaut: np.ndarray, face: Face
) -> None:
    live = FrameLiveness(_biased(+5.0)).assess(astronaut, face)
    attack = FrameLiveness(_biased(-5.0)).assess(astronaut, face)
    assert live.outcome is LivenessOutcome.PASS and live.reason is LivenessReason.LIVE_TEXTURE
    assert attack.outcome is LivenessOutcome.FAIL
    assert attack.reason is LivenessReason.PRESENTATION_ATTACK
    assert {f.name for f in dataclasses.fields(attack)} == {"outcome", "reason", "check"}
    assert "照片" in attack.message() and "photo" in attack.message("en")


def test_a_given_aligned_crop_is_used_instead_of_aligning_again(
    astronaut: np.ndarray, face: Face, embedder: Embedder
) -> None:
    def refuse(*_: object) -> np.ndarray:
        raise AssertionError("aligned twice")

    check = FrameLiveness(load_model(), aligner=refuse)
    result = check.assess(astronaut, face, embedder.align(astronaut, face))
    assert result.outcome in (LivenessOutcome.PASS, LivenessOutcome.FAIL)


def test_a_crop_of_the_wrong_size_is_refused_with_a_clear_error(
    astronaut: np.ndarray, face: Face
) -> None:
    with pytest.raises(ImageError, match="112×112"):
        FrameLiveness().assess(astronaut, face, np.zeros((64, 64, 3), np.uint8))


def test_a_face_too_small_to_judge_is_not_checked(astronaut: np.ndarray, face: Face) -> None:
    small = cv2.resize(astronaut, None, fx=0.1, fy=0.1, interpolation=cv2.INTER_AREA)
    tiny = Face(tuple(v * 0.1 for v in face.box), face.landmarks * 0.1, face.score)
    result = FrameLiveness().assess(small, tiny)
    assert result.outcome is LivenessOutcome.NOT_CHECKED
    assert result.reason is LivenessReason.FACE_TOO_SMALL


def test_a_face_with_broken_coordinates_gets_a_clear_error(
    astronaut: np.ndarray, face: Face
) -> None:
    broken = Face(face.box, np.full((5, 2), np.nan, np.float32), face.score)
    with pytest.raises(LivenessError, match="landmarks"):
        FrameLiveness().assess(astronaut, broken)
    nowhere = Face((float("inf"), 0.0, 10.0, 10.0), face.landmarks, face.score)
    with pytest.raises(LivenessError, match="box"):
        FrameLiveness().assess(astronaut, nowhere)


def test_the_frame_margin_is_the_score_above_the_threshold_and_matches_the_verdict(
    astronaut: np.ndarray, face: Face
) -> None:
    for bias in (+5.0, -5.0):
        model = _biased(bias)
        result, margin = FrameLiveness(model).judge(astronaut, face)
        assert margin == pytest.approx(bias - model.threshold)
        assert (margin >= 0) == (result.outcome is LivenessOutcome.PASS)
    small = dataclasses.replace(face, landmarks=face.landmarks * 0.01)
    assert FrameLiveness(_biased(5.0)).judge(astronaut, small)[1] is None
