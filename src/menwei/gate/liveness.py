"""The liveness step of the pipeline: is the face in front of the camera a live person?

The gate uses the single-frame presentation-attack check of ``menwei.vision.liveness``
(texture, colour and glare against printed photos and screens) on every face that reaches a
decision. Its verdict (``pass``, ``fail`` or ``not_checked``) is written into each event, so
an auditor sees whether a check was made rather than assuming one was. ``NotChecked`` is the
honest stand-in where an installer has switched the check off (``--liveness none``).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from menwei.vision.detect import Face
from menwei.vision.liveness import FrameLiveness, LivenessOutcome

LivenessVerdict = LivenessOutcome
"""``pass`` / ``fail`` / ``not_checked``: a verdict, never a score."""


class LivenessCheck(Protocol):
    """Judge ``face`` in ``image``."""

    def check(self, image: np.ndarray, face: Face) -> LivenessVerdict: ...


class NotChecked:
    """The check used when liveness detection is switched off: says so in every event."""

    def check(self, image: np.ndarray, face: Face) -> LivenessVerdict:
        return LivenessOutcome.NOT_CHECKED


class FrameCheck:
    """The single-frame presentation-attack check of ``menwei.vision.liveness``.

    ``aligner`` lets the check share the pipeline's SFace instance instead of loading another.
    """

    def __init__(self, frame_liveness: FrameLiveness | None = None, *, aligner=None) -> None:  # type: ignore[no-untyped-def]
        self._check = frame_liveness or FrameLiveness(aligner=aligner)

    def check(self, image: np.ndarray, face: Face) -> LivenessVerdict:
        return self._check.assess(image, face).outcome


def make_liveness(kind: str, *, aligner=None) -> LivenessCheck:  # type: ignore[no-untyped-def]
    """The check ``--liveness`` names: ``frame`` (default) or ``none``."""
    if kind == "frame":
        return FrameCheck(aligner=aligner)
    if kind == "none":
        return NotChecked()
    from menwei.gate.errors import GateError

    raise GateError(f"Unknown liveness check {kind!r}: choose frame or none.")
