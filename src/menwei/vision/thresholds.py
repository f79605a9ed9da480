"""The match thresholds menwei ships, read from calibration data that says where they came from.

Two thresholds, because the access decision has three outcomes: at or above ``confident`` the
face alone opens the door; between ``possible`` and ``confident`` the person is asked for a
second factor (PIN or card) before it opens; below ``possible`` the face is unknown. The values
live in ``thresholds.json`` beside this module together with their provenance (data, command,
rule), and they belong to one recognition model: loading them with another model file is an
error, because scores of different models are not comparable. A model folder with a model of
its own holds its own ``thresholds.json``, written by ``menwei calibrate face`` and tied to
that model's id and sha256.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from menwei.vision.errors import CalibrationError
from menwei.vision.manifest import SFACE, RecognizerSpec
from menwei.vision.models import active_manifest, override_dir

THRESHOLDS_NAME = "thresholds.json"

Verdict = Literal["confident", "possible", "unknown"]


@dataclass(frozen=True)
class Thresholds:
    """Where the face decision changes, for galleries up to ``gallery_size`` people."""

    confident: float
    possible: float
    gallery_size: int
    provenance: dict[str, Any]

    def __post_init__(self) -> None:
        if not -1.0 <= self.possible <= self.confident <= 1.0:
            raise CalibrationError(
                message_id="calibration.thresholds_satisfy_possible_confident",
                possible=self.possible,
                confident=self.confident,
            )

    def verdict(self, score: float) -> Verdict:
        """What a best-match score means at the door."""
        if score >= self.confident:
            return "confident"
        if score >= self.possible:
            return "possible"
        return "unknown"


def parse(document: dict[str, Any], recognizer: RecognizerSpec | None = None) -> Thresholds:
    """Thresholds from a calibration document, checked against the configured model."""
    recognizer = recognizer or active_manifest().recognizer
    try:
        model = document["recognizer_sha256"]
        model_id = document.get("model_id", recognizer.model_id)
        values = Thresholds(
            confident=float(document["confident"]),
            possible=float(document["possible"]),
            gallery_size=int(document["gallery_size"]),
            provenance=dict(document.get("provenance", {})),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CalibrationError(
            message_id="calibration.threshold_calibration_file_incomplete",
            error=error,
        ) from None
    if model != recognizer.file.sha256 or model_id != recognizer.model_id:
        raise CalibrationError(
            message_id="calibration.these_thresholds_calibrated_recognition",
            model_id=model_id,
            model=model,
            recognizer_model_id=recognizer.model_id,
            recognizer_file_sha256=recognizer.file.sha256,
        )
    return values


@cache
def _read(recognizer: RecognizerSpec, path: Path | None, mtime_ns: int) -> Thresholds:
    if path is None:
        text = resources.files("menwei.vision").joinpath(THRESHOLDS_NAME).read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    try:
        document = json.loads(text)
    except ValueError:
        raise CalibrationError(
            message_id="calibration.threshold_calibration_file_json",
            file=path or THRESHOLDS_NAME,
        ) from None
    return parse(document, recognizer)


def default_thresholds() -> Thresholds:
    """The thresholds of the configured model.

    The model folder's own ``thresholds.json`` when it has one; else, for the default model,
    the shipped ones (calibrated for a 10,000-person gallery). Another model without a
    thresholds file is refused: a site runs ``menwei calibrate face`` first.
    """
    recognizer = active_manifest().recognizer
    folder = override_dir()
    if folder is not None and (folder / THRESHOLDS_NAME).is_file():
        path = folder / THRESHOLDS_NAME
        return _read(recognizer, path, path.stat().st_mtime_ns)
    if recognizer == SFACE:
        return _read(recognizer, None, 0)
    raise CalibrationError(
        message_id="calibration.recognition_model_thresholds_run",
        recognizer_model_id=recognizer.model_id,
        folder=folder,
        thresholds_name=THRESHOLDS_NAME,
    )
