from __future__ import annotations

import json
from importlib import resources

import pytest

from menwei.vision.errors import CalibrationError
from menwei.vision.models import RECOGNIZER
from menwei.vision.thresholds import Thresholds, default_thresholds, parse


def _document() -> dict:
    text = resources.files("menwei.vision").joinpath("thresholds.json").read_text("utf-8")
    return json.loads(text)


def test_the_shipped_thresholds_are_ordered_and_say_where_they_came_from() -> None:
    thresholds = default_thresholds()
    assert -1.0 < thresholds.possible < thresholds.confident < 1.0
    assert thresholds.gallery_size == 10_000
    assert "command" in thresholds.provenance and "rule" in thresholds.provenance


def test_the_shipped_thresholds_sit_above_every_east_asian_impostor_seen_in_calibration() -> None:
    document = _document()
    thresholds = default_thresholds()
    nuaa_highest = document["provenance"]["highest_impostor_score"]["nuaa_live"]
    assert thresholds.possible > nuaa_highest
    assert thresholds.confident >= nuaa_highest + 0.05
    # on LFW a stranger matches one template with odds of at most one in a million
    assert document["provenance"]["costs"]["lfw"]["far_confident"] <= 1e-6


def test_scores_map_to_the_three_door_outcomes() -> None:
    thresholds = Thresholds(confident=0.6, possible=0.5, gallery_size=10, provenance={})
    assert thresholds.verdict(0.61) == "confident"
    assert thresholds.verdict(0.6) == "confident"
    assert thresholds.verdict(0.55) == "possible"
    assert thresholds.verdict(0.49) == "unknown"


def test_thresholds_for_another_model_or_in_the_wrong_order_are_refused() -> None:
    document = _document()
    with pytest.raises(CalibrationError, match="recognition model"):
        parse(document | {"recognizer_sha256": "0" * 64})
    with pytest.raises(CalibrationError, match="possible ≤ confident"):
        parse(document | {"possible": 0.9, "confident": 0.5})
    with pytest.raises(CalibrationError, match="malformed"):
        parse({"recognizer_sha256": RECOGNIZER.sha256})
