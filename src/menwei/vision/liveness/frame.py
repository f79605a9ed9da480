"""The passive single-frame check: does this one frame look like skin, or like print or glass?

It runs at the gate on every face that reaches the decision, between quality and embedding,
and reuses the aligned crop the embedder needs, so its own cost is the features and a dot
product (about 2 ms on one core).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from menwei.vision.detect import Face
from menwei.vision.errors import ImageError
from menwei.vision.image import as_bgr
from menwei.vision.liveness.errors import LivenessError
from menwei.vision.liveness.features import TIGHT_SIZE, frame_features
from menwei.vision.liveness.model import PadModel
from menwei.vision.liveness.result import LivenessOutcome, LivenessReason, LivenessResult

MIN_EYE_DISTANCE = 20.0
"""Below this many pixels between the eyes the crop holds too little texture to judge."""

CHECK_NAME = "frame"

Aligner = Callable[[np.ndarray, Face], np.ndarray]


class FrameLiveness:
    """``assess(image, face, aligned=None) -> LivenessResult`` with the shipped parameters.

    ``aligned`` is the 112×112 crop of ``face`` when the caller already has it; otherwise
    ``aligner`` (by default SFace's alignment, created on first use) makes it. Keeps OpenCV
    state through the aligner: use one per thread.
    """

    name = CHECK_NAME

    def __init__(self, model: PadModel | None = None, *, aligner: Aligner | None = None):
        if model is None:
            from menwei.vision.models import pad_model  # the manifest's, sha256 checked

            model = pad_model()
        self.model = model
        self._aligner = aligner

    def _align(self, image: np.ndarray, face: Face) -> np.ndarray:
        if self._aligner is None:
            from menwei.vision.embed import Embedder

            self._aligner = Embedder().align
        return self._aligner(image, face)

    def features(
        self, image: np.ndarray, face: Face, aligned: np.ndarray | None = None
    ) -> np.ndarray:
        image = as_bgr(image)
        crop = self._align(image, face) if aligned is None else as_bgr(aligned)
        if crop.shape[:2] != (TIGHT_SIZE, TIGHT_SIZE):
            raise ImageError(
                message_id="image.expected_aligned_crop",
                tight_size=TIGHT_SIZE,
                width=crop.shape[1],
                height=crop.shape[0],
            )
        return frame_features(image, face.box, crop)

    def assess(
        self, image: np.ndarray, face: Face, aligned: np.ndarray | None = None
    ) -> LivenessResult:
        return self.judge(image, face, aligned)[0]

    def judge(
        self, image: np.ndarray, face: Face, aligned: np.ndarray | None = None
    ) -> tuple[LivenessResult, float | None]:
        """The verdict and the frame score's distance above the threshold (``None``: not judged).

        The distance stays inside the gate, which decides an approach on the median of its
        frames (``operating_point.approach_is_live``); it is never shown or recorded.
        """
        points = np.asarray(face.landmarks, dtype=np.float64)
        if points.shape != (5, 2) or not np.all(np.isfinite(points)):
            raise LivenessError(
                message_id="liveness.face_s_landmarks_five",
            )
        if not all(math.isfinite(float(v)) for v in face.box):
            raise LivenessError(
                message_id="liveness.face_box_finite_detect",
            )
        if face.eye_distance < MIN_EYE_DISTANCE:
            result = LivenessResult(
                LivenessOutcome.NOT_CHECKED, LivenessReason.FACE_TOO_SMALL, self.name
            )
            return result, None
        margin = float(self.model.score(self.features(image, face, aligned))) - self.model.threshold
        if margin >= 0.0:
            live = LivenessResult(LivenessOutcome.PASS, LivenessReason.LIVE_TEXTURE, self.name)
            return live, margin
        attack = LivenessResult(LivenessOutcome.FAIL, LivenessReason.PRESENTATION_ATTACK, self.name)
        return attack, margin
