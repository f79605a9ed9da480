"""The liveness step of the pipeline: is the face in front of the camera a live person?

Until a presentation-attack model is configured, the gate says so honestly: every check
returns ``not_checked``, and that word is written into each event, so an auditor can see that
no liveness check was made rather than assume one was.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

import numpy as np


class LivenessVerdict(StrEnum):
    LIVE = "live"
    ATTACK = "attack"
    NOT_CHECKED = "not_checked"


class LivenessCheck(Protocol):
    """Judge the face at ``box`` (x, y, w, h) in ``image``; a verdict, never a score."""

    def check(
        self, image: np.ndarray, box: tuple[float, float, float, float]
    ) -> LivenessVerdict: ...


class NotChecked:
    """The check used when no presentation-attack model is configured."""

    def check(self, image: np.ndarray, box: tuple[float, float, float, float]) -> LivenessVerdict:
        return LivenessVerdict.NOT_CHECKED
