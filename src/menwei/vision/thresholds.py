"""The match thresholds menwei ships, read from calibration data that says where they came from.

Two thresholds, because the access decision has three outcomes: at or above ``confident`` the
face alone opens the door; between ``possible`` and ``confident`` the person is asked for a
second factor (PIN or card) before it opens; below ``possible`` the face is unknown. The values
live in ``thresholds.json`` beside this module together with their provenance (data, command,
rule), and they belong to one recognition model: loading them with another model file is an
error, because scores of different models are not comparable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from menwei.vision.errors import CalibrationError
from menwei.vision.models import RECOGNIZER

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
                f"Thresholds must satisfy -1 ≤ possible ≤ confident ≤ 1, got possible="
                f"{self.possible}, confident={self.confident}.",
                "阈值配置错误：需满足 possible ≤ confident。",
            )

    def verdict(self, score: float) -> Verdict:
        """What a best-match score means at the door."""
        if score >= self.confident:
            return "confident"
        if score >= self.possible:
            return "possible"
        return "unknown"


def parse(document: dict[str, Any]) -> Thresholds:
    """Thresholds from a calibration document, checked against the installed model."""
    try:
        model = document["recognizer_sha256"]
        values = Thresholds(
            confident=float(document["confident"]),
            possible=float(document["possible"]),
            gallery_size=int(document["gallery_size"]),
            provenance=dict(document.get("provenance", {})),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CalibrationError(
            f"The threshold calibration file is incomplete or malformed ({error}).",
            "阈值校准文件不完整或格式错误。",
        ) from None
    if model != RECOGNIZER.sha256:
        raise CalibrationError(
            f"These thresholds were calibrated for recognition model {model}, not the installed "
            f"{RECOGNIZER.sha256}. Recalibrate with `menwei eval identify`.",
            "阈值与当前人脸模型不匹配，请重新校准。",
        )
    return values


@cache
def default_thresholds() -> Thresholds:
    """The shipped thresholds (``thresholds.json``), calibrated for a 10,000-person gallery."""
    text = resources.files("menwei.vision").joinpath("thresholds.json").read_text("utf-8")
    return parse(json.loads(text))
