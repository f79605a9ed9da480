"""The eval commands end to end on tiny data sets built from the test photograph."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from menwei.cli import app

from .conftest import background

LFW_KEYS = {
    "accuracy",
    "accuracy_std",
    "tar_at_far_1e-3",
    "tar_at_far_1e-4",
    "eer",
    "pairs",
    "failed_detections",
}
IDENTIFY_KEYS = {
    "rank1",
    "fnir_at_fpir_1e-2",
    "fnir_at_fpir_1e-3",
    "gallery",
    "probes",
    "distractors",
}


def _save(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    path.write_bytes(data.tobytes())


@pytest.fixture
def tiny_lfw(tmp_path: Path, astronaut: np.ndarray) -> Path:
    root = tmp_path / "lfw"
    variants = {
        ("Eileen_Collins", 1): astronaut,
        ("Eileen_Collins", 2): cv2.convertScaleAbs(astronaut, alpha=0.8),
        ("Eileen_Collins", 3): np.ascontiguousarray(astronaut[:, ::-1]),
        ("Empty_Sky", 1): background(astronaut),
    }
    for (name, number), image in variants.items():
        _save(root / "images" / name / f"{name}_{number:04d}.jpg", image)
    (root / "pairs.txt").write_text(
        "2\t1\n"
        "Eileen_Collins\t1\t2\n"
        "Eileen_Collins\t1\tEmpty_Sky\t1\n"
        "Eileen_Collins\t2\t3\n"
        "Eileen_Collins\t3\tEmpty_Sky\t1\n",
        encoding="utf-8",
    )
    return root


def test_eval_lfw_prints_the_documented_json_keys_and_writes_a_roc_plot(
    tiny_lfw: Path, tmp_path: Path
) -> None:
    plot = tmp_path / "roc.png"
    result = CliRunner().invoke(
        app,
        ["eval", "lfw", "--data", str(tiny_lfw), "--json", "--plot", str(plot), "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) == LFW_KEYS
    assert report["pairs"] == 4
    assert report["failed_detections"] == 2  # the two pairs with the face-less picture
    assert report["accuracy"] == 1.0
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_eval_lfw_on_a_missing_folder_says_what_is_wrong_without_a_traceback(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(app, ["eval", "lfw", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "pairs.txt" in result.output
    assert "Traceback" not in result.output


def test_eval_identify_reports_the_documented_keys(tmp_path: Path, astronaut: np.ndarray) -> None:
    root = tmp_path / "people"
    _save(root / "a" / "1.jpg", astronaut)
    _save(root / "a" / "2.jpg", cv2.convertScaleAbs(astronaut, alpha=0.8))
    _save(root / "b" / "1.jpg", np.ascontiguousarray(astronaut[:, ::-1]))
    _save(root / "b" / "2.jpg", cv2.convertScaleAbs(astronaut[:, ::-1], alpha=0.9))
    result = CliRunner().invoke(
        app, ["eval", "identify", "--data", str(root), "--json", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) >= IDENTIFY_KEYS
    assert (report["gallery"], report["probes"], report["distractors"]) == (2, 2, 0)
