"""The LFW "View 2" verification protocol: 10 folds of 300 matched and 300 mismatched pairs.

Accuracy is measured per fold with the threshold that did best on the other nine folds, then
averaged; TAR at FAR 1e-3 / 1e-4 and the EER come from all 6,000 scores together. A pair whose
image had no usable face scores −1 (it counts as a failure, never silently dropped).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from menwei.vision import calibrate
from menwei.vision.errors import DatasetError

FAILED_SCORE = -1.0


@dataclass(frozen=True)
class Pair:
    first: Path
    second: Path
    same: bool
    fold: int


@dataclass(frozen=True)
class LfwReport:
    accuracy: float
    accuracy_std: float
    tar_at_far_1e3: float
    tar_at_far_1e4: float
    eer: float
    pairs: int
    failed_detections: int
    fold_accuracies: tuple[float, ...]

    def as_json(self) -> dict[str, float | int]:
        """The keys every LFW report uses, in the project and in CI."""
        return {
            "accuracy": round(self.accuracy, 6),
            "accuracy_std": round(self.accuracy_std, 6),
            "tar_at_far_1e-3": round(self.tar_at_far_1e3, 6),
            "tar_at_far_1e-4": round(self.tar_at_far_1e4, 6),
            "eer": round(self.eer, 6),
            "pairs": self.pairs,
            "failed_detections": self.failed_detections,
        }


def _image_path(root: Path, name: str, number: str) -> Path:
    return root / "images" / name / f"{name}_{int(number):04d}.jpg"


def read_pairs(root: Path) -> list[Pair]:
    """The 6,000 pairs of ``root/pairs.txt`` with their fold numbers."""
    path = root / "pairs.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        raise DatasetError(
            message_id="dataset.found_point_data_lfw",
            path=path,
        ) from None
    try:
        folds, per_fold = (int(value) for value in lines[0].split())
    except (IndexError, ValueError):
        raise DatasetError(message_id="dataset.does_start_folds_pairs", path=path) from None
    pairs: list[Pair] = []
    for index, line in enumerate(lines[1 : 1 + folds * 2 * per_fold]):
        fold = index // (2 * per_fold)
        parts = line.split()
        if len(parts) == 3:
            name, a, b = parts
            pairs.append(Pair(_image_path(root, name, a), _image_path(root, name, b), True, fold))
        elif len(parts) == 4:
            name_a, a, name_b, b = parts
            first, second = _image_path(root, name_a, a), _image_path(root, name_b, b)
            pairs.append(Pair(first, second, False, fold))
        else:
            raise DatasetError(message_id="dataset.line_pair", line=index + 2, path=path)
    return pairs


def pair_scores(
    pairs: Sequence[Pair], vectors: dict[Path, np.ndarray | None]
) -> tuple[np.ndarray, int]:
    """Cosine score per pair (−1 where an image had no face) and the count of such pairs."""
    scores = np.empty(len(pairs), dtype=np.float64)
    failed = 0
    for index, pair in enumerate(pairs):
        a, b = vectors.get(pair.first), vectors.get(pair.second)
        if a is None or b is None:
            scores[index] = FAILED_SCORE
            failed += 1
        else:
            scores[index] = float(np.dot(a, b))
    return scores, failed


def evaluate(pairs: Sequence[Pair], scores: np.ndarray, failed: int = 0) -> LfwReport:
    """The protocol's figures from one score per pair."""
    same = np.array([pair.same for pair in pairs])
    folds = np.array([pair.fold for pair in pairs])
    accuracies = []
    for fold in np.unique(folds):
        train, test = folds != fold, folds == fold
        threshold = calibrate.best_accuracy_threshold(scores[train & same], scores[train & ~same])
        accuracies.append(
            calibrate.accuracy_at(scores[test & same], scores[test & ~same], threshold)
        )
    genuine, impostor = scores[same], scores[~same]
    eer, _ = calibrate.equal_error_rate(genuine, impostor)
    return LfwReport(
        accuracy=float(np.mean(accuracies)),
        accuracy_std=float(np.std(accuracies)),
        tar_at_far_1e3=_tar_or_nan(genuine, impostor, 1e-3),
        tar_at_far_1e4=_tar_or_nan(genuine, impostor, 1e-4),
        eer=eer,
        pairs=len(pairs),
        failed_detections=failed,
        fold_accuracies=tuple(accuracies),
    )


def _tar_or_nan(genuine: np.ndarray, impostor: np.ndarray, far: float) -> float:
    """TAR at a FAR the impostor sample may be too small to resolve (3,000 < 10,000)."""
    if far * len(impostor) >= 1:
        return calibrate.tar_at_far(genuine, impostor, far)
    # Below 1/n the best honest answer is the threshold that accepts no impostor at all.
    threshold = float(np.nextafter(np.max(impostor), np.inf))
    return 1.0 - calibrate.frr_at(genuine, threshold)


def unique_images(pairs: Sequence[Pair]) -> list[Path]:
    return sorted({path for pair in pairs for path in (pair.first, pair.second)})


def run(
    root: Path,
    embed: Callable[[list[Path]], dict[Path, np.ndarray | None]],
) -> tuple[LfwReport, np.ndarray, np.ndarray]:
    """Embed every image the pairs use, then score: (report, scores, same-person flags)."""
    pairs = read_pairs(root)
    images = unique_images(pairs)
    missing = [path for path in images if not path.is_file()]
    if missing:
        raise DatasetError(
            message_id="dataset.images_named_pairs_txt",
            missing_count=len(missing),
            missing_0=missing[0],
        )
    scores, failed = pair_scores(pairs, embed(images))
    same = np.array([pair.same for pair in pairs])
    return evaluate(pairs, scores, failed), scores, same
