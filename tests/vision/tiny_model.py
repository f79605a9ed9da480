"""A small recognition model the tests build themselves, and a model folder around it.

The network averages the aligned 112×112 crop over 14×14 blocks (3×8×8 values) and projects
them to 32 numbers with a fixed random matrix: nothing like a good face model, but a real ONNX
file that OpenCV's ``dnn`` module loads and runs, with its own id, size and normalisation.
Nothing is downloaded; ``onnx`` (a test dependency) writes the file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

TINY_ID = "tiny-avgpool-32"
TINY_DIM = 32
TINY_FILE = "tiny_avgpool_32.onnx"


def tiny_onnx_bytes(seed: int = 7) -> bytes:
    """The ONNX bytes of the tiny network (same seed, same bytes)."""
    onnx = pytest.importorskip("onnx", reason="the tiny test model needs the onnx package")
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    projection = rng.normal(size=(3 * 8 * 8, TINY_DIM)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node(
                "AveragePool", ["input"], ["pooled"], kernel_shape=[14, 14], strides=[14, 14]
            ),
            helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
            helper.make_node("MatMul", ["flat", "projection"], ["embedding"]),
        ],
        "tiny",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 112, 112])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, TINY_DIM])],
        [numpy_helper.from_array(projection, "projection")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model.SerializeToString()


def make_tiny_model_dir(folder: Path, default_dir: Path) -> dict:
    """Write the tiny model, the default detector and a manifest naming both into ``folder``."""
    from menwei.vision.manifest import DETECTOR

    folder.mkdir(parents=True, exist_ok=True)
    data = tiny_onnx_bytes()
    (folder / TINY_FILE).write_bytes(data)
    shutil.copyfile(default_dir / DETECTOR.name, folder / DETECTOR.name)
    manifest = {
        "format": "menwei-models",
        "version": 1,
        "detector": {"file": DETECTOR.name, "sha256": DETECTOR.sha256, "id": DETECTOR.id},
        "recognizer": {
            "file": TINY_FILE,
            "sha256": hashlib.sha256(data).hexdigest(),
            "id": TINY_ID,
            "input_size": [112, 112],
            "colour": "RGB",
            "scale": 1.0,
            "mean": [127.5, 127.5, 127.5],
            "std": [127.5, 127.5, 127.5],
            "embedding_size": TINY_DIM,
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
    return manifest
