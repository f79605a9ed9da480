"""The knobs of a decision that belong to the community, not to the code.

Face thresholds come from calibration on the community's own models (``menwei.vision``), so
``FacePolicy`` has no defaults: a score at or above ``confident`` opens on its own, a score in
``[possible, confident)`` needs the same person's card or PIN as well (step-up), and anything
lower is an unknown face. Scores are similarities: higher means more alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from menwei.core.errors import InvalidConfiguration
from menwei.core.pin import PinLockoutPolicy


class FaceGrade(StrEnum):
    CONFIDENT = "confident"
    POSSIBLE = "possible"
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True, kw_only=True)
class FacePolicy:
    confident: float
    possible: float

    def __post_init__(self) -> None:
        if not (
            math.isfinite(self.confident)
            and math.isfinite(self.possible)
            and self.possible <= self.confident
        ):
            raise InvalidConfiguration(
                message_id="invalid_configuration.face_thresholds_must_finite"
            )

    def grade(self, score: float) -> FaceGrade:
        """NaN and other non-scores grade as no match."""
        if not isinstance(score, int | float) or isinstance(score, bool):
            return FaceGrade.NO_MATCH
        if score >= self.confident:
            return FaceGrade.CONFIDENT
        if score >= self.possible:
            return FaceGrade.POSSIBLE
        return FaceGrade.NO_MATCH


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessPolicy:
    face: FacePolicy
    pin_lockout: PinLockoutPolicy = field(default_factory=PinLockoutPolicy)
    # How long a remembered passage counts for anti-passback; None = until the person passes
    # the other way (see ``menwei.core.anti_passback`` for why it expires by default).
    anti_passback_expiry: timedelta | None = timedelta(hours=12)

    def __post_init__(self) -> None:
        if self.anti_passback_expiry is not None and self.anti_passback_expiry <= timedelta(0):
            raise InvalidConfiguration(message_id="invalid_configuration.anti_passback_memory_must")
