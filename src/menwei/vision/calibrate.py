"""Thresholds from scores: what a false-accept target costs in false rejects.

A threshold is never a constant chosen by eye. It is read off two score samples: *genuine*
(same person) and *impostor* (different people). A score at or above the threshold is a
match. The false-accept rate (FAR) is the share of impostor scores at or above it; the
false-reject rate (FRR) is the share of genuine scores below it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from menwei.vision.errors import CalibrationError


@dataclass(frozen=True)
class Calibration:
    """A threshold chosen for ``target_far`` and what it does on the samples it came from."""

    threshold: float
    target_far: float
    far: float
    frr: float
    genuine: int
    impostor: int


def _scores(values: np.ndarray | list[float], name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if array.size == 0:
        raise CalibrationError(message_id="calibration.scores_given", name=name)
    if not np.all(np.isfinite(array)):
        raise CalibrationError(message_id="calibration.scores_contain_nan_infinity", name=name)
    return array


def far_at(impostor: np.ndarray, threshold: float) -> float:
    """Share of impostor scores that the threshold would accept."""
    impostor = _scores(impostor, "impostor")
    return float(np.count_nonzero(impostor >= threshold) / impostor.size)


def frr_at(genuine: np.ndarray, threshold: float) -> float:
    """Share of genuine scores that the threshold would reject."""
    genuine = _scores(genuine, "genuine")
    return float(np.count_nonzero(genuine < threshold) / genuine.size)


def threshold_for_far(impostor: np.ndarray, target_far: float) -> float:
    """The lowest threshold whose FAR on ``impostor`` is at most ``target_far``.

    With n impostor scores, FAR can only be resolved down to 1/n; asking for less is refused
    rather than answered with a threshold the data cannot support.
    """
    impostor = np.sort(_scores(impostor, "impostor"))[::-1]
    if not 0.0 < target_far < 1.0:
        raise CalibrationError(
            message_id="calibration.target_false_accept_rate",
            target_far=target_far,
        )
    if target_far * impostor.size < 1.0:
        raise CalibrationError(
            message_id="calibration.impostor_scores_cannot_resolve",
            impostor_size=impostor.size,
            target_far=target_far,
            needed=int(np.ceil(1 / target_far)),
        )
    allowed = int(np.floor(target_far * impostor.size))  # impostors we may accept
    # Just above the highest impostor score we must reject: accepts exactly ``allowed`` of them.
    return float(np.nextafter(impostor[allowed], np.inf))


def calibrate(
    genuine: np.ndarray | list[float], impostor: np.ndarray | list[float], target_far: float
) -> Calibration:
    """Threshold for ``target_far`` on ``impostor``, with its measured FAR and FRR."""
    genuine_a = _scores(genuine, "genuine")
    impostor_a = _scores(impostor, "impostor")
    threshold = threshold_for_far(impostor_a, target_far)
    return Calibration(
        threshold=threshold,
        target_far=target_far,
        far=far_at(impostor_a, threshold),
        frr=frr_at(genuine_a, threshold),
        genuine=int(genuine_a.size),
        impostor=int(impostor_a.size),
    )


def roc(genuine: np.ndarray, impostor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(far, tar, thresholds) at every distinct score, thresholds descending."""
    genuine = _scores(genuine, "genuine")
    impostor = _scores(impostor, "impostor")
    thresholds = np.unique(np.concatenate([genuine, impostor]))[::-1]
    g_sorted = np.sort(genuine)
    i_sorted = np.sort(impostor)
    tar = (genuine.size - np.searchsorted(g_sorted, thresholds, side="left")) / genuine.size
    far = (impostor.size - np.searchsorted(i_sorted, thresholds, side="left")) / impostor.size
    return far, tar, thresholds


def tar_at_far(genuine: np.ndarray, impostor: np.ndarray, target_far: float) -> float:
    """True-accept rate at the threshold calibrated for ``target_far``."""
    threshold = threshold_for_far(impostor, target_far)
    return 1.0 - frr_at(genuine, threshold)


def equal_error_rate(genuine: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    """(EER, threshold) where FAR and FRR cross, interpolated between neighbouring thresholds."""
    far, tar, thresholds = roc(genuine, impostor)
    frr = 1.0 - tar
    # thresholds fall along the arrays: FAR rises from 0 while FRR falls to 0
    index = int(np.argmin(np.abs(far - frr)))
    return float((far[index] + frr[index]) / 2), float(thresholds[index])


def best_accuracy_threshold(genuine: np.ndarray, impostor: np.ndarray) -> float:
    """The threshold that classifies the most pairs correctly (for the LFW fold protocol)."""
    far, tar, thresholds = roc(genuine, impostor)
    genuine_n, impostor_n = len(genuine), len(impostor)
    correct = tar * genuine_n + (1.0 - far) * impostor_n
    best = int(np.argmax(correct))
    # Any threshold in (next lower score, best] scores the same here; the midpoint leaves the
    # widest margin on both sides for the pairs it has not seen.
    if best + 1 < len(thresholds):
        return float((thresholds[best] + thresholds[best + 1]) / 2)
    return float(np.nextafter(thresholds[best], -np.inf))


def accuracy_at(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> float:
    """Share of pairs classified correctly by ``threshold``."""
    genuine = np.asarray(genuine)
    impostor = np.asarray(impostor)
    correct = np.count_nonzero(genuine >= threshold) + np.count_nonzero(impostor < threshold)
    return float(correct / (genuine.size + impostor.size))
