"""The active challenge on synthetic landmark tracks: heads pass; photos and wrong moves do not."""

from __future__ import annotations

import numpy as np
import pytest

from menwei.vision.liveness import ChallengeError, LivenessOutcome, LivenessReason
from menwei.vision.liveness.challenge import Challenge, ChallengeKind, ChallengeRules

from .test_liveness_geometry import head_landmarks

FPS = 10.0


def _run(challenge: Challenge, frames: list[np.ndarray | None], start: float = 0.0):
    result = None
    for index, points in enumerate(frames):
        result = challenge.observe(points, start + index / FPS)
        if challenge.result is not None:
            break
    return result


def _still(count: int = 3, **pose: float) -> list[np.ndarray | None]:
    return [head_landmarks(**pose) for _ in range(count)]


def _sweep(key: str, end: float, steps: int = 8, back: bool = False, **fixed: object):
    values = list(np.linspace(0, end, steps))
    if back:
        values += values[::-1]
    return [head_landmarks(**{key: float(v)}, **fixed) for v in values]


def test_a_head_turning_to_its_left_meets_a_turn_left_challenge() -> None:
    challenge = Challenge(ChallengeKind.TURN_LEFT, 0.0)
    result = _run(challenge, _still() + _sweep("yaw_deg", 30))
    assert result is not None and result.outcome is LivenessOutcome.PASS
    assert result.reason is LivenessReason.CHALLENGE_MET


def test_a_head_turning_to_its_right_meets_a_turn_right_challenge() -> None:
    result = _run(Challenge(ChallengeKind.TURN_RIGHT, 0.0), _still() + _sweep("yaw_deg", -30))
    assert result is not None and result.passed


def test_turning_the_other_way_fails_as_a_wrong_move() -> None:
    result = _run(Challenge(ChallengeKind.TURN_RIGHT, 0.0), _still() + _sweep("yaw_deg", 30))
    assert result is not None and result.failed
    assert result.reason is LivenessReason.CHALLENGE_WRONG_MOVE


def test_a_photo_turned_like_a_head_never_meets_the_challenge_and_times_out() -> None:
    challenge = Challenge(ChallengeKind.TURN_LEFT, 0.0, ChallengeRules(time_limit=3.0))
    frames = [head_landmarks(flat=True)] * 3 + _sweep("yaw_deg", 35, steps=40, flat=True)
    result = _run(challenge, frames)
    assert result is not None and result.failed
    assert result.reason is LivenessReason.CHALLENGE_TIMED_OUT


def test_a_nod_down_and_back_meets_a_nod_challenge_but_a_nod_held_down_does_not() -> None:
    nod = _run(Challenge(ChallengeKind.NOD, 0.0), _still() + _sweep("pitch_deg", 25, back=True))
    assert nod is not None and nod.passed
    held = Challenge(ChallengeKind.NOD, 0.0)
    _run(held, _still() + _sweep("pitch_deg", 25))
    assert held.result is None


def test_coming_closer_meets_a_come_closer_challenge() -> None:
    frames = _still() + [head_landmarks(distance=d) for d in np.linspace(8, 5, 8)]
    assert _run(Challenge(ChallengeKind.COME_CLOSER, 0.0), frames).passed


def test_a_movement_shown_in_one_noisy_frame_only_is_not_enough() -> None:
    challenge = Challenge(ChallengeKind.TURN_LEFT, 0.0)
    frames = [*_still(), head_landmarks(30), *_still(5)]
    _run(challenge, frames)
    assert challenge.result is None


def test_the_movement_after_the_deadline_fails_as_timed_out() -> None:
    challenge = Challenge(ChallengeKind.TURN_LEFT, 100.0, ChallengeRules(time_limit=5.0))
    for index, points in enumerate(_still()):
        challenge.observe(points, 100.0 + index / FPS)
    late = challenge.observe(head_landmarks(30), 106.0)
    assert late.reason is LivenessReason.CHALLENGE_TIMED_OUT
    assert challenge.deadline == 105.0


def test_losing_the_face_for_longer_than_the_gap_fails_the_challenge() -> None:
    challenge = Challenge(ChallengeKind.TURN_LEFT, 0.0)
    challenge.observe(head_landmarks(), 0.0)
    assert challenge.observe(None, 0.5).outcome is LivenessOutcome.NOT_CHECKED
    assert challenge.observe(None, 1.6).reason is LivenessReason.FACE_LOST


def test_a_settled_challenge_cannot_be_answered_again() -> None:
    challenge = Challenge(ChallengeKind.TURN_LEFT, 0.0, ChallengeRules(time_limit=1.0))
    challenge.observe(head_landmarks(), 2.0)
    with pytest.raises(ChallengeError):
        challenge.observe(head_landmarks(), 2.1)


def test_landmarks_that_are_not_five_points_are_refused_with_a_clear_error() -> None:
    challenge = Challenge(ChallengeKind.NOD, 0.0)
    with pytest.raises(ChallengeError, match="5×2"):
        challenge.observe(np.zeros((68, 2)), 0.0)


def test_mirrored_frames_are_read_with_left_and_right_swapped() -> None:
    def mirror(points: np.ndarray) -> np.ndarray:
        flipped = points.copy()
        flipped[:, 0] = 639 - flipped[:, 0]
        return flipped[[1, 0, 2, 4, 3]]  # as the detector labels a mirrored picture

    frames = [mirror(p) for p in _still() + _sweep("yaw_deg", 30)]
    assert _run(Challenge(ChallengeKind.TURN_LEFT, 0.0, mirrored=True), frames).passed
    wrong = _run(Challenge(ChallengeKind.TURN_LEFT, 0.0), frames)
    assert wrong.reason is LivenessReason.CHALLENGE_WRONG_MOVE


def test_random_challenges_draw_every_kind_and_only_the_kinds_allowed() -> None:
    drawn = {Challenge.random(0.0).kind for _ in range(300)}
    assert drawn == set(ChallengeKind)
    turns = (ChallengeKind.TURN_LEFT, ChallengeKind.TURN_RIGHT)
    assert {Challenge.random(0.0, kinds=turns).kind for _ in range(100)} <= set(turns)
    with pytest.raises(ChallengeError):
        Challenge.random(0.0, kinds=())


def test_every_challenge_has_a_prompt_in_chinese_and_english() -> None:
    for kind in ChallengeKind:
        challenge = Challenge(kind, 0.0)
        assert challenge.prompt() != challenge.prompt("en")
        assert challenge.prompt("en").endswith(".")
