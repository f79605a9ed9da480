"""Face detection with YuNet: boxes, five landmarks and a score, on a frame of any size.

YuNet's cost grows with the pixel count (about 14 ms for 640×480 on one core, 4 ms for
320×240), but its landmarks are only as precise as the pixels it sees: found on a half-size
copy, they move enough to cut same-person scores (on NUAA live frames the share of genuine
pairs under 0.55 doubled). So a frame is searched in two steps. A coarse pass on a copy whose
longest side is ``fast_side`` finds the faces; then each face's box and landmarks are measured
again on a crop of the original pixels around it (``REFINE_CONTEXT`` times the box, at native
size), which costs in proportion to the face rather than to the frame. When the coarse pass
finds nothing and could have missed a face big enough to use, the frame is searched again at
up to ``max_side``. Results are always in the original pixels, so callers never see a working
scale. A ``FaceDetector`` keeps OpenCV state and is not thread-safe: use one per thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from menwei.vision.errors import NoFace
from menwei.vision.image import as_bgr
from menwei.vision.models import active_manifest, verified_path

DEFAULT_MAX_SIDE = 640
DEFAULT_FAST_SIDE = 320
REFINE_CONTEXT = 1.6
"""Side of the refining crop, in units of the face box's longer side (before it is rounded
up to YuNet's 32-pixel grid, which adds context for free)."""
_GRID = 32
SMALLEST_USEFUL_EYE = 28.0
"""The gate's minimum eye distance (``quality.GATE``); smaller faces fail every policy."""
FINDABLE_EYE = 10.0
"""Eye distance YuNet still finds reliably (it finds 8 px on NUAA frames)."""
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

    def shifted(self, dx: float, dy: float) -> Face:
        """This face moved by (dx, dy) pixels: from a crop's coordinates to its frame's."""
        x, y, w, h = self.box
        landmarks = self.landmarks + np.array([dx, dy], dtype=np.float32)
        return Face((x + dx, y + dy, w, h), landmarks.astype(np.float32), self.score)

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


def _face_from_row(row: np.ndarray, sx: float, sy: float) -> Face:
    """A YuNet output row as a ``Face``, its coordinates multiplied by ``sx`` and ``sy``."""
    box = (float(row[0] * sx), float(row[1] * sy), float(row[2] * sx), float(row[3] * sy))
    landmarks = row[4:14].reshape(5, 2).astype(np.float32)
    landmarks[:, 0] *= sx
    landmarks[:, 1] *= sy
    return Face(box, landmarks, float(row[14]))


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
    """YuNet behind a small interface: ``detect(image) -> list[Face]``, most prominent first.

    ``fast_side=None`` turns the coarse pass off: every frame is then searched at up to
    ``max_side``, as one pass. ``refine_under_eye`` (pixels between the eyes, in the frame)
    keeps the coarse landmarks of faces at least that big and refines only smaller ones;
    ``None`` refines every face.
    """

    def __init__(
        self,
        *,
        max_side: int = DEFAULT_MAX_SIDE,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
        fast_side: int | None = DEFAULT_FAST_SIDE,
        refine_under_eye: float | None = None,
    ) -> None:
        self.max_side = max_side
        self.refine_under_eye = refine_under_eye
        self.score_threshold = score_threshold
        self.fast_side = fast_side
        self._size = (320, 320)
        self._net = cv2.FaceDetectorYN.create(
            str(verified_path(active_manifest().detector)),
            "",
            self._size,
            score_threshold,
            _NMS_THRESHOLD,
            _TOP_K,
        )

    def detect(self, image: np.ndarray) -> list[Face]:
        """All faces in ``image`` (BGR, grey or BGRA), most prominent first; may be empty."""
        image = as_bgr(image)
        height, width = image.shape[:2]
        longest = max(height, width)
        faces: list[Face] = []
        if self.fast_side is not None and self.fast_side < min(longest, self.max_side):
            scale = self.fast_side / longest
            faces = [self._refine_if_small(image, face) for face in self._pass(image, scale)]
        if not faces and self._coarse_may_miss(longest):
            faces = self._pass(image, min(1.0, self.max_side / longest))
        return order_faces(faces, width, height)

    def _refine_if_small(self, image: np.ndarray, coarse: Face) -> Face:
        """``coarse`` refined on native pixels, unless ``refine_under_eye`` lets a big face be."""
        if self.refine_under_eye is not None and coarse.eye_distance >= self.refine_under_eye:
            return coarse
        return self._refine(image, coarse)

    def _coarse_may_miss(self, longest: int) -> bool:
        """Whether a face big enough to use could be too small for the coarse pass to find."""
        if self.fast_side is None or self.fast_side >= min(longest, self.max_side):
            return True  # there was no coarse pass
        return self.fast_side / longest * SMALLEST_USEFUL_EYE < FINDABLE_EYE

    def _pass(self, image: np.ndarray, scale: float) -> list[Face]:
        """YuNet on ``image`` shrunk by ``scale`` (≤ 1); faces in ``image``'s own pixels."""
        height, width = image.shape[:2]
        work = np.ascontiguousarray(image)
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
        sx, sy = width / size[0], height / size[1]
        return [_face_from_row(row, sx, sy) for row in rows]

    def _refine(self, image: np.ndarray, coarse: Face) -> Face:
        """``coarse`` measured again on a crop of the original pixels around it.

        The crop is centred on the face, ``REFINE_CONTEXT`` times its box, rounded up to
        YuNet's grid, and shrunk only if it exceeds ``max_side``. If YuNet finds no face there,
        the coarse face stands.
        """
        height, width = image.shape[:2]
        side = max(coarse.box[2], coarse.box[3]) * REFINE_CONTEXT
        crop_w = min(width, math.ceil(side / _GRID) * _GRID)
        crop_h = min(height, math.ceil(side / _GRID) * _GRID)
        cx, cy = coarse.centre
        x0 = min(max(0, round(cx - crop_w / 2)), width - crop_w)
        y0 = min(max(0, round(cy - crop_h / 2)), height - crop_h)
        crop = image[y0 : y0 + crop_h, x0 : x0 + crop_w]
        scale = min(1.0, self.max_side / max(crop_w, crop_h))
        found = [face.shifted(x0, y0) for face in self._pass(crop, scale)]
        if not found:
            return coarse
        return min(found, key=lambda face: math.dist(face.centre, coarse.centre))

    def detect_one(self, image: np.ndarray) -> Face:
        """The most prominent face, or ``NoFace``; for callers that judge the rest elsewhere."""
        faces = self.detect(image)
        if not faces:
            raise NoFace(
                message_id="no_face.face_found_face_camera",
            )
        return faces[0]
