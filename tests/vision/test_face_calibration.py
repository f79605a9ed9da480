"""``menwei calibrate face``: a site's thresholds for its own model, people left out by fold."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from menwei.cli import app
from menwei.vision.errors import CalibrationError
from menwei.vision.face_calibration import _stable_fold, calibrate_face, thresholds_document
from menwei.vision.manifest import SFACE, RecognizerSpec
from menwei.vision.models import MODEL_DIR_ENV, active_manifest, model_dir
from menwei.vision.thresholds import default_thresholds, parse

from .conftest import SHARED_DATA
from .tiny_model import TINY_ID, make_tiny_model_dir

LFW_IMAGES = SHARED_DATA / "lfw" / "images"


def _people(count: int, photos: int, *, spread: float, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    people = {}
    for index in range(count):
        centre = rng.normal(size=32)
        centre /= np.linalg.norm(centre)
        vectors = [centre + rng.normal(0, spread, 32) for _ in range(photos)]
        people[f"s{seed}-{index:03d}"] = [v / np.linalg.norm(v) for v in vectors]
    return people


def test_thresholds_come_with_held_out_rates_and_stay_in_order() -> None:
    people = _people(60, 3, spread=0.08) | _people(200, 1, spread=0.08, seed=2)
    found = calibrate_face(people, folds=5)
    assert found.folds == 5 and found.people == 260 and found.gallery == 60
    assert found.possible.target_fpir == 1e-2 and found.confident.target_fpir == 1e-3
    assert found.confident.threshold >= found.possible.threshold
    # separable people: nothing missed, and strangers stay below the held-out thresholds
    assert found.possible.fnir == 0.0 and found.possible.fpir <= 0.02
    assert found.possible.resolvable and not found.confident.resolvable  # 320 strangers


def test_a_threshold_is_never_chosen_on_the_people_it_is_judged_on() -> None:
    """One pair of look-alikes in one fold: while that fold is held out, the threshold comes
    from the others only, so their high stranger score counts as a false positive there."""
    people = _people(40, 3, spread=0.05)
    names = sorted(people)
    twin = next(n for n in names[1:] if _stable_fold(n, 5) == _stable_fold(names[0], 5))
    people[twin] = [v.copy() for v in people[names[0]]]  # the same face under two names
    found = calibrate_face(people, folds=5)
    # While the look-alikes' fold is held out, the threshold comes from the others and their
    # 4 stranger searches (of 80) pass it; the other folds' thresholds, chosen with the
    # look-alikes in, stop every stranger. Judged on the data it was chosen on, the written
    # threshold (above every stranger score) would have claimed no false positive at all.
    assert found.possible.fpir == pytest.approx(4 / 80)
    assert found.possible.threshold > 0.9


def test_too_few_people_are_refused_in_both_languages() -> None:
    with pytest.raises(CalibrationError) as raised:
        calibrate_face(_people(3, 3, spread=0.1))
    assert (
        "at least 4 people" in raised.value.message and "至少需要 4 人" in raised.value.message_zh
    )


def test_the_thresholds_file_is_tied_to_the_model_it_was_made_for() -> None:
    found = calibrate_face(_people(30, 3, spread=0.1) | _people(50, 1, spread=0.1, seed=3))
    document = thresholds_document(
        found, model_id=SFACE.model_id, recognizer_sha256=SFACE.file.sha256, provenance={}
    )
    thresholds = parse(document, SFACE)
    assert thresholds.possible >= found.possible.threshold  # rounded up, never down
    other = RecognizerSpec(
        **{**SFACE.__dict__, "file": SFACE.file.__class__("x.onnx", "0" * 64, "x")}
    )
    with pytest.raises(CalibrationError, match="not the configured x"):
        parse(document, other)


def _lfw_subset(folder: Path, people: int = 10, photos: int = 3) -> Path:
    if not LFW_IMAGES.is_dir():
        pytest.skip(f"LFW is not at {LFW_IMAGES}: the end-to-end calibration needs real faces")
    chosen = 0
    for person in sorted(LFW_IMAGES.iterdir()):
        files = sorted(person.iterdir())
        if len(files) < photos:
            continue
        (folder / person.name).mkdir(parents=True)
        for source in files[:photos]:
            (folder / person.name / source.name).symlink_to(source)
        chosen += 1
        if chosen == people:
            break
    return folder


def test_calibrate_face_writes_thresholds_the_configured_model_then_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _lfw_subset(tmp_path / "faces")
    models = tmp_path / "models"
    make_tiny_model_dir(models, model_dir())
    monkeypatch.setenv(MODEL_DIR_ENV, str(models))
    out = models / "thresholds.json"
    result = CliRunner().invoke(
        app,
        ["calibrate", "face", "--data", str(data), "--out", str(out), "--workers", "1", "--json"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["model_id"] == TINY_ID
    assert summary["recognizer_sha256"] == active_manifest().recognizer.file.sha256
    points = summary["provenance"]["calibration"]["operating_points"]
    assert [p["target_fpir"] for p in points] == [1e-2, 1e-3]
    assert all(0.0 <= p["fnir_held_out"] <= 1.0 for p in points)
    assert summary["provenance"]["calibration"]["people"] == 10
    thresholds = default_thresholds()  # the model folder's own file, for the tiny model
    assert (thresholds.possible, thresholds.confident) == (
        summary["possible"],
        summary["confident"],
    )
    # the same file under the default model is refused: scores of two models do not compare
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    (tmp_path / "thresholds.json").write_text(out.read_text("utf-8"), "utf-8")
    with pytest.raises(CalibrationError, match="calibrated for recognition model tiny"):
        default_thresholds()


def test_calibrate_face_on_an_empty_folder_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["calibrate", "face", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "没有图片" in result.output and "No images" in result.output
