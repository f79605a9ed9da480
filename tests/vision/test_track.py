"""Fusing the frames of one approach into one probe vector."""

from __future__ import annotations

import numpy as np
import pytest

from menwei.vision.embed import EMBEDDING_DIM, normalise
from menwei.vision.track import fuse_track


def _person(rng: np.random.Generator, centre: np.ndarray, noise: float, count: int) -> list:
    return [normalise(centre + rng.normal(0, noise, EMBEDDING_DIM)) for _ in range(count)]


def test_a_fused_track_is_closer_to_the_person_than_its_frames_on_average() -> None:
    rng = np.random.default_rng(0)
    centre = normalise(rng.normal(size=EMBEDDING_DIM))
    frames = _person(rng, centre, 0.08, 5)
    fused = fuse_track(frames, best=5)
    assert np.linalg.norm(fused) == pytest.approx(1.0, abs=1e-5)
    assert float(fused @ centre) > float(np.mean([f @ centre for f in frames]))


def test_the_best_frames_by_quality_are_used_and_a_stranger_is_left_out() -> None:
    rng = np.random.default_rng(1)
    centre = normalise(rng.normal(size=EMBEDDING_DIM))
    stranger = normalise(rng.normal(size=EMBEDDING_DIM))
    frames = [*_person(rng, centre, 0.05, 3), stranger]
    fused = fuse_track(frames, qualities=[0.9, 0.8, 0.7, 0.85], best=3)
    assert float(fused @ stranger) < 0.2
    only_best = fuse_track(frames, qualities=[0.1, 0.2, 0.9, 0.0], best=1)
    assert np.allclose(only_best, frames[2], atol=1e-6)


def test_bad_tracks_are_refused() -> None:
    with pytest.raises(ValueError):
        fuse_track([])
    with pytest.raises(ValueError):
        fuse_track([np.ones(EMBEDDING_DIM)], qualities=[1.0, 2.0])
