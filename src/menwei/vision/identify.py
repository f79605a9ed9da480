"""Open-set 1:N identification on a folder-per-identity data set (LFW, NUAA ``live/``).

For each identity with two or more images the first image (by name) is enrolled and the others
are *mated* probes. Identities with one image are *distractors*: searched, never enrolled.
Non-mated searches are the distractors plus every mated probe searched once more with its own
identity left out of the gallery, so a set without distractors (NUAA) still measures false
positives.

FNIR (false negative identification rate) at a threshold: mated probes whose own identity is not
the top result with a score at or above it. FPIR (false positive identification rate): non-mated
searches whose top score reaches it. Scores stay in this process; only rates are reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from menwei.vision.errors import DatasetError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


@dataclass(frozen=True)
class IdentifyReport:
    rank1: float
    fnir_at_fpir_1e2: float
    threshold_at_fpir_1e2: float
    fnir_at_fpir_1e3: float
    threshold_at_fpir_1e3: float
    gallery: int
    probes: int
    distractors: int
    failed_detections: int

    def as_json(self) -> dict[str, float | int]:
        return {
            "rank1": round(self.rank1, 6),
            "fnir_at_fpir_1e-2": round(self.fnir_at_fpir_1e2, 6),
            "threshold_at_fpir_1e-2": round(self.threshold_at_fpir_1e2, 6),
            "fnir_at_fpir_1e-3": round(self.fnir_at_fpir_1e3, 6),
            "threshold_at_fpir_1e-3": round(self.threshold_at_fpir_1e3, 6),
            "gallery": self.gallery,
            "probes": self.probes,
            "distractors": self.distractors,
            "failed_detections": self.failed_detections,
        }


def read_identities(root: Path) -> dict[str, list[Path]]:
    """Identity name → its image files, sorted; from ``root`` or ``root/images``."""
    base = root / "images" if (root / "images").is_dir() else root
    if not base.is_dir():
        raise DatasetError(message_id="dataset.folder_identity_folders", root=root)
    identities = {
        folder.name: sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        for folder in sorted(base.iterdir())
        if folder.is_dir()
    }
    identities = {name: files for name, files in identities.items() if files}
    if not identities:
        raise DatasetError(message_id="dataset.images_found_under", base=base)
    return identities


@dataclass(frozen=True)
class Searches:
    """Top-1 outcomes of every search, ready for any threshold."""

    mated_top_score: np.ndarray  # best score of each mated probe (any identity)
    mated_correct: np.ndarray  # whether that best match was the probe's own identity
    non_mated_top_score: np.ndarray  # best score of each non-mated search
    genuine: np.ndarray  # each mated probe's score against its own enrolled image
    gallery: int
    probes: int
    distractors: int
    failed: int


def search_all(
    identities: dict[str, list[Path]],
    embed: Callable[[list[Path]], dict[Path, np.ndarray | None]],
) -> Searches:
    """Embed everything once, then run every mated and non-mated search."""
    paths = [path for files in identities.values() for path in files]
    vectors = embed(paths)
    failed = sum(1 for path in paths if vectors.get(path) is None)
    gallery_names, gallery_vectors = [], []
    probe_vectors, probe_owner = [], []
    distractor_vectors = []
    for name, files in identities.items():
        usable = [v for v in (vectors.get(p) for p in files) if v is not None]
        if len(files) >= 2 and usable:
            gallery_names.append(name)
            gallery_vectors.append(usable[0])
            for vector in usable[1:]:
                probe_vectors.append(vector)
                probe_owner.append(len(gallery_names) - 1)
        elif len(files) == 1 and usable:
            distractor_vectors.append(usable[0])
    if not gallery_vectors or not probe_vectors:
        raise DatasetError(
            message_id="dataset.identification_needs_identities_least",
        )
    gallery = np.stack(gallery_vectors)
    probes = np.stack(probe_vectors)
    owner = np.array(probe_owner)
    rows = np.arange(len(probes))
    mated_scores = probes @ gallery.T
    best = mated_scores.argmax(axis=1)
    genuine = mated_scores[rows, owner]
    left_out = mated_scores.copy()
    left_out[rows, owner] = -np.inf
    non_mated = [left_out.max(axis=1)] if len(gallery) > 1 else []
    if distractor_vectors:
        non_mated.append((np.stack(distractor_vectors) @ gallery.T).max(axis=1))
    if not non_mated:
        raise DatasetError(message_id="dataset.gallery_one_cannot_measure")
    return Searches(
        mated_top_score=mated_scores[rows, best],
        mated_correct=best == owner,
        non_mated_top_score=np.concatenate(non_mated),
        genuine=genuine,
        gallery=len(gallery),
        probes=len(probes),
        distractors=len(distractor_vectors),
        failed=failed,
    )


def threshold_at_fpir(non_mated_top: np.ndarray, fpir: float) -> float:
    """The lowest threshold that lets at most ``fpir`` of non-mated searches through."""
    ordered = np.sort(non_mated_top)[::-1]
    allowed = int(np.floor(fpir * len(ordered)))
    if allowed >= len(ordered):
        return float(ordered[-1])
    return float(np.nextafter(ordered[allowed], np.inf))


def fnir_at(searches: Searches, threshold: float) -> float:
    hits = searches.mated_correct & (searches.mated_top_score >= threshold)
    return float(1.0 - hits.mean())


def report(searches: Searches) -> IdentifyReport:
    t2 = threshold_at_fpir(searches.non_mated_top_score, 1e-2)
    t3 = threshold_at_fpir(searches.non_mated_top_score, 1e-3)
    return IdentifyReport(
        rank1=float(searches.mated_correct.mean()),
        fnir_at_fpir_1e2=fnir_at(searches, t2),
        threshold_at_fpir_1e2=t2,
        fnir_at_fpir_1e3=fnir_at(searches, t3),
        threshold_at_fpir_1e3=t3,
        gallery=searches.gallery,
        probes=searches.probes,
        distractors=searches.distractors,
        failed_detections=searches.failed,
    )
