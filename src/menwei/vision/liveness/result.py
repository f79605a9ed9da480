"""What a liveness check says: pass, fail or not checked, with a reason; never a score.

A score would tell an attacker how close a photo came; the door, the enrolment page and the
event log need only the verdict and why. ``not_checked`` is an honest third answer (too few
frames, no movement to judge), which the door's policy turns into a refusal or a fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from menwei.text import translate


class LivenessOutcome(StrEnum):
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    FAIL = "fail"
    NOT_CHECKED = "not_checked"


class LivenessReason(StrEnum):
    LIVE_TEXTURE = "live_texture"
    PRESENTATION_ATTACK = "presentation_attack"
    FACE_TOO_SMALL = "face_too_small"
    HEAD_MOVED_IN_DEPTH = "head_moved_in_depth"
    FLAT_MOTION = "flat_motion"
    TOO_FEW_FRAMES = "too_few_frames"
    TOO_LITTLE_MOVEMENT = "too_little_movement"
    CHALLENGE_MET = "challenge_met"
    CHALLENGE_PENDING = "challenge_pending"
    CHALLENGE_WRONG_MOVE = "challenge_wrong_move"
    CHALLENGE_TIMED_OUT = "challenge_timed_out"
    FACE_LOST = "face_lost"
    CHECK_OFF = "check_off"


@dataclass(frozen=True)
class LivenessResult:
    """The verdict of one check: ``outcome``, a stable ``reason`` code and which ``check``."""

    outcome: LivenessOutcome
    reason: LivenessReason
    check: str

    @property
    def passed(self) -> bool:
        return self.outcome is LivenessOutcome.PASS

    @property
    def failed(self) -> bool:
        return self.outcome is LivenessOutcome.FAIL

    def message(self, language: str = "zh-CN") -> str:
        """What to tell the person, in zh-CN (default) or English ("en…")."""
        return translate(f"vision.liveness.{self.reason.value}", language)
