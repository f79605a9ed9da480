"""The passive check across frames: does the face move like a head, or like a flat picture?

Over one tracked approach the gate sees the same face in many frames. For every frame the
nose is compared with where a flat picture's nose would be (the homography through the eyes
and mouth corners of the first frame, see ``geometry.nose_parallax``). A head that turns or
tilts even a little puts its nose off that prediction; a printed photo or a phone screen,
however it is carried, tilted or shaken, does not. If the face moved clearly as a whole but
never off the plane, it is flat. If it hardly moved at all, the frames cannot tell, and the
check says ``not_checked`` rather than guess.

Landmark noise sets the floor: YuNet's five points jitter by a few per cent of the eye
distance, so a head must turn or tilt by about eleven degrees over the approach to be told
from paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from menwei.vision.liveness.geometry import as_landmarks, nose_parallax, plane_motion
from menwei.vision.liveness.result import LivenessOutcome, LivenessReason, LivenessResult

CHECK_NAME = "motion"


@dataclass(frozen=True)
class MotionRules:
    min_frames: int = 6
    """Fewer frames than this are too few to judge."""
    depth: float = 0.15
    """Nose parallax (eye distances, 80th percentile over the frames) that proves depth.

    A head turned or tilted by about 11 degrees shows 0.15; YuNet's jitter on NUAA's webcam
    frames stays below 0.1 for nine windows in ten."""
    movement: float = 1.0
    """Whole-face movement (eye distances) after which a flat result counts as an attack.

    A person walking up also moves mostly as a whole; only a clear move (a photo carried or
    shaken) with no depth at all is called flat."""
    max_frames: int = 60
    """At most this many of the latest frames are kept: one approach, not a day at the door."""


@dataclass
class MotionLiveness:
    """Feed ``observe(landmarks)`` once per frame of one track, then ``assess()``.

    Each frame is measured against the track's first kept frame as it arrives, so ``assess``
    costs next to nothing. When the track grows past ``max_frames`` its older half is dropped
    and the rest re-measured from the new first frame.
    """

    rules: MotionRules = field(default_factory=MotionRules)
    _track: list[np.ndarray] = field(default_factory=list, repr=False)
    _parallax: list[float] = field(default_factory=list, repr=False)
    _movement: list[float] = field(default_factory=list, repr=False)

    name = CHECK_NAME

    def observe(self, landmarks: object) -> None:
        """Add one frame's 5×2 landmarks (``ValueError`` for anything else)."""
        points = as_landmarks(landmarks)
        self._track.append(points)
        if len(self._track) > self.rules.max_frames:
            del self._track[: len(self._track) - max(self.rules.max_frames // 2, 2)]
            self._remeasure()
        elif len(self._track) > 1:
            self._measure(points)

    def _measure(self, points: np.ndarray) -> None:
        reference = self._track[0]
        self._parallax.append(nose_parallax(reference, points))
        self._movement.append(plane_motion(reference, points))

    def _remeasure(self) -> None:
        self._parallax.clear()
        self._movement.clear()
        for points in self._track[1:]:
            self._measure(points)

    def measures(self) -> tuple[float, float]:
        """(depth, movement) of the frames so far; both 0 for fewer than two frames."""
        if not self._parallax:
            return 0.0, 0.0
        return float(np.quantile(self._parallax, 0.8)), float(max(self._movement))

    def assess(self) -> LivenessResult:
        if len(self._track) < self.rules.min_frames:
            return self._result(LivenessOutcome.NOT_CHECKED, LivenessReason.TOO_FEW_FRAMES)
        depth, movement = self.measures()
        if depth >= self.rules.depth:
            return self._result(LivenessOutcome.PASS, LivenessReason.HEAD_MOVED_IN_DEPTH)
        if movement >= self.rules.movement:
            return self._result(LivenessOutcome.FAIL, LivenessReason.FLAT_MOTION)
        return self._result(LivenessOutcome.NOT_CHECKED, LivenessReason.TOO_LITTLE_MOVEMENT)

    def reset(self) -> None:
        self._track.clear()
        self._remeasure()

    def _result(self, outcome: LivenessOutcome, reason: LivenessReason) -> LivenessResult:
        return LivenessResult(outcome, reason, self.name)


def assess_track(landmarks: list[object], rules: MotionRules | None = None) -> LivenessResult:
    """Judge a whole track at once (a list of 5×2 landmark arrays in frame order)."""
    check = MotionLiveness(rules or MotionRules())
    for points in landmarks:
        check.observe(points)
    return check.assess()
