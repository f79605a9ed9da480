"""Presentation-attack data on disk: a folder of live frames and one of attacks, per subject.

Layout: ``<live>/<subject>/*.jpg`` and ``<spoof>/<subject>/*.jpg`` (NUAA's ``live/`` and
``spoof/``). The subject folder name is what keeps cross-validation subject-disjoint. Frames
are decoded, measured and dropped one at a time; nothing is cached on disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from menwei.vision.errors import DatasetError, ImageError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class LabelledFrame:
    path: Path
    subject: str
    live: bool


@dataclass(frozen=True)
class FeatureSet:
    """One feature row per usable frame, with its label and subject; and the frames skipped."""

    features: np.ndarray
    live: np.ndarray
    subjects: np.ndarray
    paths: tuple[Path, ...]
    without_face: int

    @property
    def subject_count(self) -> int:
        return len(np.unique(self.subjects))


def sequence_key(path: Path) -> tuple[str, int]:
    """(sequence, frame number) from names like NUAA's ``ID_glasses_position_session_number``.

    Everything before the last number names the sequence; the last number orders its frames.
    """
    stem = path.stem
    numbers = list(_NUMBERS.finditer(stem))
    if not numbers:
        return stem, 0
    last = numbers[-1]
    return stem[: last.start()].rstrip("_-. "), int(last.group())


def read_pair(live_root: Path, spoof_root: Path) -> list[LabelledFrame]:
    """Every image under the two folders, labelled, subject by subject folder."""
    frames: list[LabelledFrame] = []
    for root, live in ((live_root, True), (spoof_root, False)):
        if not Path(root).is_dir():
            raise DatasetError(
                message_id="dataset.folder_give_folder_one",
                root=root,
            )
        found = 0
        for folder in sorted(p for p in Path(root).iterdir() if p.is_dir()):
            for path in sorted(folder.iterdir(), key=sequence_key):
                if path.suffix.lower() in IMAGE_SUFFIXES:
                    frames.append(LabelledFrame(path, folder.name, live))
                    found += 1
        if not found:
            raise DatasetError(
                message_id="dataset.images_found_subject_folders",
                root=root,
            )
    return frames


def nuaa_layout(data: Path) -> tuple[Path, Path]:
    """``data/live`` and ``data/spoof``, as NUAA is laid out."""
    return Path(data) / "live", Path(data) / "spoof"


Measure = Callable[[bytes], np.ndarray | None]


def default_measure() -> Measure:
    """Decode, detect the most prominent face, align, compute features; ``None`` for no face."""
    from menwei.vision.detect import FaceDetector
    from menwei.vision.embed import Embedder
    from menwei.vision.image import decode_image
    from menwei.vision.liveness.features import frame_features

    detector, embedder = FaceDetector(), Embedder()

    def measure(data: bytes) -> np.ndarray | None:
        image = decode_image(data)
        faces = detector.detect(image)
        if not faces:
            return None
        return frame_features(image, faces[0].box, embedder.align(image, faces[0]))

    return measure


def measure_frames(
    frames: list[LabelledFrame],
    measure: Measure | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FeatureSet:
    """Feature rows of every frame with a face; unreadable or faceless frames are counted."""
    measure = measure or default_measure()
    rows: list[np.ndarray] = []
    kept: list[LabelledFrame] = []
    skipped = 0
    for index, frame in enumerate(frames):
        try:
            vector = measure(frame.path.read_bytes())
        except (OSError, ImageError):
            vector = None
        if vector is None:
            skipped += 1
        else:
            rows.append(vector)
            kept.append(frame)
        if progress is not None:
            progress(index + 1, len(frames))
    if not rows:
        raise DatasetError(message_id="dataset.face_found_any_frames")
    return FeatureSet(
        features=np.vstack(rows),
        live=np.array([f.live for f in kept], dtype=bool),
        subjects=np.array([f.subject for f in kept]),
        paths=tuple(f.path for f in kept),
        without_face=skipped,
    )
