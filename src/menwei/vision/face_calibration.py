"""A site's own recognition thresholds, from labelled photos of its own people.

Open-set identification as at a gate: each person with two or more usable photos is enrolled
with the first and searched with the others (*mated* searches); each mated photo is searched
once more with its own person left out, and people with one photo are searched as strangers
(*non-mated* searches). A threshold lets through at most a chosen share of non-mated searches
(FPIR, false positive identification rate); what it costs is the share of mated searches whose
own person is not the top result at or above it (FNIR).

The operating point is chosen with whole people left out: the people are dealt into folds, and
for each fold the threshold is read off searches among the other people only (gallery and
probes), then applied to that fold's people searching the whole gallery. The FNIR and FPIR
reported are those held-out ones, so a threshold is never judged on the people it was chosen
on. The thresholds written are then read off all the searches. Only rates and thresholds leave
this module; the vectors stay in memory.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from menwei.vision.errors import CalibrationError
from menwei.vision.identify import threshold_at_fpir

TARGETS = (1e-2, 1e-3)
"""FPIR targets: ``possible`` (second factor asked) at 1 %, ``confident`` (face alone) at 0.1 %."""
DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class OperatingPoint:
    """One FPIR target: the threshold from all searches, and held-out rates."""

    target_fpir: float
    threshold: float
    fnir: float
    fpir: float
    resolvable: bool
    """Whether the non-mated searches are enough to resolve the target (n × target ≥ 1)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "target_fpir": self.target_fpir,
            "threshold": round(self.threshold, 6),
            "fnir_held_out": round(self.fnir, 6),
            "fpir_held_out": round(self.fpir, 6),
            "resolvable": self.resolvable,
        }


@dataclass(frozen=True)
class FaceCalibration:
    """What a site's data says about the configured model's thresholds."""

    points: tuple[OperatingPoint, ...]
    folds: int
    people: int
    gallery: int
    mated: int
    non_mated: int

    @property
    def possible(self) -> OperatingPoint:
        return self.points[0]

    @property
    def confident(self) -> OperatingPoint:
        return self.points[1]

    def as_json(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "people": self.people,
            "gallery": self.gallery,
            "mated_searches": self.mated,
            "non_mated_searches": self.non_mated,
            "operating_points": [p.as_json() for p in self.points],
        }


@dataclass(frozen=True)
class _Searches:
    """Every search against the whole gallery, with whose photo each probe is."""

    scores: np.ndarray  # probes × gallery
    probe_owner: np.ndarray  # gallery column of the probe's own person, -1 for strangers
    probe_person: np.ndarray  # index of the probe's person among all people
    gallery_person: np.ndarray  # index of each gallery column's person


def _stable_fold(name: str, folds: int) -> int:
    """A person's fold, the same on every run and machine (not Python's salted ``hash``)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % folds


def _searches(people: Sequence[str], vectors: Mapping[str, Sequence[np.ndarray]]) -> _Searches:
    gallery, gallery_person = [], []
    probes, owner, person = [], [], []
    for index, name in enumerate(people):
        usable = list(vectors[name])
        if len(usable) >= 2:
            gallery.append(usable[0])
            gallery_person.append(index)
            for vector in usable[1:]:
                probes.append(vector)
                owner.append(len(gallery) - 1)
                person.append(index)
        elif usable:
            probes.append(usable[0])
            owner.append(-1)
            person.append(index)
    if len(gallery) < 4:
        raise CalibrationError(
            message_id="calibration.calibration_needs_least_people",
            gallery_count=len(gallery),
        )
    return _Searches(
        scores=np.stack(probes) @ np.stack(gallery).T,
        probe_owner=np.asarray(owner),
        probe_person=np.asarray(person),
        gallery_person=np.asarray(gallery_person),
    )


def _outcomes(
    searches: _Searches, rows: np.ndarray, columns: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the probes ``rows`` against the gallery ``columns``: the mated probes' best score and
    whether it is their own person, and every non-mated search's best score."""
    scores = searches.scores[np.ix_(rows, columns)]
    owner = searches.probe_owner[rows]
    own = owner[:, None] == columns[None, :]
    mated = own.any(axis=1)
    best = scores.argmax(axis=1)
    top = scores[np.arange(len(rows)), best]
    correct = own[np.arange(len(rows)), best]
    others = np.where(own, -np.inf, scores).max(axis=1)  # own person left out
    return top[mated], correct[mated], others


