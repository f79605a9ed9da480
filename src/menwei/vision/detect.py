"""Face detection with YuNet: boxes, five landmarks and a score, on a frame of any size.

Large frames are shrunk before detection (YuNet's cost grows with the pixel count, and a face
that matters at a door is never tiny in a 4K frame); the results are mapped back to the
original pixels, so callers never see the working scale. A ``FaceDetector`` keeps OpenCV state
and is not thread-safe: use one per thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from menwei.vision.errors import NoFace
from menwei.vision.image import as_bgr
from menwei.vision.models import DETECTOR, verified_path

DEFAULT_MAX_SIDE = 640
DEFAULT_SCORE_THRESHOLD = 0.6
_NMS_THRESHOLD = 0.3
_TOP_K = 5000


@dataclass(frozen=True, eq=False)
class Face:
    """One detected face, in the pixel coordinates of the frame it was found in.

    ``landmarks`` is 5×2 float32 in YuNet's order: right eye, left eye, nose tip, right mouth
    corner, left mouth corner ("right" is the person's right, on the left of the image).
    """

    box: tuple[float, float, float, float]
    landmarks: np.ndarray
    score: float

    @property
    def area(self) -> float:
        return max(self.box[2], 0.0) * max(self.box[3], 0.0)

    @property
    def centre(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2

    @property
    def eye_distance(self) -> float:
        """Pixels between the eye centres: the honest measure of how much face there is."""
        right, left = self.landmarks[0], self.landmarks[1]
        return float(np.hypot(*(left - right)))

    def as_row(self) -> np.ndarray:
        """The 15-float row OpenCV's ``FaceRecognizerSF.alignCrop`` expects."""
        row = np.empty(15, dtype=np.float32)
        row[:4] = self.box
        row[4:14] = self.landmarks.reshape(-1)
        row[14] = self.score
        return row

    def flipped(self, width: int) -> Face:
        """This face as seen in the horizontally mirrored frame of the given width."""
        x, y, w, h = self.box
        mirrored = self.landmarks.copy()
        mirrored[:, 0] = width - 1 - mirrored[:, 0]
        mirrored = mirrored[[1, 0, 2, 4, 3]]  # the person's right and left swap places
        return Face((width - x - w, y, w, h), np.ascontiguousarray(mirrored), self.score)


def order_faces(faces: list[Face], width: int, height: int) -> list[Face]:
    """Most prominent first: larger faces first, discounted by their distance from the centre.

    At a gate the person passing stands close and central; bystanders are smaller or off to
    the side. A face at a frame corner counts as half its area.
    """
    cx, cy = width / 2, height / 2
    half_diagonal = math.hypot(cx, cy) or 1.0

    def prominence(face: Face) -> float:
        fx, fy = face.centre
        off_centre = min(math.hypot(fx - cx, fy - cy) / half_diagonal, 1.0)
        return face.area * (1.0 - 0.5 * off_centre)

    return sorted(faces, key=prominence, reverse=True)


class FaceDetector:
    """YuNet behind a small interface: ``detect(image) -> list[Face]``, most prominent first."""

    def __init__(
        self,
        *,
        max_side: int = DEFAULT_MAX_SIDE,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    ) -> None:
        self.max_side = max_side
        self.score_threshold = score_threshold
        self._size = (320, 320)
        self._net = cv2.FaceDetectorYN.create(
            str(verified_path(DETECTOR)), "", self._size, score_threshold, _NMS_THRESHOLD, _TOP_K
        )

    def detect(self, image: np.ndarray) -> list[Face]:
        """All faces in ``image`` (BGR, grey or BGRA), most prominent first; may be empty."""
        image = as_bgr(image)
        height, width = image.shape[:2]
        scale = min(1.0, self.max_side / max(height, width))
        work = image
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            work = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        size = (work.shape[1], work.shape[0])
        if size != self._size:
            self._net.setInputSize(size)
            self._size = size
        _, rows = self._net.detect(work)
        if rows is None:
            return []
        faces = []
        for row in rows:
            sx, sy = width / size[0], height / size[1]
            box = (float(row[0] * sx), float(row[1] * sy), float(row[2] * sx), float(row[3] * sy))
            landmarks = row[4:14].reshape(5, 2).astype(np.float32)
            landmarks[:, 0] *= sx
            landmarks[:, 1] *= sy
            faces.append(Face(box, landmarks, float(row[14])))
        return order_faces(faces, width, height)

    def detect_one(self, image: np.ndarray) -> Face:
        """The most prominent face, or ``NoFace``; for callers that judge the rest elsewhere."""
        faces = self.detect(image)
        if not faces:
            raise NoFace(
                "No face was found. Face the camera in good light.",
                "没有检测到人脸，请在光线充足处正对镜头。",
            )
        return faces[0]
