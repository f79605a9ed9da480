"""The model folder's manifest: a model of one's own loads through it, pinned by its sha256."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from tests.vision.tiny_model import TINY_DIM, TINY_FILE, TINY_ID, make_tiny_model_dir

from menwei.vision.detect import FaceDetector
from menwei.vision.embed import REFERENCE_POINTS, Embedder, similarity_transform
from menwei.vision.engine import FaceEngine
from menwei.vision.errors import CalibrationError, ModelFileError
from menwei.vision.liveness.errors import PadParametersError
from menwei.vision.liveness.model import SHIPPED_NAME, SHIPPED_SHA256, load_model
from menwei.vision.manifest import DEFAULT_MODEL_ID, SFACE, builtin_manifest, parse_manifest
from menwei.vision.models import MODEL_DIR_ENV, active_manifest, model_dir, pad_model
from menwei.vision.thresholds import default_thresholds

SOURCE = Path(__file__).resolve().parents[2] / "src" / "menwei" / "vision"


@pytest.fixture(scope="module")
def default_dir() -> Path:
    return model_dir()


@pytest.fixture
def tiny_dir(tmp_path: Path, default_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    make_tiny_model_dir(folder, default_dir)
    monkeypatch.setenv(MODEL_DIR_ENV, str(folder))
    return folder


def _rewrite(folder: Path, change) -> None:
    path = folder / "manifest.json"
    document = json.loads(path.read_text("utf-8"))
    change(document)
    path.write_text(json.dumps(document), "utf-8")


def test_the_built_in_manifest_holds_the_default_models_known_values() -> None:
    manifest = builtin_manifest()
    assert manifest.recognizer == SFACE
    assert manifest.recognizer.model_id == DEFAULT_MODEL_ID == "sface-2021dec"
    assert manifest.recognizer.input_size == (112, 112)
    assert manifest.recognizer.colour == "RGB" and manifest.recognizer.embedding_size == 128
    assert manifest.detector.id == "yunet-2023mar"
    assert manifest.liveness is not None
    assert (manifest.liveness.name, manifest.liveness.sha256) == (SHIPPED_NAME, SHIPPED_SHA256)
    # what the built-in manifest says is what a written one reads back as
    assert parse_manifest(json.dumps(manifest.as_json()), Path("manifest.json")) == manifest


def test_without_an_override_or_a_manifest_the_built_in_one_is_used(
    tmp_path: Path, default_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    assert active_manifest() == builtin_manifest()
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))  # the same files, no manifest
    assert active_manifest() == builtin_manifest()


def test_a_model_of_ones_own_loads_through_cv2_dnn_with_the_manifests_normalisation(
    tiny_dir: Path, astronaut: np.ndarray
) -> None:
    embedder = Embedder()
    assert (embedder.model_id, embedder.dim) == (TINY_ID, TINY_DIM)
    face = FaceDetector().detect_one(astronaut)
    crop = embedder.align(astronaut, face)
    assert crop.shape == (112, 112, 3)
    vector = embedder.embed(crop)
    assert vector.shape == (TINY_DIM,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    # the same numbers by hand: RGB, (x - 127.5) / 127.5, 14×14 means, the fixed projection
    import onnx
    from onnx import numpy_helper

    graph = onnx.load_from_string((tiny_dir / TINY_FILE).read_bytes()).graph
    projection = numpy_helper.to_array(graph.initializer[0])
    pixels = (crop[..., ::-1].astype(np.float32) - 127.5) / 127.5
    pooled = pixels.transpose(2, 0, 1).reshape(3, 8, 14, 8, 14).mean(axis=(2, 4)).reshape(-1)
    expected = pooled @ projection
    np.testing.assert_allclose(vector, expected / np.linalg.norm(expected), atol=1e-4)


def test_the_alignment_for_other_models_is_opencvs_own(astronaut: np.ndarray) -> None:
    sface = Embedder(builtin_manifest())
    face = FaceDetector().detect_one(astronaut)
    theirs = sface.align(astronaut, face).astype(np.float32)
    matrix = similarity_transform(face.landmarks, REFERENCE_POINTS)
    ours = cv2.warpAffine(astronaut, matrix, (112, 112), flags=cv2.INTER_LINEAR)
    assert float(np.abs(ours.astype(np.float32) - theirs).mean()) < 1.0


def test_an_engine_with_another_model_makes_templates_of_its_size(
    tiny_dir: Path, astronaut_bytes: bytes
) -> None:
    engine = FaceEngine()
    template = engine.enrol([astronaut_bytes])
    assert engine.model_id == TINY_ID and template.shape == (TINY_DIM,)


def test_a_tampered_model_is_refused_in_both_languages(tiny_dir: Path) -> None:
    with (tiny_dir / TINY_FILE).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelFileError) as raised:
        Embedder()
    assert "altered" in raised.value.message and "sha256" in raised.value.message
    assert "已被改动" in raised.value.message_zh


def test_a_missing_model_file_is_refused(tiny_dir: Path) -> None:
    (tiny_dir / TINY_FILE).unlink()
    with pytest.raises(ModelFileError) as raised:
        Embedder()
    assert TINY_FILE in raised.value.message and "找不到" in raised.value.message_zh


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["recognizer"].pop("sha256"), "recognizer.sha256"),
        (lambda d: d["recognizer"].pop("embedding_size"), "recognizer.embedding_size"),
        (lambda d: d["recognizer"].pop("id"), "recognizer.id"),
        (lambda d: d["recognizer"].update(colour="YUV"), "recognizer.colour"),
        (lambda d: d["recognizer"].update(std=[1, 0, 1]), "recognizer.std"),
        (lambda d: d["recognizer"].update(file="../x.onnx"), "recognizer.file"),
        (lambda d: d.pop("detector"), "detector"),
        (lambda d: d.update(format="other"), "format"),
    ],
)
def test_a_manifest_lacking_fields_is_refused_naming_them(tiny_dir: Path, change, named) -> None:
    _rewrite(tiny_dir, change)
    with pytest.raises(ModelFileError) as raised:
        active_manifest()
    assert named in raised.value.message
    assert "模型清单" in raised.value.message_zh


def test_a_model_of_ones_own_needs_its_own_thresholds(tiny_dir: Path) -> None:
    with pytest.raises(CalibrationError, match="calibrate face"):
        default_thresholds()
    shipped = json.loads((SOURCE / "thresholds.json").read_text("utf-8"))
    (tiny_dir / "thresholds.json").write_text(json.dumps(shipped), "utf-8")
    with pytest.raises(CalibrationError, match="not the configured tiny-avgpool-32"):
        default_thresholds()


def test_the_liveness_parameters_are_pinned_by_the_manifest_too(tiny_dir: Path) -> None:
    assert pad_model().to_json() == load_model().to_json()  # no entry: the shipped file
    source = SOURCE / "data" / SHIPPED_NAME
    shutil.copyfile(source, tiny_dir / "site_pad.json")
    entry = {"file": "site_pad.json", "sha256": SHIPPED_SHA256, "id": "pad-site-1"}
    _rewrite(tiny_dir, lambda d: d.update(liveness=entry))
    assert pad_model().weights.shape[0] > 0
    with (tiny_dir / "site_pad.json").open("a") as handle:
        handle.write(" ")
    with pytest.raises(PadParametersError, match="altered"):
        pad_model()


def test_models_status_refuses_a_tampered_model_in_both_languages(tiny_dir: Path) -> None:
    from typer.testing import CliRunner

    from menwei.cli import app

    (tiny_dir / TINY_FILE).write_bytes(b"swapped")
    result = CliRunner().invoke(app, ["models", "status"])
    assert result.exit_code == 2
    assert "已被改动" in result.output and "has been altered" in result.output
    assert result.output.index("已被改动") < result.output.index("has been altered")


def test_every_room_names_the_same_default_model() -> None:
    """The privacy room cannot import the face engine, so it names the default model itself:
    templates stored before models were named are that model's."""
    from menwei.privacy import vault
    from menwei.store.migrations.versions import v0014_template_model_id as migration

    names = {vault.DEFAULT_MODEL_ID, migration.DEFAULT_MODEL_ID, DEFAULT_MODEL_ID}
    assert names == {builtin_manifest().recognizer.model_id}