def _rates(
    top: np.ndarray, correct: np.ndarray, non_mated: np.ndarray, threshold: float
) -> tuple[int, int]:
    misses = int(np.count_nonzero(~(correct & (top >= threshold))))
    accepts = int(np.count_nonzero(non_mated >= threshold))
    return misses, accepts


def calibrate_face(
    vectors: Mapping[str, Sequence[np.ndarray]],
    *,
    folds: int = DEFAULT_FOLDS,
    targets: Sequence[float] = TARGETS,
) -> FaceCalibration:
    """Thresholds for ``targets`` (FPIR) from vectors by person, with held-out FNIR and FPIR."""
    people = sorted(name for name, found in vectors.items() if found)
    searches = _searches(people, vectors)
    all_rows = np.arange(len(searches.probe_person))
    all_columns = np.arange(len(searches.gallery_person))
    top, _, non_mated = _outcomes(searches, all_rows, all_columns)
    fold_of = np.asarray([_stable_fold(name, folds) for name in people])
    misses = np.zeros(len(targets))
    accepts = np.zeros(len(targets))
    mated_total = non_mated_total = 0
    used_folds = 0
    for fold in range(folds):
        held = fold_of[searches.probe_person] == fold
        train_rows = all_rows[~held]
        train_columns = all_columns[fold_of[searches.gallery_person] != fold]
        if not held.any() or len(train_columns) < 2 or len(train_rows) == 0:
            continue
        _, _, train_non_mated = _outcomes(searches, train_rows, train_columns)
        test_top, test_correct, test_non_mated = _outcomes(searches, all_rows[held], all_columns)
        for i, target in enumerate(targets):
            threshold = threshold_at_fpir(train_non_mated, target)
            missed, accepted = _rates(test_top, test_correct, test_non_mated, threshold)
            misses[i] += missed
            accepts[i] += accepted
        mated_total += len(test_top)
        non_mated_total += len(test_non_mated)
        used_folds += 1
    if used_folds < 2 or mated_total == 0 or non_mated_total == 0:
        raise CalibrationError(
            message_id="calibration.too_few_people_leave",
        )
    points = tuple(
        OperatingPoint(
            target_fpir=target,
            threshold=threshold_at_fpir(non_mated, target),
            fnir=float(misses[i] / mated_total),
            fpir=float(accepts[i] / non_mated_total),
            resolvable=len(non_mated) * target >= 1.0,
        )
        for i, target in enumerate(targets)
    )
    return FaceCalibration(
        points=points,
        folds=used_folds,
        people=len(people),
        gallery=len(all_columns),
        mated=len(top),
        non_mated=len(non_mated),
    )


def round_up(value: float, places: int = 4) -> float:
    """``value`` rounded up: a threshold never moves below what the data chose."""
    factor = 10**places
    return float(math.ceil(value * factor - 1e-9) / factor)


def thresholds_document(
    calibration: FaceCalibration,
    *,
    model_id: str,
    recognizer_sha256: str,
    provenance: Mapping[str, Any],
) -> dict[str, Any]:
    """The thresholds file for ``model_id`` (``thresholds.json`` in the model folder)."""
    possible = min(1.0, round_up(calibration.possible.threshold))
    confident = max(possible, min(1.0, round_up(calibration.confident.threshold)))
    return {
        "model_id": model_id,
        "recognizer_sha256": recognizer_sha256,
        "gallery_size": calibration.gallery,
        "confident": confident,
        "possible": possible,
        "provenance": {
            **provenance,
            "rule": "possible: FPIR <= 1e-2, confident: FPIR <= 1e-3 on the site's non-mated "
            "searches, rounded up to 1e-4; FNIR and FPIR measured with whole people left out",
            "calibration": calibration.as_json(),
        },
    }
