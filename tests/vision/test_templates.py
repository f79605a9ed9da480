from __future__ import annotations

import cv2
import numpy as np
import pytest

from menwei.vision.engine import FaceEngine
from menwei.vision.errors import NoFace, PoorQuality, SeveralFaces, TemplateError
from menwei.vision.templates import build_template

from .conftest import background


@pytest.fixture(scope="module")
def engine() -> FaceEngine:
    return FaceEngine()


def test_a_template_from_several_photos_is_a_unit_vector_close_to_each(
    engine: FaceEngine, astronaut: np.ndarray, astronaut_bytes: bytes
) -> None:
    darker = cv2.convertScaleAbs(astronaut, alpha=0.8)
    photos = [astronaut_bytes, darker, np.ascontiguousarray(astronaut[:, ::-1])]
    template = engine.enrol(photos)
    assert template.shape == (128,) and template.dtype == np.float32
    assert float(np.linalg.norm(template)) == pytest.approx(1.0, abs=1e-5)
    for photo in photos:
        assert float(template @ engine.embed_photo(photo)) > 0.9


def test_enrolment_refuses_photos_of_different_people() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 128)).astype(np.float32)
    with pytest.raises(TemplateError, match="same person") as raised:
        build_template([a, b])
    assert "同一个人" in raised.value.message_zh


def test_enrolment_takes_one_to_five_photos() -> None:
    vector = np.ones(128, dtype=np.float32)
    assert build_template([vector]).shape == (128,)
    with pytest.raises(TemplateError, match="1 to 5"):
        build_template([])
    with pytest.raises(TemplateError, match="1 to 5"):
        build_template([vector] * 6)
    with pytest.raises(TemplateError, match="128"):
        build_template([np.ones(64)])


def test_the_engine_refuses_six_photos_before_embedding_any(engine: FaceEngine) -> None:
    with pytest.raises(TemplateError, match="1 to 5"):
        engine.enrol([b"not even decoded"] * 6)


def test_unusable_enrolment_photos_give_the_error_that_says_what_to_fix(
    engine: FaceEngine, astronaut: np.ndarray
) -> None:
    with pytest.raises(NoFace):
        engine.enrol([background(astronaut)])
    with pytest.raises(SeveralFaces):
        engine.enrol([np.hstack([astronaut, astronaut])])
    with pytest.raises(PoorQuality) as raised:
        engine.enrol([cv2.GaussianBlur(astronaut, (0, 0), 3)])
    assert "blurry" in raised.value.reasons


def test_a_gate_probe_embeds_only_frames_that_pass_the_quality_gate(
    engine: FaceEngine, astronaut: np.ndarray
) -> None:
    good = engine.probe(astronaut)
    assert good.quality.passed and good.vector is not None and good.face is not None
    dark = engine.probe(cv2.convertScaleAbs(astronaut, alpha=0.15))
    assert not dark.quality.passed and dark.vector is None
    assert "too_dark" in dark.quality.reasons


def test_the_engines_single_steps_are_the_steps_its_probe_runs(
    engine: FaceEngine, astronaut: np.ndarray
) -> None:
    """The gate runs ``detect`` and ``embed`` one by one; enrolment runs ``probe``: same vector."""
    probe = engine.probe(astronaut)
    assert probe.vector is not None
    (face, *_) = engine.detect(astronaut)
    np.testing.assert_array_equal(engine.embed(astronaut, face), probe.vector)
    assert engine.align(astronaut, face).shape[:2] == (112, 112)
    assert engine.dim == probe.vector.shape[0] == 128


def test_the_engine_configures_the_detector_it_builds() -> None:
    engine = FaceEngine(detect_max_side=480, refine_under_eye=1.0)
    assert (engine.detector.max_side, engine.detector.refine_under_eye) == (480, 1.0)
