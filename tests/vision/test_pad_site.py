"""A site's own liveness threshold from its live frames."""

from __future__ import annotations

import numpy as np
import pytest

from menwei.vision.errors import DatasetError
from menwei.vision.liveness.site import FLOOR_DROP, calibrate_site


def test_a_camera_that_scores_live_faces_low_gets_a_lower_threshold_and_its_apcer() -> None:
    live = np.linspace(-0.5, 3.0, 100)  # a third under the shipped 0.5
    attack = np.linspace(-3.0, 0.0, 50)
    site = calibrate_site(live, 0.5, attack, target_bpcer=0.05)
    assert site.bpcer_shipped > 0.2
    assert site.bpcer <= 0.05 and site.threshold < 0.5
    assert site.apcer is not None and site.apcer > 0.0  # the price, reported
    assert site.as_json()["attack_frames"] == 50


def test_the_threshold_is_never_raised_nor_dropped_below_the_floor() -> None:
    good = calibrate_site(np.linspace(2, 4, 50), 0.5)
    assert good.threshold == 0.5 and good.apcer is None
    bad = calibrate_site(np.linspace(-9, -8, 50), 0.5)
    assert bad.threshold == pytest.approx(0.5 - FLOOR_DROP) and bad.at_floor
    assert bad.bpcer == 1.0  # the camera is unfit, and the report says so


def test_too_few_frames_are_refused_with_a_message() -> None:
    with pytest.raises(DatasetError, match="at least"):
        calibrate_site(np.ones(5), 0.5)
