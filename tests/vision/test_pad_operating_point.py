"""The APCER-targeted operating point from leave-subjects-out scores, and the approach rule."""

from __future__ import annotations

import numpy as np
import pytest

from menwei.vision.errors import DatasetError
from menwei.vision.liveness.operating_point import (
    approach_acceptance,
    approach_is_live,
    choose_from_scores,
    choose_operating_point,
    per_subject,
    threshold_for_apcer,
)
from menwei.vision.liveness.protocol import apcer_at


def test_the_threshold_for_an_apcer_accepts_no_more_attacks_than_allowed() -> None:
    attack = np.linspace(-1, 1, 200)
    for target in (0.0, 0.01, 0.025, 0.05, 0.5):
        threshold = threshold_for_apcer(attack, target)
        assert apcer_at(attack, threshold) <= target
        assert apcer_at(attack, np.nextafter(threshold, -np.inf)) > target


def test_each_subject_gets_its_own_figures_so_one_bad_subject_shows() -> None:
    scores = np.array([2.0, 2.0, -2.0, -2.0, 2.0, 2.0, 1.0, 1.0])
    live = np.array([True, True, False, False, True, True, False, False])
    subjects = np.array(["a"] * 4 + ["b"] * 4)
    figures = {f.subject: f for f in per_subject(scores, live, subjects, 0.0)}
    assert figures["a"].apcer == 0.0 and figures["b"].apcer == 1.0
    assert figures["a"].bpcer == figures["b"].bpcer == 0.0


def test_the_chosen_point_aims_under_the_target_with_its_margin() -> None:
    rng = np.random.default_rng(1)
    live = np.repeat([True, False], 400)
    scores = np.where(live, rng.normal(2, 1, 800), rng.normal(-1, 1, 800))
    subjects = np.tile(np.repeat(["a", "b", "c", "d"], 100), 2)
    point = choose_from_scores(scores, live, subjects, target_apcer=0.05, margin=0.5)
    assert point.apcer <= 0.025
    assert point.bpcer > 0.0  # the price of the margin is paid in live refusals, and shown
    assert [s.subject for s in point.subjects] == ["a", "b", "c", "d"]
    assert point.as_json()["per_subject"][0]["attack_frames"] == 100


def test_choosing_needs_three_subjects_and_never_scores_a_subject_with_its_own_model() -> None:
    rng = np.random.default_rng(0)
    subjects = np.repeat(["s0", "s1", "s2", "s3"], 40)
    live = np.tile(np.arange(40) % 2 == 0, 4)
    features = rng.normal(size=(160, 6))
    features[:, 0] += np.where(live, 3.0, -3.0)
    point = choose_operating_point(features, live, subjects)
    assert point.worst_subject_apcer <= 0.2
    with pytest.raises(DatasetError):
        choose_operating_point(features[:80], live[:80], subjects[:80])


def test_an_approach_needs_most_of_its_frames_to_pass() -> None:
    assert not approach_is_live(np.array([5.0, -1.0, -1.0, -1.0, -1.0]), 0.0)
    assert approach_is_live(np.array([1.0, 1.0, 1.0, -9.0, -9.0]), 0.0)


def test_approach_acceptance_counts_whole_approaches() -> None:
    # One subject: 10 attack frames, with one lucky frame in each approach of five.
    scores = np.array([1, -1, -1, -1, -1, -1, 1, -1, -1, -1] + [1] * 10, dtype=float)
    live = np.array([False] * 10 + [True] * 10)
    subjects = np.array(["a"] * 20)
    apcer, bpcer, attacks, reals = approach_acceptance(scores, live, subjects, 0.0, frames=5)
    assert (apcer, bpcer, attacks, reals) == (0.0, 0.0, 2, 2)
    assert apcer_at(scores[~live], 0.0) == 0.2  # per frame, the same photo gets through


def test_separated_scores_keep_the_threshold_above_the_whole_gap() -> None:
    live = np.repeat([True, False], 100)
    scores = np.where(live, np.linspace(2, 4, 200), np.linspace(-4, -1, 200))
    subjects = np.tile(np.repeat(["a", "b", "c", "d"], 25), 2)
    point = choose_from_scores(scores, live, subjects)
    assert point.apcer == 0.0 and point.bpcer == 0.0
    assert -1.0 < point.threshold < 2.0
