"""Errors of presentation-attack detection, in the face engine's one exception tree."""

from __future__ import annotations

from menwei.vision.errors import VisionError


class LivenessError(VisionError):
    """Base of the liveness errors; a failed check is a result, never one of these."""

    code = "liveness"


class PadParametersError(LivenessError):
    """The presentation-attack parameters are missing, altered or made for other features."""

    code = "pad_parameters"


class ChallengeError(LivenessError):
    """An active challenge was used wrongly (answered twice, after it was settled, bad input)."""

    code = "liveness_challenge"
