"""``menwei calibrate pad`` end to end on generated frames of one camera."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from menwei.cli import app
from menwei.vision.liveness import load_model


def _frames(folder: Path, astronaut: np.ndarray, count: int) -> Path:
    folder.mkdir(parents=True)
    for index in range(count):
        frame = np.full((480, 640, 3), 120, dtype=np.uint8)
        face = cv2.convertScaleAbs(astronaut, alpha=0.8 + 0.02 * index, beta=index)
        frame[90:390, 170:470] = cv2.resize(face, (300, 300), interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(folder / f"f{index:02d}.jpg"), frame)
    return folder


def test_calibrate_pad_reports_and_writes_parameters_that_load(
    tmp_path: Path, astronaut: np.ndarray
) -> None:
    live = _frames(tmp_path / "live", astronaut, 20)
    out = tmp_path / "site.json"
    result = CliRunner().invoke(
        app, ["calibrate", "pad", "--live", str(live), "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["live_frames"] == 20 and summary["apcer"] is None
    assert summary["threshold"] <= summary["shipped_threshold"]
    site = load_model(out, sha256=summary["sha256"])
    assert site.threshold == pytest.approx(summary["threshold"], abs=1e-6)
    assert site.provenance["site_calibration"]["live_frames"] == 20


def test_calibrate_pad_refuses_a_missing_folder_or_too_few_frames(
    tmp_path: Path, astronaut: np.ndarray
) -> None:
    missing = CliRunner().invoke(app, ["calibrate", "pad", "--live", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "not a folder" in missing.output
    few = _frames(tmp_path / "few", astronaut, 3)
    result = CliRunner().invoke(app, ["calibrate", "pad", "--live", str(few)])
    assert result.exit_code == 2 and "at least 20" in result.output


def test_calibrate_pad_measures_the_apcer_of_the_sites_own_attack_frames(
    tmp_path: Path, astronaut: np.ndarray
) -> None:
    live = _frames(tmp_path / "live", astronaut, 20)
    spoof = _frames(tmp_path / "spoof", cv2.GaussianBlur(astronaut, (9, 9), 3), 4)
    result = CliRunner().invoke(
        app, ["calibrate", "pad", "--live", str(live), "--spoof", str(spoof), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["attack_frames"] == 4 and summary["live_frames"] == 20
    assert 0.0 <= summary["apcer"] <= 1.0
