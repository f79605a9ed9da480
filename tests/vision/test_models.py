from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from menwei.vision.detect import FaceDetector
from menwei.vision.errors import ModelFileError
from menwei.vision.models import DETECTOR, MODEL_DIR_ENV, RECOGNIZER, model_dir, verified_path


def test_the_installed_models_have_the_expected_hashes() -> None:
    assert verified_path(DETECTOR).name == DETECTOR.name
    assert verified_path(RECOGNIZER).name == RECOGNIZER.name


def test_a_missing_model_names_the_file_and_the_expected_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelFileError) as raised:
        FaceDetector()
    assert DETECTOR.name in raised.value.message
    assert DETECTOR.sha256 in raised.value.message


def test_an_altered_model_is_refused_before_opencv_loads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = model_dir() / DETECTOR.name
    copy = tmp_path / DETECTOR.name
    shutil.copyfile(original, copy)
    with copy.open("r+b") as handle:  # flip one byte in the middle of the weights
        handle.seek(copy.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelFileError, match="altered") as raised:
        FaceDetector()
    assert DETECTOR.sha256 in raised.value.message


def test_an_intact_copy_elsewhere_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(model_dir() / DETECTOR.name, tmp_path / DETECTOR.name)
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    assert verified_path(DETECTOR) == tmp_path / DETECTOR.name
