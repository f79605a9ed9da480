"""The active check: ask for a random movement and verify it from the landmarks over time.

Used by the phone enrolment page and, where a door's policy asks for it, at high-security
doors. The movement is chosen with the system's secure random source, so a prepared video
cannot know it in advance, and it must be made within a time limit. Turning and nodding are
read from the nose's position in the affine frame of the eyes and mouth (see ``geometry``),
which a photo keeps however it is moved or tilted; "come closer" alone a photo can imitate,
so it is best combined with the frame check, as the enrolment flow does.

Time is a parameter (``at``, seconds on any monotonic clock), never read here.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from menwei.text import translate
from menwei.vision.liveness.errors import ChallengeError
from menwei.vision.liveness.geometry import as_landmarks, eye_distance, nose_coordinates
from menwei.vision.liveness.result import LivenessOutcome, LivenessReason, LivenessResult

CHECK_NAME = "challenge"


class ChallengeKind(StrEnum):
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    NOD = "nod"
    COME_CLOSER = "come_closer"


def prompt_message_id(kind: ChallengeKind) -> str:
    """The catalogue id of what to ask for ``kind``."""
    return f"vision.challenge.{kind.value}"


PROMPTS: dict[ChallengeKind, tuple[str, str]] = {
    kind: (translate(prompt_message_id(kind), "zh-CN"), translate(prompt_message_id(kind), "en"))
    for kind in ChallengeKind
}
"""Each prompt in zh-CN and English, for a reader that wants both at once."""


@dataclass(frozen=True)
class ChallengeRules:
    """How much movement counts, in units that do not depend on the camera or distance."""

    time_limit: float = 10.0
    """Seconds from issue to the movement made."""
    baseline_frames: int = 3
    """Frames at the start whose median is the person's resting pose."""
    turn: float = 0.15
    """Yaw change (nose shift in eye distances) that counts as a turn; about 15-20 degrees."""
    nod: float = 0.12
    """Pitch change (share of the eye-to-mouth height) that counts as a nod."""
    closer: float = 1.3
    """Growth of the eye distance that counts as coming closer."""
    hold_frames: int = 2
    """Consecutive frames the movement must show in, so one noisy frame cannot pass."""
    max_gap: float = 1.0
    """Seconds without a face after which the challenge fails."""


@dataclass(frozen=True)
class _Pose:
    yaw: float
    pitch: float
    size: float


@dataclass
class Challenge:
    """One issued challenge and the frames seen since; ``observe`` each frame until settled.

    ``mirrored`` says that frames come from a mirrored preview (the person's left on the
    picture's left); camera frames are normally not mirrored.
    """

    kind: ChallengeKind
    issued_at: float
    rules: ChallengeRules = field(default_factory=ChallengeRules)
    mirrored: bool = False
    _poses: list[_Pose] = field(default_factory=list, repr=False)
    _last_seen: float | None = field(default=None, repr=False)
    _held: int = field(default=0, repr=False)
    _nod_reached: bool = field(default=False, repr=False)
    _result: LivenessResult | None = field(default=None, repr=False)

    @classmethod
    def random(
        cls,
        at: float,
        *,
        kinds: Sequence[ChallengeKind] = tuple(ChallengeKind),
        rules: ChallengeRules | None = None,
        mirrored: bool = False,
    ) -> Challenge:
        """A challenge of a kind drawn with ``secrets``: unpredictable to whoever prepares."""
        if not kinds:
            raise ChallengeError(message_id="liveness_challenge.challenge_kinds_choose_from")
        return cls(secrets.choice(list(kinds)), at, rules or ChallengeRules(), mirrored)

    @property
    def deadline(self) -> float:
        return self.issued_at + self.rules.time_limit

    def prompt(self, language: str = "zh-CN") -> str:
        """What to ask of the person, in zh-CN (default) or English ("en…")."""
        return translate(prompt_message_id(self.kind), language)

    @property
    def result(self) -> LivenessResult | None:
        """The settled verdict, or ``None`` while the challenge is still open."""
        return self._result

    def observe(self, landmarks: object | None, at: float) -> LivenessResult:
        """Feed one frame's five landmarks (``None`` when no face was found) taken at ``at``."""
        if self._result is not None:
            raise ChallengeError(
                message_id="liveness_challenge.challenge_already_settled_issue",
            )
        if at > self.deadline:
            return self._settle(LivenessOutcome.FAIL, LivenessReason.CHALLENGE_TIMED_OUT)
        if landmarks is None:
            if self._last_seen is not None and at - self._last_seen > self.rules.max_gap:
                return self._settle(LivenessOutcome.FAIL, LivenessReason.FACE_LOST)
            return self._pending()
        try:
            points = as_landmarks(landmarks)
        except ValueError as error:
            raise ChallengeError(
                message_id="liveness_challenge.unusable_landmarks_challenge", error=error
            ) from None
        if self._last_seen is not None and at - self._last_seen > self.rules.max_gap:
            return self._settle(LivenessOutcome.FAIL, LivenessReason.FACE_LOST)
        self._last_seen = at
        yaw, pitch = nose_coordinates(points)
        # in camera frames the person's left eye is on the picture's right: turning to
        # their left moves the nose towards it, which raises yaw
        self._poses.append(_Pose(-yaw if self.mirrored else yaw, pitch, eye_distance(points)))
        if len(self._poses) <= self.rules.baseline_frames:
            return self._pending()
        return self._judge()

    def _baseline(self) -> _Pose:
        start = self._poses[: self.rules.baseline_frames]
        return _Pose(
            float(np.median([p.yaw for p in start])),
            float(np.median([p.pitch for p in start])),
            float(np.median([p.size for p in start])),
        )

    def _judge(self) -> LivenessResult:
        rules, base, now = self.rules, self._baseline(), self._poses[-1]
        turned = now.yaw - base.yaw
        nodded = now.pitch - base.pitch
        grown = now.size / max(base.size, 1e-6)
        asked = self.kind
        if asked is ChallengeKind.TURN_LEFT:
            met, wrong = turned >= rules.turn, turned <= -rules.turn
        elif asked is ChallengeKind.TURN_RIGHT:
            met, wrong = turned <= -rules.turn, turned >= rules.turn
        elif asked is ChallengeKind.NOD:
            # down (or up) past the mark, then back near the resting pose
            if abs(nodded) >= rules.nod:
                self._nod_reached = True
            met = self._nod_reached and abs(nodded) <= rules.nod / 2
            wrong = abs(turned) >= rules.turn
        else:
            met = grown >= rules.closer
            wrong = abs(turned) >= rules.turn or grown <= 1 / rules.closer
        if wrong:
            return self._settle(LivenessOutcome.FAIL, LivenessReason.CHALLENGE_WRONG_MOVE)
        self._held = self._held + 1 if met else 0
        needed = 1 if asked is ChallengeKind.NOD else rules.hold_frames
        if self._held >= needed:
            return self._settle(LivenessOutcome.PASS, LivenessReason.CHALLENGE_MET)
        return self._pending()

    def _pending(self) -> LivenessResult:
        return LivenessResult(
            LivenessOutcome.NOT_CHECKED, LivenessReason.CHALLENGE_PENDING, CHECK_NAME
        )

    def _settle(self, outcome: LivenessOutcome, reason: LivenessReason) -> LivenessResult:
        self._result = LivenessResult(outcome, reason, CHECK_NAME)
        return self._result
