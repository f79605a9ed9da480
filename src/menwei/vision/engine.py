"""The face engine in one object: from a photo or a frame to a checked face and its vector.

Enrolment (``enrol``) and the gate (``probe``) go through the same steps: decode, detect,
quality gate, align, embed. The gate's pipeline, which runs its own quality gate and liveness
per track, uses the two steps on their own (``detect``, ``embed``); the server's enrolment
pool holds the same engine. The images live only in local variables of these methods; what
leaves is a vector and the quality verdict. Not thread-safe (it owns OpenCV state): one engine
per thread or process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from menwei.vision.detect import DEFAULT_MAX_SIDE, Face, FaceDetector
from menwei.vision.embed import Embedder
from menwei.vision.errors import TemplateError
from menwei.vision.image import as_bgr, decode_image
from menwei.vision.quality import ENROLMENT, GATE, QualityPolicy, QualityReport, assess
from menwei.vision.templates import MAX_IMAGES, build_template


@dataclass(frozen=True)
class Probe:
    """What one frame gave: the quality verdict, and the vector if the verdict was a pass."""

    quality: QualityReport
    vector: np.ndarray | None

    @property
    def face(self) -> Face | None:
        return self.quality.face


def _image(source: bytes | np.ndarray) -> np.ndarray:
    if isinstance(source, bytes | bytearray | memoryview):
        return decode_image(bytes(source))
    return as_bgr(source)


class FaceEngine:
    """Detection, quality, alignment and embedding: ``probe`` and ``enrol`` run them all,
    ``detect``, ``align`` and ``embed`` one at a time.

    ``detect_max_side`` and ``refine_under_eye`` configure the detector built here when none is
    given (see ``FaceDetector``).
    """

    def __init__(
        self,
        *,
        detector: FaceDetector | None = None,
        embedder: Embedder | None = None,
        flip: bool = False,
        detect_max_side: int = DEFAULT_MAX_SIDE,
        refine_under_eye: float | None = None,
    ) -> None:
        self.detector = detector or FaceDetector(
            max_side=detect_max_side, refine_under_eye=refine_under_eye
        )
        self.embedder = embedder or Embedder()
        self.flip = flip

    @property
    def model_id(self) -> str:
        """The recognition model's id: every template this engine makes carries it."""
        return self.embedder.model_id

    @property
    def dim(self) -> int:
        """The length of the vectors this engine makes."""
        return self.embedder.dim

    def detect(self, image: np.ndarray) -> list[Face]:
        """Every face in the image, most prominent first, before any quality gate."""
        return self.detector.detect(image)

    def align(self, image: np.ndarray, face: Face) -> np.ndarray:
        """The face cropped and turned upright, as the recognition model sees it."""
        return self.embedder.align(image, face)

    def embed(self, image: np.ndarray, face: Face) -> np.ndarray:
        """The unit vector of one detected face (no quality gate: the caller ran its own)."""
        return self.embedder.embed_face(image, face, flip=self.flip)

    def probe(self, frame: bytes | np.ndarray, policy: QualityPolicy = GATE) -> Probe:
        """Judge one frame; embed the main face only if it passed the quality gate."""
        image = _image(frame)
        report = assess(image, self.detect(image), policy)
        if not report.passed or report.face is None:
            return Probe(report, None)
        return Probe(report, self.embed(image, report.face))

    def embed_photo(
        self, photo: bytes | np.ndarray, policy: QualityPolicy = ENROLMENT
    ) -> np.ndarray:
        """The vector of the one face in ``photo``, or the typed error saying what to fix."""
        image = _image(photo)
        face = assess(image, self.detect(image), policy).raise_if_failed()
        return self.embed(image, face)

    def enrol(
        self, photos: Sequence[bytes | np.ndarray], policy: QualityPolicy = ENROLMENT
    ) -> np.ndarray:
        """A template from 1–5 photos of one person; any unusable photo stops enrolment."""
        if not 1 <= len(photos) <= MAX_IMAGES:
            raise TemplateError(
                message_id="template.enrolment_needs_photos",
                max_images=MAX_IMAGES,
                photos_count=len(photos),
            )
        vectors = [self.embed_photo(photo, policy) for photo in photos]
        return build_template(vectors, dim=self.dim)
