"""``menwei train pad`` and ``menwei eval pad`` end to end on a tiny generated folder pair.

"Live" frames are the test photograph in a room-like frame; "attacks" are the same face as a
small, washed-out print with a white paper border, held in front of the same room. Three
subjects, so that nested leave-one-subject-out cross-validation can run.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from menwei.cli import app
from menwei.vision.liveness import load_model

KEYS = {"apcer", "bpcer", "eer", "apcer_at_bpcer_1e-2", "apcer_at_bpcer_5e-2", "frames"}


def _save(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    path.write_bytes(data.tobytes())


def _room(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    room = np.full((480, 640, 3), rng.integers(90, 160, 3), dtype=np.uint8)
    noise = rng.normal(0, 6, room.shape)
    return np.clip(room + noise, 0, 255).astype(np.uint8)


def _live(face: np.ndarray, seed: int) -> np.ndarray:
    frame = _room(seed)
    portrait = cv2.resize(face, (300, 300), interpolation=cv2.INTER_AREA)
    frame[90:390, 170 + 10 * seed : 470 + 10 * seed] = portrait
    return frame


def _print(face: np.ndarray, seed: int) -> np.ndarray:
    frame = _room(seed)
    small = cv2.resize(face, (120, 120), interpolation=cv2.INTER_AREA)
    washed = cv2.addWeighted(small, 0.6, np.full_like(small, 235), 0.4, 0)
    blurred = cv2.GaussianBlur(washed, (5, 5), 1.5)
    paper = cv2.copyMakeBorder(blurred, 14, 30, 14, 14, cv2.BORDER_CONSTANT, value=(245, 245, 245))
    portrait = cv2.resize(paper, (250, 300), interpolation=cv2.INTER_LINEAR)
    frame[90:390, 195 + 10 * seed : 445 + 10 * seed] = portrait
    return frame


@pytest.fixture
def folder_pair(tmp_path: Path, astronaut: np.ndarray) -> Path:
    root = tmp_path / "pad"
    for subject in range(3):
        for take in range(3):
            seed = subject * 3 + take
            variant = cv2.convertScaleAbs(astronaut, alpha=0.85 + 0.1 * take, beta=5 * subject)
            name = f"{subject:04d}_00_00_01_{take}.jpg"
            _save(root / "live" / f"{subject:04d}" / name, _live(variant, seed))
            _save(root / "spoof" / f"{subject:04d}" / name, _print(variant, seed))
    return root


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_train_pad_writes_parameters_that_load_with_the_printed_sha256(
    folder_pair: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pad.json"
    code, output = _run("train", "pad", "--data", str(folder_pair), "--out", str(out), "--json")
    assert code == 0, output
    summary = json.loads(output.strip().splitlines()[-1])
    model = load_model(out, sha256=summary["sha256"])
    assert model.provenance["subjects"] == 3
    assert model.provenance["live_frames"] == 9
    assert set(summary["cross_validation"]) >= KEYS
    again = tmp_path / "again.json"
    _run("train", "pad", "--data", str(folder_pair), "--out", str(again))
    assert again.read_bytes() == out.read_bytes()  # reproducible, byte for byte


def test_eval_pad_reports_the_iso_figures_in_json(folder_pair: Path) -> None:
    live, spoof = str(folder_pair / "live"), str(folder_pair / "spoof")
    code, output = _run("eval", "pad", "--live", live, "--spoof", spoof, "--json")
    assert code == 0, output
    figures = json.loads(output.strip().splitlines()[-1])
    assert set(figures) >= KEYS
    assert figures["frames"] + figures["frames_without_face"] == 18
    assert figures["protocol"] == "fixed parameters"
    code, output = _run(
        "eval", "pad", "--live", live, "--spoof", spoof, "--json", "--cross-validate"
    )
    assert code == 0, output
    assert json.loads(output.strip().splitlines()[-1])["protocol"].startswith("nested")


def test_eval_pad_prints_a_readable_table(folder_pair: Path) -> None:
    live, spoof = str(folder_pair / "live"), str(folder_pair / "spoof")
    code, output = _run("eval", "pad", "--live", live, "--spoof", spoof)
    assert code == 0, output
    assert "APCER" in output and "BPCER" in output and "EER" in output


def test_eval_pad_on_a_missing_folder_says_what_is_wrong(tmp_path: Path) -> None:
    code, output = _run(
        "eval", "pad", "--live", str(tmp_path / "nope"), "--spoof", str(tmp_path), "--json"
    )
    assert code == 2
    assert "is not a folder" in output


def test_eval_pad_refuses_a_tampered_parameter_file(folder_pair: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "menwei-pad-frame"}', encoding="utf-8")
    code, output = _run(
        "eval",
        "pad",
        "--live",
        str(folder_pair / "live"),
        "--spoof",
        str(folder_pair / "spoof"),
        "--model",
        str(bad),
    )
    assert code == 2
    assert "cannot be read" in output
