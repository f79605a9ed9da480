"""What one track has shown the door so far, and the rule that says when it is enough.

A person walking up gives several frames; one frame can be blurred, turned or a lucky pose of
a printed photo. So the door decides on the track: the embeddings of its good frames fused by
``menwei.vision.track.fuse_track`` and its liveness judged over the approach (the median of the
frames' scores, ``operating_point.approach_is_live``). The rule:

- a single frame grants at once only when its own match is clear (``strict_margin`` above the
  policy's confident threshold), its liveness passes, no frame of the track so far looked like
  an attack, and every frame so far agrees with it: the first-frame speed for a clear face;
- otherwise the door waits for ``min_frames`` good frames, then refuses the approach if its
  liveness median fails, and decides as soon as the fused probe is clear: at or above the
  confident threshold (a grant) or under the possible one (nobody enrolled);
- a track whose frames disagree (two people in one track) is never granted on them;
- at ``time_cap_s`` after the first good frame the door decides on what it has (the step-up
  of a grey-zone match, or a refusal), so nobody is left waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from menwei.vision.embed import normalise
from menwei.vision.liveness.operating_point import approach_is_live
from menwei.vision.templates import MIN_AGREEMENT
from menwei.vision.track import TRACK_BEST, fuse_track


@dataclass(frozen=True)
class TrackRule:
    """When a track's evidence is enough to decide."""

    min_frames: int = 3
    """Good frames fused before a decision other than a clear single-frame grant."""
    strict_margin: float = 0.15
    """How far above the confident threshold one frame must score to grant on its own."""
    time_cap_s: float = 1.0
    """Seconds after the first good frame at which the door decides on what it has."""
    min_agreement: float = MIN_AGREEMENT
    """Lowest cosine between a track's frames for them to count as one person."""


@dataclass
class TrackEvidence:
    """The good frames of one undecided track: embeddings, their quality, liveness margins.

    Held in memory only while the track is undecided; never written or logged.
    """

    started_at: float
    vectors: list[np.ndarray] = field(default_factory=list)
    qualities: list[float] = field(default_factory=list)
    margins: list[float] = field(default_factory=list)
    """Each judged frame's liveness score above the threshold (negative: looked like an attack)."""

    def add(self, vector: np.ndarray, quality: float, margin: float | None) -> None:
        self.vectors.append(normalise(np.asarray(vector, dtype=np.float32).reshape(-1)))
        self.qualities.append(float(quality))
        if margin is not None:
            self.margins.append(float(margin))

    @property
    def frames(self) -> int:
        return len(self.vectors)

    @property
    def attack_frames(self) -> int:
        return sum(m < 0.0 for m in self.margins)

    @property
    def liveness_judged(self) -> bool:
        return bool(self.margins)

    def live(self) -> bool:
        """The approach rule; a track whose liveness was not judged is not refused by it."""
        return not self.margins or approach_is_live(np.array(self.margins), 0.0)

    def agrees(self, min_agreement: float) -> bool:
        """Whether every pair of frames looks like the same person."""
        stack = np.stack(self.vectors)
        return bool(np.min(stack @ stack.T) >= min_agreement)

    def fused(self, min_agreement: float) -> np.ndarray:
        return fuse_track(
            self.vectors, self.qualities, best=TRACK_BEST, min_agreement=min_agreement
        )
