"""What a liveness check says: pass, fail or not checked, with a reason; never a score.

A score would tell an attacker how close a photo came; the door, the enrolment page and the
event log need only the verdict and why. ``not_checked`` is an honest third answer (too few
frames, no movement to judge), which the door's policy turns into a refusal or a fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


_MESSAGES: dict[LivenessReason, tuple[str, str]] = {
    LivenessReason.LIVE_TEXTURE: ("活体检测通过。", "Liveness check passed."),
    LivenessReason.PRESENTATION_ATTACK: (
        "未通过活体检测：请本人正对镜头，不要使用照片或屏幕。也可刷卡、输入密码或出示二维码。",
        "Liveness check failed: face the camera in person, not a photo or a screen. "
        "You can also use a card, PIN or QR pass.",
    ),
    LivenessReason.FACE_TOO_SMALL: (
        "请再靠近一些，让脸部占满取景框。",
        "Come closer so that your face fills the frame.",
    ),
    LivenessReason.HEAD_MOVED_IN_DEPTH: ("活体检测通过。", "Liveness check passed."),
    LivenessReason.FLAT_MOTION: (
        "未通过活体检测：画面中的脸像是平面的照片或屏幕。请本人通过，或刷卡、输入密码。",
        "Liveness check failed: the face moved like a flat photo or screen. Pass in person, "
        "or use a card or PIN.",
    ),
    LivenessReason.TOO_FEW_FRAMES: (
        "请在镜头前稍作停留。",
        "Stay in front of the camera for a moment.",
    ),
    LivenessReason.TOO_LITTLE_MOVEMENT: (
        "请自然地走近镜头。",
        "Walk naturally towards the camera.",
    ),
    LivenessReason.CHALLENGE_MET: ("动作验证通过。", "Movement check passed."),
    LivenessReason.CHALLENGE_PENDING: (
        "请按提示做动作。",
        "Please make the movement shown.",
    ),
    LivenessReason.CHALLENGE_WRONG_MOVE: (
        "动作不符合提示，请重新开始并按提示做动作。",
        "That was not the movement asked for. Start again and follow the prompt.",
    ),
    LivenessReason.CHALLENGE_TIMED_OUT: (
        "动作验证超时，请重新开始。",
        "The movement check timed out. Start again.",
    ),
    LivenessReason.FACE_LOST: (
        "没有持续检测到人脸，请保持脸部在取景框内并重新开始。",
        "Your face left the frame. Keep it in view and start again.",
    ),
    LivenessReason.CHECK_OFF: (
        "此门未启用活体检测。",
        "Liveness checks are switched off at this door.",
    ),
}


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
        zh, en = _MESSAGES[self.reason]
        return en if language.lower().startswith("en") else zh
