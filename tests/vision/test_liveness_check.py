"""Door modes combine the checks: any failure fails, and active mode waits for its challenge."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from menwei.vision.detect import Face
from menwei.vision.liveness import (
    FrameLiveness,
    LivenessCheck,
    LivenessMode,
    LivenessOutcome,
    LivenessReason,
    load_model,
)
from menwei.vision.liveness.challenge import ChallengeKind
from menwei.vision.liveness.features import FEATURE_COUNT

from .test_liveness_geometry import head_landmarks

FRAME = np.full((480, 640, 3), 128, dtype=np.uint8)
CROP = np.full((112, 112, 3), 128, dtype=np.uint8)


def _frame_check(live: bool) -> FrameLiveness:
    model = dataclasses.replace(
        load_model(), weights=np.zeros(FEATURE_COUNT), bias=5.0 if live else -5.0
    )
    return FrameLiveness(model, aligner=lambda *_: CROP)


def _face(points: np.ndarray) -> Face:
    return Face((200.0, 100.0, 200.0, 240.0), points.astype(np.float32), 0.9)


def _decide(check: LivenessCheck, track: list[np.ndarray]):
    for index, points in enumerate(track):
        check.observe(_face(points), index / 10)
    return check.assess(FRAME, _face(track[-1]), CROP)


STILL = [head_landmarks() for _ in range(8)]
CARRIED_PHOTO = [head_landmarks(shift=(0.3 * i, 0.0), flat=True) for i in range(8)]


def test_off_never_checks() -> None:
    result = _decide(LivenessCheck("off"), STILL)
    assert result.outcome is LivenessOutcome.NOT_CHECKED
    assert result.reason is LivenessReason.CHECK_OFF


@pytest.mark.parametrize("mode", ["passive", "passive_temporal"])
def test_a_frame_that_looks_printed_fails_in_every_passive_mode(mode: str) -> None:
    assert _decide(LivenessCheck(mode, _frame_check(False)), STILL).failed
    assert _decide(LivenessCheck(mode, _frame_check(True)), STILL).passed


def test_passive_temporal_fails_a_flat_track_that_the_frame_check_let_through() -> None:
    passive = _decide(LivenessCheck(LivenessMode.PASSIVE, _frame_check(True)), CARRIED_PHOTO)
    temporal = LivenessCheck(LivenessMode.PASSIVE_TEMPORAL, _frame_check(True))
    assert passive.passed
    assert _decide(temporal, CARRIED_PHOTO).reason is LivenessReason.FLAT_MOTION


def test_active_mode_waits_for_the_challenge_and_then_passes() -> None:
    check = LivenessCheck("active", _frame_check(True), challenge_kinds=(ChallengeKind.TURN_LEFT,))
    assert check.challenge is not None and check.challenge.kind is ChallengeKind.TURN_LEFT
    waiting = _decide(check, STILL[:4])
    assert waiting.outcome is LivenessOutcome.NOT_CHECKED
    turn = [head_landmarks(float(yaw)) for yaw in np.linspace(0, 30, 8)]
    assert _decide(check, turn).passed


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError):
        LivenessCheck("sometimes")
