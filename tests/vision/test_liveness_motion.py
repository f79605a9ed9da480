"""The motion check on synthetic tracks: heads show depth, carried photos are flat."""

from __future__ import annotations

import numpy as np

from menwei.vision.liveness import LivenessOutcome, LivenessReason
from menwei.vision.liveness.motion import MotionLiveness, MotionRules, assess_track

from .test_liveness_geometry import head_landmarks


def _jitter(track: list[np.ndarray], pixels: float, seed: int = 0) -> list[np.ndarray]:
    """Landmark noise like the detector's: ``pixels`` standard deviation per coordinate."""
    rng = np.random.default_rng(seed)
    return [points + rng.normal(0.0, pixels, points.shape) for points in track]


def test_a_head_turning_a_little_as_it_approaches_passes() -> None:
    track = [
        head_landmarks(yaw, pitch, distance=distance)
        for yaw, pitch, distance in zip(
            np.linspace(0, 20, 12), np.linspace(0, 5, 12), np.linspace(12, 7, 12), strict=True
        )
    ]
    result = assess_track(_jitter(track, 0.5))
    assert result.outcome is LivenessOutcome.PASS
    assert result.reason is LivenessReason.HEAD_MOVED_IN_DEPTH


def test_a_photo_carried_tilted_and_shaken_towards_the_camera_fails_as_flat() -> None:
    rng = np.random.default_rng(1)
    track = [
        head_landmarks(
            float(rng.uniform(-25, 25)),
            float(rng.uniform(-15, 15)),
            distance=float(d),
            shift=(float(rng.uniform(-1, 1)), float(rng.uniform(-0.5, 0.5))),
            roll_deg=float(rng.uniform(-10, 10)),
            flat=True,
        )
        for d in np.linspace(12, 6, 15)
    ]
    result = assess_track(_jitter(track, 0.5))
    assert result.outcome is LivenessOutcome.FAIL
    assert result.reason is LivenessReason.FLAT_MOTION


def test_a_head_that_does_not_turn_and_a_still_photo_cannot_be_told_apart() -> None:
    for flat in (False, True):
        track = [head_landmarks(flat=flat) for _ in range(10)]
        result = assess_track(_jitter(track, 0.5))
        assert result.outcome is LivenessOutcome.NOT_CHECKED
        assert result.reason is LivenessReason.TOO_LITTLE_MOVEMENT


def test_a_short_track_is_not_judged() -> None:
    track = [head_landmarks(yaw) for yaw in (0, 10, 20)]
    assert assess_track(track).reason is LivenessReason.TOO_FEW_FRAMES


def test_only_the_latest_frames_of_a_long_track_count() -> None:
    check = MotionLiveness(MotionRules(max_frames=8))
    for yaw in np.linspace(0, 30, 20):  # an early turn …
        check.observe(head_landmarks(float(yaw)))
    for _ in range(12):  # … then a photo held still
        check.observe(head_landmarks(flat=True, distance=6))
    assert check.measures()[0] < 0.01
    check.reset()
    assert check.assess().reason is LivenessReason.TOO_FEW_FRAMES
