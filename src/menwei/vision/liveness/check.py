"""One door's liveness policy over one tracked approach: which checks run, and how they combine.

A door's mode is ``off``, ``passive`` (the frame check), ``passive_temporal`` (the frame check
and the motion check over the track) or ``active`` (the frame check and a movement challenge,
at enrolment or a high-security door). Any check that fails fails the whole; a check that
cannot tell (a still face, too few frames) does not, except in ``active`` mode, where nothing
passes until the challenge is met.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from menwei.vision.detect import Face
from menwei.vision.liveness.challenge import Challenge, ChallengeKind, ChallengeRules
from menwei.vision.liveness.frame import FrameLiveness
from menwei.vision.liveness.motion import MotionLiveness, MotionRules
from menwei.vision.liveness.result import LivenessOutcome, LivenessReason, LivenessResult


class LivenessMode(StrEnum):
    OFF = "off"
    PASSIVE = "passive"
    PASSIVE_TEMPORAL = "passive_temporal"
    ACTIVE = "active"


class LivenessCheck:
    """Per track: ``observe`` every frame, ``assess`` when the door must decide.

    In ``active`` mode, ``challenge`` holds the movement asked for (drawn at random when the
    track starts); show ``challenge.prompt()`` to the person.
    """

    def __init__(
        self,
        mode: LivenessMode | str,
        frame: FrameLiveness | None = None,
        *,
        motion_rules: MotionRules | None = None,
        challenge_rules: ChallengeRules | None = None,
        challenge_kinds: tuple[ChallengeKind, ...] = tuple(ChallengeKind),
        started_at: float = 0.0,
    ) -> None:
        self.mode = LivenessMode(mode)
        needs_frame = self.mode is not LivenessMode.OFF
        self.frame = frame if frame is not None or not needs_frame else FrameLiveness()
        self.motion = MotionLiveness(motion_rules or MotionRules())
        self.challenge: Challenge | None = None
        if self.mode is LivenessMode.ACTIVE:
            self.challenge = Challenge.random(
                started_at, kinds=challenge_kinds, rules=challenge_rules
            )
        self._challenge_result: LivenessResult | None = None

    def observe(self, face: Face | None, at: float) -> None:
        """Record the landmarks of one frame of the track (``None``: no face in this frame)."""
        if face is not None and self.mode is LivenessMode.PASSIVE_TEMPORAL:
            self.motion.observe(face.landmarks)
        if self.challenge is not None and self.challenge.result is None:
            self._challenge_result = self.challenge.observe(
                None if face is None else face.landmarks, at
            )

    def assess(
        self, image: np.ndarray, face: Face, aligned: np.ndarray | None = None
    ) -> LivenessResult:
        """The combined verdict for the door, from this frame and the track observed so far."""
        if self.mode is LivenessMode.OFF or self.frame is None:
            return LivenessResult(LivenessOutcome.NOT_CHECKED, LivenessReason.CHECK_OFF, "off")
        single = self.frame.assess(image, face, aligned)
        if single.failed:
            return single
        if self.mode is LivenessMode.PASSIVE_TEMPORAL:
            motion = self.motion.assess()
            if motion.failed:
                return motion
        challenge = self._challenge_result
        if self.mode is LivenessMode.ACTIVE and (challenge is None or not challenge.passed):
            return challenge or LivenessResult(
                LivenessOutcome.NOT_CHECKED, LivenessReason.CHALLENGE_PENDING, "challenge"
            )
        return single
