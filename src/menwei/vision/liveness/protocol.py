"""Measuring presentation-attack detection in ISO/IEC 30107-3 terms, across people.

APCER is the share of attack presentations accepted as live; BPCER the share of live
(bona fide) presentations refused. A score at or above the threshold is accepted as live.

Cross-validation is always *subject-disjoint*: a person's frames are either all in training or
all in testing, because a model that has seen a person's skin (or their photo) is judged far
too kindly on that person. The operating point is also chosen without the test subject: for
each held-out person, the threshold comes from a leave-one-subject-out run over the others
only (nested), exactly as the shipped threshold comes from one over everybody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from menwei.text import Message
from menwei.vision.calibrate import equal_error_rate
from menwei.vision.errors import DatasetError
from menwei.vision.liveness.model import DEFAULT_L2, PadModel, fit_logistic


@dataclass(frozen=True)
class PadReport:
    """Error rates at one threshold, and the threshold-free figures of the same scores."""

    apcer: float
    bpcer: float
    eer: float
    apcer_at_bpcer_1e2: float
    apcer_at_bpcer_5e2: float
    live_frames: int
    attack_frames: int

    def as_json(self) -> dict[str, float | int]:
        return {
            "apcer": round(self.apcer, 6),
            "bpcer": round(self.bpcer, 6),
            "eer": round(self.eer, 6),
            "apcer_at_bpcer_1e-2": round(self.apcer_at_bpcer_1e2, 6),
            "apcer_at_bpcer_5e-2": round(self.apcer_at_bpcer_5e2, 6),
            "frames": self.live_frames + self.attack_frames,
            "live_frames": self.live_frames,
            "attack_frames": self.attack_frames,
        }


def apcer_at(attack: np.ndarray, threshold: float) -> float:
    return float(np.mean(np.asarray(attack) >= threshold))


def bpcer_at(live: np.ndarray, threshold: float) -> float:
    return float(np.mean(np.asarray(live) < threshold))


def threshold_for_bpcer(live: np.ndarray, target: float) -> float:
    """The highest threshold that refuses at most ``target`` of the ``live`` scores."""
    ordered = np.sort(np.asarray(live, dtype=np.float64))
    allowed = int(np.floor(target * len(ordered) + 1e-9))
    return float(ordered[min(allowed, len(ordered) - 1)])


def apcer_at_bpcer(live: np.ndarray, attack: np.ndarray, target: float) -> float:
    return apcer_at(attack, threshold_for_bpcer(live, target))


def operating_threshold(live: np.ndarray, attack: np.ndarray) -> float:
    """The threshold with the fewest errors (APCER + BPCER), in the middle of its margin.

    When the two samples separate, every threshold in the gap between them is equally right
    on them; the middle of the gap is the one most likely to stay right for people not seen.
    """
    live = np.sort(np.asarray(live, dtype=np.float64))
    attack = np.sort(np.asarray(attack, dtype=np.float64))
    candidates = np.unique(np.concatenate([live, attack, [np.inf]]))
    refused_live = np.searchsorted(live, candidates, side="left") / len(live)
    accepted_attack = (len(attack) - np.searchsorted(attack, candidates, side="left")) / len(attack)
    cost = refused_live + accepted_attack
    first = int(np.argmin(cost))
    last = first  # candidates of equal cost just after the best form one interval
    while last + 1 < len(candidates) and cost[last + 1] <= cost[first] + 1e-12:
        last += 1
    lower = candidates[first - 1] if first > 0 else candidates[first] - 1.0
    upper = candidates[last] if np.isfinite(candidates[last]) else lower + 2.0
    return float((lower + upper) / 2)


def report(live: np.ndarray, attack: np.ndarray, threshold: float) -> PadReport:
    live = np.asarray(live, dtype=np.float64)
    attack = np.asarray(attack, dtype=np.float64)
    eer, _ = equal_error_rate(live, attack)
    return PadReport(
        apcer=apcer_at(attack, threshold),
        bpcer=bpcer_at(live, threshold),
        eer=eer,
        apcer_at_bpcer_1e2=apcer_at_bpcer(live, attack, 0.01),
        apcer_at_bpcer_5e2=apcer_at_bpcer(live, attack, 0.05),
        live_frames=len(live),
        attack_frames=len(attack),
    )


Fit = Callable[[np.ndarray, np.ndarray], PadModel]


def _default_fit(features: np.ndarray, live: np.ndarray) -> PadModel:
    return fit_logistic(features, live, l2=DEFAULT_L2)


def _need_subjects(subjects: np.ndarray, least: int, purpose: Message) -> None:
    count = len(np.unique(subjects))
    if count < least:
        raise DatasetError(
            message_id="dataset.needs_frames_least_subjects",
            purpose=purpose,
            least=least,
            count=count,
        )


def leave_one_subject_out(
    features: np.ndarray, live: np.ndarray, subjects: np.ndarray, fit: Fit = _default_fit
) -> np.ndarray:
    """Each frame's score from a model trained on every subject but its own."""
    _need_subjects(subjects, 2, Message("vision.protocol.leave_one_subject_out"))
    scores = np.empty(len(live), dtype=np.float64)
    for subject in np.unique(subjects):
        held_out = subjects == subject
        model = fit(features[~held_out], live[~held_out])
        scores[held_out] = model.score(features[held_out])
    return scores


def choose_threshold(
    features: np.ndarray, live: np.ndarray, subjects: np.ndarray, fit: Fit = _default_fit
) -> float:
    """The operating point for a model trained on all these subjects, from their LOSO scores."""
    scores = leave_one_subject_out(features, live, subjects, fit)
    return operating_threshold(scores[live], scores[~live])


@dataclass(frozen=True)
class CrossValidation:
    """Subject-disjoint figures: ``nested`` at the operating point, ``pooled`` without one."""

    nested: PadReport
    pooled_scores: np.ndarray
    subjects: int


def cross_validate(
    features: np.ndarray, live: np.ndarray, subjects: np.ndarray, fit: Fit = _default_fit
) -> CrossValidation:
    """Nested leave-one-subject-out: what the shipped procedure does for a person never seen.

    For each held-out subject a model is trained on the others and its threshold chosen by a
    leave-one-subject-out run on those others only; the held-out frames are then judged by it.
    APCER and BPCER come from those judgements; EER and APCER at a fixed BPCER from the scores
    of the outer models pooled across subjects.
    """
    live = np.asarray(live, dtype=bool)
    subjects = np.asarray(subjects)
    _need_subjects(subjects, 3, Message("vision.protocol.nested_cross_validation"))
    scores = np.empty(len(live))
    accepted = np.empty(len(live), dtype=bool)
    for subject in np.unique(subjects):
        held_out = subjects == subject
        train_x, train_y, train_s = features[~held_out], live[~held_out], subjects[~held_out]
        threshold = choose_threshold(train_x, train_y, train_s, fit)
        model = fit(train_x, train_y)
        scores[held_out] = model.score(features[held_out])
        accepted[held_out] = scores[held_out] >= threshold
    pooled = report(scores[live], scores[~live], 0.0)
    nested = PadReport(
        apcer=float(accepted[~live].mean()),
        bpcer=float((~accepted[live]).mean()),
        eer=pooled.eer,
        apcer_at_bpcer_1e2=pooled.apcer_at_bpcer_1e2,
        apcer_at_bpcer_5e2=pooled.apcer_at_bpcer_5e2,
        live_frames=pooled.live_frames,
        attack_frames=pooled.attack_frames,
    )
    return CrossValidation(nested, scores, len(np.unique(subjects)))
