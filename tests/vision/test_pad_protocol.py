"""APCER, BPCER, the operating point and subject-disjoint cross-validation, on known scores."""

from __future__ import annotations

import numpy as np
import pytest

from menwei.vision.errors import DatasetError
from menwei.vision.liveness.model import fit_logistic
from menwei.vision.liveness.protocol import (
    apcer_at,
    bpcer_at,
    cross_validate,
    leave_one_subject_out,
    operating_threshold,
    report,
    threshold_for_bpcer,
)


def test_apcer_counts_attacks_accepted_and_bpcer_live_faces_refused() -> None:
    attack = np.array([0.1, 0.2, 0.6, 0.9])
    live = np.array([0.4, 0.7, 0.8, 0.95])
    assert apcer_at(attack, 0.5) == 0.5
    assert bpcer_at(live, 0.5) == 0.25
    assert apcer_at(attack, 0.9) == 0.25  # a score at the threshold is accepted


def test_the_threshold_for_a_bpcer_refuses_no_more_live_faces_than_allowed() -> None:
    live = np.linspace(0, 1, 200)
    for target in (0.0, 0.01, 0.05, 0.5):
        threshold = threshold_for_bpcer(live, target)
        assert bpcer_at(live, threshold) <= target
        assert bpcer_at(live, np.nextafter(threshold, np.inf)) > target


def test_the_operating_point_sits_in_the_middle_of_the_gap_between_separated_scores() -> None:
    attack = np.array([-3.0, -2.0, -1.0])
    live = np.array([2.0, 3.0, 5.0])
    assert operating_threshold(live, attack) == pytest.approx(0.5)


def test_the_operating_point_makes_the_fewest_errors_when_scores_overlap() -> None:
    attack = np.array([0.0, 1.0, 2.0, 6.0])
    live = np.array([3.0, 4.0, 5.0, 7.0, 8.0])
    threshold = operating_threshold(live, attack)
    assert 2.0 < threshold <= 3.0
    assert apcer_at(attack, threshold) == 0.25 and bpcer_at(live, threshold) == 0.0


def test_the_report_has_every_figure_the_iso_terms_ask_for() -> None:
    rng = np.random.default_rng(0)
    result = report(rng.normal(2, 1, 500), rng.normal(-2, 1, 400), 0.0).as_json()
    assert set(result) >= {"apcer", "bpcer", "eer", "apcer_at_bpcer_1e-2", "apcer_at_bpcer_5e-2"}
    assert result["frames"] == 900
    assert 0.0 < result["eer"] < 0.1
    assert result["apcer_at_bpcer_1e-2"] >= result["apcer_at_bpcer_5e-2"]


def _subjects_data(seed: int = 0, people: int = 5, per: int = 40):
    rng = np.random.default_rng(seed)
    subjects = np.repeat([f"s{i}" for i in range(people)], per)
    live = np.tile(np.arange(per) % 2 == 0, people)
    features = rng.normal(size=(people * per, 20))
    features[:, 0] += np.where(live, 3.0, -3.0)
    return features, live, subjects


def test_leave_one_subject_out_never_trains_on_the_subject_it_scores() -> None:
    features, live, subjects = _subjects_data()
    seen: list[set[str]] = []

    def fit(x: np.ndarray, y: np.ndarray):
        rows = {tuple(r[:3]) for r in x}
        seen.append({s for s, f in zip(subjects, features, strict=True) if tuple(f[:3]) in rows})
        return fit_logistic(x, y)

    leave_one_subject_out(features, live, subjects, fit)
    assert len(seen) == 5
    for held_out, trained_on in zip(sorted(set(subjects)), seen, strict=True):
        assert held_out not in trained_on and len(trained_on) == 4


def test_nested_cross_validation_reports_errors_on_hard_data_and_none_on_easy_data() -> None:
    features, live, subjects = _subjects_data()
    easy = cross_validate(features, live, subjects).nested
    assert easy.apcer <= 0.05 and easy.bpcer <= 0.05
    noise = np.random.default_rng(3).normal(size=features.shape)
    hard = cross_validate(noise, live, subjects).nested
    assert hard.eer > 0.3


def test_cross_validation_needs_three_subjects() -> None:
    features, live, subjects = _subjects_data(people=2)
    with pytest.raises(DatasetError, match="at least 3 subjects"):
        cross_validate(features, live, subjects)
