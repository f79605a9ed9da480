"""The shipped presentation-attack parameters: they load, are checked and are reproducible."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from menwei.vision.liveness import PadParametersError, load_model
from menwei.vision.liveness import model as pad_model
from menwei.vision.liveness.features import FEATURE_COUNT, FEATURE_VERSION
from menwei.vision.liveness.model import SHIPPED_NAME, SHIPPED_SHA256, PadModel, fit_logistic


def _shipped_text() -> str:
    return resources.files("menwei.vision").joinpath("data", SHIPPED_NAME).read_text("utf-8")


def test_the_shipped_parameters_load_and_match_the_pinned_sha256() -> None:
    model = load_model()
    assert hashlib.sha256(_shipped_text().encode()).hexdigest() == SHIPPED_SHA256
    assert model.feature_version == FEATURE_VERSION
    assert model.weights.shape == (FEATURE_COUNT,)
    assert np.isfinite(model.threshold)
    assert model.provenance["cross_validation"]["protocol"] == "nested leave-one-subject-out"
    assert len(_shipped_text().encode()) < 64_000  # small package data


def test_a_tampered_parameter_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    document = json.loads(_shipped_text())
    document["threshold"] = -1e6  # an attacker's edit: accept everything
    altered = tmp_path / SHIPPED_NAME
    altered.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PadParametersError, match="altered") as caught:
        load_model(altered, sha256=SHIPPED_SHA256)
    assert caught.value.code == "pad_parameters"
    assert "改动" in caught.value.text()


def test_the_shipped_file_is_refused_when_its_hash_is_not_the_pinned_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pad_model, "SHIPPED_SHA256", "0" * 64)
    with pytest.raises(PadParametersError, match="altered"):
        load_model()


def test_a_file_of_ones_own_with_the_right_hash_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(_shipped_text(), encoding="utf-8")
    assert load_model(path, sha256=SHIPPED_SHA256).threshold == load_model().threshold


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(feature_version="pad-frame-features-0"), "made for features"),
        (lambda d: d.update(weights=d["weights"][:-1]), "made for features"),
        (lambda d: d.update(format="something else"), "cannot be read"),
        (lambda d: d.pop("bias"), "cannot be read"),
        (lambda d: d["scale"].__setitem__(0, 0.0), "invalid numbers"),
    ],
)
def test_parameters_for_other_features_or_broken_ones_are_refused(edit, message: str) -> None:
    document = json.loads(_shipped_text())
    edit(document)
    with pytest.raises(PadParametersError, match=message):
        PadModel.from_json(json.dumps(document))


def test_unreadable_parameter_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PadParametersError, match="Cannot read"):
        load_model(tmp_path / "missing.json")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PadParametersError):
        load_model(binary)
    with pytest.raises(PadParametersError, match="cannot be read"):
        PadModel.from_json("[1, 2, 3]")


def _separable(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    live = rng.random(200) < 0.4
    features = rng.normal(size=(200, FEATURE_COUNT))
    features[:, 3] += np.where(live, 2.0, -2.0)
    return features, live


def test_training_is_deterministic_and_learns_the_informative_feature() -> None:
    features, live = _separable()
    first = fit_logistic(features, live)
    second = fit_logistic(features, live)
    assert first.to_json() == second.to_json()
    assert int(np.argmax(np.abs(first.weights))) == 3
    scores = first.score(features)
    assert np.mean((scores >= 0) == live) > 0.95


def test_the_json_form_round_trips_to_the_same_scores() -> None:
    features, live = _separable(1)
    model = fit_logistic(features, live).with_threshold(0.25, {"data": "synthetic"})
    again = PadModel.from_json(model.to_json())
    assert np.allclose(again.score(features), model.score(features))
    assert again.threshold == 0.25
    assert again.provenance == {"data": "synthetic"}


def test_training_needs_both_live_and_attack_frames() -> None:
    features, _ = _separable()
    with pytest.raises(PadParametersError, match="both"):
        fit_logistic(features, np.ones(len(features), dtype=bool))
    with pytest.raises(PadParametersError):
        fit_logistic(features[:10], np.ones(5, dtype=bool))
