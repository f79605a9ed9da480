"""The demo's synthetic faces against the shipped liveness check, at the shipped threshold.

The demo runs the real check with no demo-only setting: its plain frames must pass as live and
its printed photos must fail, or the demo would show refusals for the wrong reason.
"""

from __future__ import annotations

import numpy as np
import pytest

from menwei.vision import synthetic
from menwei.vision.detect import FaceDetector
from menwei.vision.liveness import FrameLiveness, LivenessOutcome, load_model

LOOKS = {
    "portrait": synthetic.PORTRAIT,
    "resident": synthetic.RESIDENT,
    "withdrawn": synthetic.WITHDRAWN,
    "stranger": synthetic.STRANGER,
    "grey": synthetic.GREY,
}


@pytest.fixture(scope="module")
def check() -> FrameLiveness:
    return FrameLiveness(load_model())


def _verdict(detector: FaceDetector, check: FrameLiveness, image: np.ndarray) -> LivenessOutcome:
    return check.assess(image, detector.detect_one(image)).outcome


def test_the_shipped_threshold_is_the_one_the_subject_disjoint_rule_chose() -> None:
    model = load_model()
    assert model.threshold == model.provenance["operating_point"]["threshold"]
    assert model.threshold > 0.8  # the rule's choice over NUAA, not the old 0.48


@pytest.mark.parametrize("name", sorted(LOOKS))
def test_each_demo_face_passes_as_live(
    name: str, detector: FaceDetector, check: FrameLiveness
) -> None:
    image = synthetic.frame(LOOKS[name])
    assert _verdict(detector, check, image) is LivenessOutcome.PASS


@pytest.mark.parametrize("name", ["portrait", "resident", "stranger", "withdrawn"])
def test_a_printout_of_a_demo_face_fails(
    name: str, detector: FaceDetector, check: FrameLiveness
) -> None:
    image = synthetic.printed_photo(synthetic.frame(LOOKS[name]))
    assert _verdict(detector, check, image) is LivenessOutcome.FAIL
