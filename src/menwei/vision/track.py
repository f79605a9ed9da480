"""One probe vector from several frames of one approach, so the gate decides on the track.

A single frame can be blurred, turned or half lit; a person walking up gives several. The
fused probe is the normalised mean of the best frames by quality, the same rule as an
enrolment template, so the two sides of a comparison are built alike. Frames that disagree
with the best one (a second person stepping into the track) are left out, not averaged in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from menwei.vision.embed import normalise
from menwei.vision.templates import MIN_AGREEMENT

TRACK_BEST = 3
"""Frames fused per decision: enough to smooth one bad frame, few enough to decide soon."""


def fuse_track(
    embeddings: Sequence[np.ndarray],
    qualities: Sequence[float] | None = None,
    *,
    best: int = TRACK_BEST,
    min_agreement: float = MIN_AGREEMENT,
) -> np.ndarray:
    """The unit probe vector of one track: the mean of its ``best`` frames that agree.

    ``qualities`` ranks the frames (higher is better); without it, frames keep their order.
    The best frame always counts; another counts only if it agrees with that one.
    """
    if len(embeddings) == 0:
        raise ValueError("a track needs at least one frame")
    stack = normalise(np.stack([np.asarray(e, dtype=np.float32).reshape(-1) for e in embeddings]))
    if qualities is not None:
        if len(qualities) != len(stack):
            raise ValueError("one quality per frame is needed")
        order = np.argsort(-np.asarray(qualities, dtype=np.float64), kind="stable")
        stack = stack[order]
    anchor = stack[0]
    agreeing = stack[(stack @ anchor) >= min_agreement]
    return normalise(agreeing[: max(best, 1)].mean(axis=0))
