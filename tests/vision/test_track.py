"""Fusing the frames of one approach into one probe vector."""

from __future__ import annotations

from pathlib import Path

import cv2
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


NUAA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nuaa"


@pytest.mark.skipif(not NUAA.is_dir(), reason="evaluation data ../shared/data/nuaa is absent")
def test_real_frames_fused_match_the_enrolment_better_and_a_stranger_is_not_fused_in(
    detector, embedder
) -> None:
    def vectors(subject: str, start: int, stop: int) -> list[np.ndarray]:
        paths = sorted((NUAA / "live" / subject).glob("*.jpg"))[start:stop]
        images = [cv2.imread(str(p)) for p in paths]
        return [embedder.embed_face(i, detector.detect_one(i)) for i in images]

    (enrolled,) = vectors("0001", 0, 1)
    resident = vectors("0001", 20, 26)
    stranger = vectors("0005", 0, 3)
    fused = fuse_track(resident, best=6)
    assert float(fused @ enrolled) >= float(np.median([v @ enrolled for v in resident]))
    mixed = fuse_track([resident[0], *stranger, *resident[1:3]], best=6)
    assert float(mixed @ enrolled) >= min(float(v @ enrolled) for v in resident[:3])
    assert max(float(mixed @ s) for s in stranger) < 0.4
