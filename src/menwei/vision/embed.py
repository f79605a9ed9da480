"""Alignment and embedding with SFace: a 112×112 crop, then a unit-length 128-d float32 vector.

Alignment is OpenCV's own similarity transform from the five YuNet landmarks to SFace's
reference points, which is what the model was trained on. The vector is L2-normalised here,
once, so that everything downstream (templates, the gallery) scores by a plain dot product.
"""

from __future__ import annotations

import cv2
import numpy as np

from menwei.vision.detect import Face
from menwei.vision.errors import ImageError
from menwei.vision.image import as_bgr
from menwei.vision.models import RECOGNIZER, verified_path

CROP_SIZE = 112
EMBEDDING_DIM = 128


def normalise(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to unit length, as float32 (rows of a 2-D array each on their own)."""
    vector = np.asarray(vector, dtype=np.float32)
    norms = np.linalg.norm(vector, axis=-1, keepdims=True)
    return (vector / np.maximum(norms, 1e-12)).astype(np.float32)


class Embedder:
    """SFace behind a small interface: ``align(image, face)`` and ``embed(crop)``.

    Keeps OpenCV state and is not thread-safe: use one per thread.
    """

    def __init__(self) -> None:
        self._net = cv2.FaceRecognizerSF.create(str(verified_path(RECOGNIZER)), "")

    def align(self, image: np.ndarray, face: Face) -> np.ndarray:
        """The 112×112 BGR crop of ``face``, rotated and scaled to SFace's reference points."""
        image = as_bgr(image)
        return self._net.alignCrop(image, face.as_row())

    def embed(self, crop: np.ndarray) -> np.ndarray:
        """The L2-normalised float32[128] embedding of an aligned 112×112 crop."""
        crop = as_bgr(crop)
        if crop.shape[:2] != (CROP_SIZE, CROP_SIZE):
            raise ImageError(
                f"Expected an aligned {CROP_SIZE}×{CROP_SIZE} crop, got {crop.shape[1]}×"
                f"{crop.shape[0]}. Align the face first.",
                "人脸未对齐，请先对齐再提取特征。",
            )
        feature = self._net.feature(crop)
        return normalise(feature.reshape(-1))

    def embed_face(self, image: np.ndarray, face: Face, *, flip: bool = False) -> np.ndarray:
        """Align and embed in one step; with ``flip``, average with the mirrored crop."""
        crop = self.align(image, face)
        vector = self.embed(crop)
        if flip:
            vector = normalise(vector + self.embed(np.ascontiguousarray(crop[:, ::-1])))
        return vector
