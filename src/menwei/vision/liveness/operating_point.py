"""An APCER-targeted operating point that holds for people the model never saw.

The fewest-errors point of ``protocol.operating_threshold`` sits in the gap between live and
attack scores of the training people; on new people that gap moves, and printed photos pass.
Here the threshold is set from leave-one-subject-out scores so that the attack acceptance of
people *not* in training stays at or under a target (5 %) with a margin (half of it aimed at),
and the figures are reported for each left-out subject, so the spread is seen, not only the
mean. A gate also decides over an approach (several frames of one track), not one frame:
``approach_is_live`` states that rule, and ``approach_acceptance`` measures it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from menwei.text import Message
from menwei.vision.liveness.protocol import (
    Fit,
    _default_fit,
    _need_subjects,
    apcer_at,
    bpcer_at,
    leave_one_subject_out,
    operating_threshold,
)

TARGET_APCER = 0.05
"""The attack acceptance per frame a site may expect at most, for people never seen."""
MARGIN = 0.5
"""The share of the target actually aimed at, so that new people's spread stays under it."""
APPROACH_FRAMES = 5
"""Frames of one track that make one decision at the gate."""


def threshold_for_apcer(attack: np.ndarray, target: float) -> float:
    """The lowest threshold that accepts at most ``target`` of the ``attack`` scores."""
    ordered = np.sort(np.asarray(attack, dtype=np.float64))[::-1]
    if len(ordered) == 0:
        raise ValueError("no attack scores to set a threshold from")
    allowed = int(np.floor(target * len(ordered) + 1e-9))
    if allowed >= len(ordered):
        return float(ordered[-1])
    # Just above the highest attack score that must be refused.
    return float(np.nextafter(ordered[allowed], np.inf))


@dataclass(frozen=True)
class SubjectFigures:
    """One left-out person's own error rates at the chosen threshold."""

    subject: str
    apcer: float
    bpcer: float
    live_frames: int
    attack_frames: int

    def as_json(self) -> dict[str, float | int | str | None]:
        return {
            "subject": self.subject,
            "apcer": _rate(self.apcer),
            "bpcer": _rate(self.bpcer),
            "live_frames": self.live_frames,
            "attack_frames": self.attack_frames,
        }


def _rate(value: float) -> float | None:
    """A rate for JSON: ``None`` where a subject had no frames of that kind."""
    return None if np.isnan(value) else round(value, 6)


def per_subject(
    scores: np.ndarray, live: np.ndarray, subjects: np.ndarray, threshold: float
) -> list[SubjectFigures]:
    """APCER and BPCER of each subject alone (NaN where the subject has no frames of a kind)."""
    figures = []
    for subject in np.unique(subjects):
        mine = subjects == subject
        own_live, own_attack = scores[mine & live], scores[mine & ~live]
        figures.append(
            SubjectFigures(
                str(subject),
                apcer_at(own_attack, threshold) if len(own_attack) else float("nan"),
                bpcer_at(own_live, threshold) if len(own_live) else float("nan"),
                len(own_live),
                len(own_attack),
            )
        )
    return figures


@dataclass(frozen=True)
class OperatingPoint:
    """The chosen threshold and what it does to each left-out subject and overall."""

    threshold: float
    apcer: float
    bpcer: float
    subjects: list[SubjectFigures]
    target_apcer: float
    margin: float

    @property
    def worst_subject_apcer(self) -> float:
        return max((s.apcer for s in self.subjects if s.attack_frames), default=0.0)

    def as_json(self) -> dict[str, object]:
        return {
            "threshold": round(self.threshold, 8),
            "protocol": "leave-one-subject-out scores; stricter of APCER target x margin "
            "and the fewest-errors centre",
            "target_apcer": self.target_apcer,
            "margin": self.margin,
            "apcer": round(self.apcer, 6),
            "bpcer": round(self.bpcer, 6),
            "worst_subject_apcer": round(self.worst_subject_apcer, 6),
            "per_subject": [s.as_json() for s in self.subjects],
        }


def choose_from_scores(
    scores: np.ndarray,
    live: np.ndarray,
    subjects: np.ndarray,
    *,
    target_apcer: float = TARGET_APCER,
    margin: float = MARGIN,
) -> OperatingPoint:
    """The threshold from subject-disjoint scores: the stricter of two points.

    One accepts at most ``target_apcer * margin`` of the attacks; the other is the fewest-errors
    centre of the margin. Where the scores overlap, the first is the stricter and holds the
    APCER target; where they separate, the second keeps the whole gap below the threshold
    rather than letting the target's allowance through.
    """
    scores = np.asarray(scores, dtype=np.float64)
    live = np.asarray(live, dtype=bool)
    subjects = np.asarray(subjects)
    threshold = max(
        threshold_for_apcer(scores[~live], target_apcer * margin),
        operating_threshold(scores[live], scores[~live]),
    )
    return OperatingPoint(
        threshold=threshold,
        apcer=apcer_at(scores[~live], threshold),
        bpcer=bpcer_at(scores[live], threshold),
        subjects=per_subject(scores, live, subjects, threshold),
        target_apcer=target_apcer,
        margin=margin,
    )


def choose_operating_point(
    features: np.ndarray,
    live: np.ndarray,
    subjects: np.ndarray,
    fit: Fit = _default_fit,
    *,
    target_apcer: float = TARGET_APCER,
    margin: float = MARGIN,
) -> OperatingPoint:
    """Leave each subject out in turn, score them, and set the threshold from those scores."""
    live = np.asarray(live, dtype=bool)
    subjects = np.asarray(subjects)
    _need_subjects(subjects, 3, Message("vision.protocol.choosing_operating_point"))
    scores = leave_one_subject_out(features, live, subjects, fit)
    return choose_from_scores(scores, live, subjects, target_apcer=target_apcer, margin=margin)


def approach_is_live(frame_scores: np.ndarray, threshold: float) -> bool:
    """The gate's rule: an approach is live when the median of its frames' scores passes.

    The median needs more than half the frames to pass, so one lucky frame of a photo held
    to the camera does not open the door, and one blurred live frame does not refuse a person.
    """
    return bool(np.median(np.asarray(frame_scores, dtype=np.float64)) >= threshold)


def approaches(
    scores: np.ndarray, live: np.ndarray, subjects: np.ndarray, frames: int = APPROACH_FRAMES
) -> tuple[np.ndarray, np.ndarray]:
    """Cut each subject's live and attack frames, in order, into approaches of ``frames``.

    Returns one median score per approach and whether it was live; a short remainder is dropped.
    """
    medians: list[float] = []
    kinds: list[bool] = []
    for subject in np.unique(subjects):
        for kind in (True, False):
            own = np.asarray(scores)[(subjects == subject) & (live == kind)]
            for start in range(0, len(own) - frames + 1, frames):
                medians.append(float(np.median(own[start : start + frames])))
                kinds.append(kind)
    return np.array(medians), np.array(kinds, dtype=bool)


def approach_acceptance(
    scores: np.ndarray,
    live: np.ndarray,
    subjects: np.ndarray,
    threshold: float,
    frames: int = APPROACH_FRAMES,
) -> tuple[float, float, int, int]:
    """(APCER, BPCER, attack approaches, live approaches) per approach of ``frames`` frames."""
    medians, kinds = approaches(
        np.asarray(scores), np.asarray(live, dtype=bool), np.asarray(subjects), frames
    )
    attack, real = medians[~kinds], medians[kinds]
    return (
        apcer_at(attack, threshold) if len(attack) else float("nan"),
        bpcer_at(real, threshold) if len(real) else float("nan"),
        len(attack),
        len(real),
    )
