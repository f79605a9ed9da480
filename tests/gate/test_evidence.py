"""A track's evidence: the approach's liveness median and whether its frames are one person."""

from __future__ import annotations

import numpy as np

from menwei.gate.evidence import TrackEvidence


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return v / np.linalg.norm(v)


def test_the_approach_is_live_on_the_median_of_its_frames_not_on_one() -> None:
    evidence = TrackEvidence(0.0)
    for margin in (0.9, -0.3, -0.2):
        evidence.add(_unit(1), 1.0, margin)
    assert evidence.attack_frames == 2 and not evidence.live()
    evidence.add(_unit(1), 1.0, 0.4)
    evidence.add(_unit(1), 1.0, 0.5)
    assert evidence.live()  # three of five frames pass


def test_unjudged_frames_neither_pass_nor_refuse_an_approach() -> None:
    evidence = TrackEvidence(0.0)
    evidence.add(_unit(1), 1.0, None)
    assert evidence.live() and not evidence.liveness_judged and evidence.attack_frames == 0


def test_a_second_face_in_the_track_breaks_its_agreement() -> None:
    evidence = TrackEvidence(0.0)
    near = _unit(1) + 0.2 * _unit(2)
    evidence.add(_unit(1), 1.0, None)
    evidence.add(near, 0.5, None)
    assert evidence.agrees(0.4)
    assert float(evidence.fused(0.4) @ _unit(1)) > 0.9
    evidence.add(_unit(3), 2.0, None)
    assert not evidence.agrees(0.4)
