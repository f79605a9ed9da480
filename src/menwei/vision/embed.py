"""Alignment and embedding: a 112×112 crop, then a unit-length float32 vector.

Alignment is a similarity transform from the five YuNet landmarks to SFace's reference points
(the ArcFace layout most recognition models are trained on). With the default model it is
OpenCV's own ``FaceRecognizerSF``, which is what SFace was trained and calibrated with. Another
model, named by the model folder's manifest, runs through ``cv2.dnn``: the same alignment done
here in NumPy, the crop resized to the model's input, its colours ordered and normalised as the
manifest says. The vector is L2-normalised here, once, so that everything downstream
(templates, the gallery) scores by a plain dot product.
"""

from __future__ import annotations

import cv2
import numpy as np

from menwei.vision.detect import Face
from menwei.vision.errors import ImageError, ModelFileError
from menwei.vision.image import as_bgr
from menwei.vision.manifest import SFACE, Manifest, RecognizerSpec
from menwei.vision.models import active_manifest, model_dir, verified_path

CROP_SIZE = 112
EMBEDDING_DIM = SFACE.embedding_size
"""The default model's embedding size; a manifest may name another (``Embedder.dim``)."""

REFERENCE_POINTS = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ],
    dtype=np.float64,
)
"""Where the eyes, nose tip and mouth corners land in the 112×112 crop (OpenCV's, ArcFace's)."""


def normalise(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to unit length, as float32 (rows of a 2-D array each on their own)."""
    vector = np.asarray(vector, dtype=np.float32)
    norms = np.linalg.norm(vector, axis=-1, keepdims=True)
    unit: np.ndarray = (vector / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


def similarity_transform(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 2×3 rotation, uniform scale and shift taking ``source`` points closest to ``target``.

    Umeyama's least-squares estimate, as OpenCV's ``alignCrop`` computes it.
    """
    src = np.asarray(source, dtype=np.float64)
    dst = np.asarray(target, dtype=np.float64)
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    covariance = dst_c.T @ src_c / len(src)
    u, s, vt = np.linalg.svd(covariance)
    sign = np.ones(2)
    if np.linalg.det(covariance) < 0:
        sign[1] = -1.0
    rotation = u @ np.diag(sign) @ vt
    variance = (src_c**2).sum() / len(src)
    scale = float((s * sign).sum() / variance) if variance > 0 else 1.0
    shift = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, shift[:, None]])


def _check_crop(crop: np.ndarray) -> np.ndarray:
    crop = as_bgr(crop)
    if crop.shape[:2] != (CROP_SIZE, CROP_SIZE):
        raise ImageError(
            message_id="image.expected_aligned_crop_align",
            crop_size=CROP_SIZE,
            width=crop.shape[1],
            height=crop.shape[0],
        )
    return crop


class Embedder:
    """The recognition model behind a small interface: ``align(image, face)`` and ``embed(crop)``.

    ``model_id`` names the model (it tags every template made with it) and ``dim`` is the
    length of its vectors. Keeps OpenCV state and is not thread-safe: use one per thread.
    """

    def __init__(self, manifest: Manifest | None = None) -> None:
        manifest = manifest or active_manifest()
        self.spec: RecognizerSpec = manifest.recognizer
        self.model_id = self.spec.model_id
        self.dim = self.spec.embedding_size
        path = str(verified_path(self.spec.file, model_dir()))
        self._sface = None
        self._net = None
        try:
            if self.spec == SFACE:
                self._sface = cv2.FaceRecognizerSF.create(path, "")
            else:
                self._net = cv2.dnn.readNetFromONNX(path)
        except cv2.error:
            raise ModelFileError(
                message_id="model_file.opencv_cannot_load_recognition",
                spec_file_name=self.spec.file.name,
                model_id=self.model_id,
            ) from None

    def align(self, image: np.ndarray, face: Face) -> np.ndarray:
        """The 112×112 BGR crop of ``face``, rotated and scaled to the reference points."""
        image = as_bgr(image)
        if self._sface is not None:
            return self._sface.alignCrop(image, face.as_row())
        matrix = similarity_transform(face.landmarks, REFERENCE_POINTS)
        return cv2.warpAffine(image, matrix, (CROP_SIZE, CROP_SIZE), flags=cv2.INTER_LINEAR)

    def embed(self, crop: np.ndarray) -> np.ndarray:
        """The L2-normalised float32 embedding of an aligned 112×112 crop."""
        crop = _check_crop(crop)
        if self._sface is not None:
            return normalise(self._sface.feature(crop).reshape(-1))
        return normalise(self._forward(crop))

    def _forward(self, crop: np.ndarray) -> np.ndarray:
        spec = self.spec
        if spec.input_size != (CROP_SIZE, CROP_SIZE):
            crop = cv2.resize(crop, spec.input_size, interpolation=cv2.INTER_LINEAR)
        pixels = crop.astype(np.float32)
        if spec.colour == "RGB":
            pixels = pixels[..., ::-1]
        mean = np.asarray(spec.mean, dtype=np.float32)
        std = np.asarray(spec.std, dtype=np.float32)
        pixels = (pixels * np.float32(spec.scale) - mean) / std
        assert self._net is not None
        self._net.setInput(np.ascontiguousarray(pixels.transpose(2, 0, 1)[None]))
        vector = np.asarray(self._net.forward(), dtype=np.float32).reshape(-1)
        if vector.size != self.dim or not np.all(np.isfinite(vector)):
            raise ModelFileError(
                message_id="model_file.recognition_model_gave_numbers",
                model_id=self.model_id,
                vector_size=vector.size,
                dim=self.dim,
            )
        return vector

    def embed_face(self, image: np.ndarray, face: Face, *, flip: bool = False) -> np.ndarray:
        """Align and embed in one step; with ``flip``, average with the mirrored crop."""
        crop = self.align(image, face)
        vector = self.embed(crop)
        if flip:
            vector = normalise(vector + self.embed(np.ascontiguousarray(crop[:, ::-1])))
        return vector
