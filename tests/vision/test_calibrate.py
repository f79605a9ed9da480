from __future__ import annotations

import numpy as np
import pytest

from menwei.vision import calibrate
from menwei.vision.errors import CalibrationError


def test_the_threshold_accepts_exactly_the_allowed_share_of_impostors() -> None:
    impostor = np.linspace(0.0, 0.5, 1000)
    genuine = np.linspace(0.3, 0.9, 100)
    result = calibrate.calibrate(genuine, impostor, 1e-2)
    assert result.far == pytest.approx(0.01)
    assert np.count_nonzero(impostor >= result.threshold) == 10
    assert result.frr == pytest.approx(np.mean(genuine < result.threshold))
    assert 0.0 < result.frr < 1.0
    assert (result.genuine, result.impostor) == (100, 1000)


def test_a_stricter_target_costs_more_false_rejects() -> None:
    rng = np.random.default_rng(0)
    genuine = rng.normal(0.7, 0.1, 5000)
    impostor = rng.normal(0.1, 0.1, 50000)
    loose = calibrate.calibrate(genuine, impostor, 1e-2)
    strict = calibrate.calibrate(genuine, impostor, 1e-4)
    assert strict.threshold > loose.threshold
    assert strict.frr > loose.frr
    assert strict.far <= 1e-4


def test_a_target_the_sample_cannot_resolve_is_refused() -> None:
    with pytest.raises(CalibrationError, match="at least 10000"):
        calibrate.threshold_for_far(np.zeros(999), 1e-4)
    with pytest.raises(CalibrationError, match="between 0 and 1"):
        calibrate.threshold_for_far(np.zeros(10), 1.5)
    with pytest.raises(CalibrationError, match="No genuine"):
        calibrate.calibrate([], [0.1] * 100, 0.1)
    with pytest.raises(CalibrationError, match="NaN"):
        calibrate.calibrate([0.5, np.nan], [0.1] * 100, 0.1)


def test_ties_at_the_threshold_count_as_accepted() -> None:
    impostor = np.array([0.1] * 95 + [0.4] * 5)
    threshold = calibrate.threshold_for_far(impostor, 0.04)
    assert threshold > 0.4  # five tied scores would be 5 % > 4 %, so all of them must be rejected
    assert calibrate.far_at(impostor, threshold) == 0.0


def test_roc_eer_and_accuracy_agree_on_separable_and_overlapping_scores() -> None:
    genuine = np.array([0.6, 0.7, 0.8, 0.9])
    impostor = np.array([0.1, 0.2, 0.3, 0.4])
    eer, threshold = calibrate.equal_error_rate(genuine, impostor)
    assert eer == 0.0 and 0.4 < threshold <= 0.6
    best = calibrate.best_accuracy_threshold(genuine, impostor)
    assert calibrate.accuracy_at(genuine, impostor, best) == 1.0
    overlapping = np.array([0.35, 0.7, 0.8, 0.9])
    eer, _ = calibrate.equal_error_rate(overlapping, impostor)
    assert eer == pytest.approx(0.25)
    far, tar, thresholds = calibrate.roc(genuine, impostor)
    assert np.all(np.diff(thresholds) < 0) and np.all(np.diff(far) >= 0)
    assert tar[-1] == 1.0 and far[-1] == 1.0
    assert calibrate.tar_at_far(genuine, impostor, 0.25) == 1.0
