"""The quality gate: is this frame good enough to enrol from, or to decide at a door?

It answers with machine-readable reasons and short zh-CN / en messages that a phone page can
show live while the person adjusts ("face the camera"). Every measure is cheap (the face region is
shrunk to 112×112 before anything is computed) and every limit lives in a ``QualityPolicy``,
so the enrolment page can be stricter than the gate.

Head pose is estimated from the five landmarks alone, with a simple geometric face model: the
nose tip stands about half an eye distance in front of the eye plane, so turning the head by
θ shifts it sideways by ``0.5·tan θ`` eye distances. The estimate is rough (it has not been
checked against measured head angles) but enough to tell "facing the camera" from "looking
away". On a sample of 200 NUAA live webcam frames every one passed ``GATE``; 8 were too dark
for ``ENROLMENT``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from menwei.text import translate
from menwei.vision.detect import Face
from menwei.vision.errors import NoFace, PoorQuality, SeveralFaces, quality_message_id
from menwei.vision.image import as_bgr

_REGION = 112
_NOSE_DEPTH = 0.5
"""Nose-tip depth in front of the eye plane, in eye distances (for the yaw estimate)."""
_NOSE_HEIGHT = 0.52
"""Where the nose tip sits between the eye line (0) and the mouth line (1) on a level face."""
_PITCH_GAIN = 100.0
"""Degrees of pitch per unit of shift of the nose between eye and mouth lines."""


@dataclass(frozen=True)
class Reason:
    """Why a frame was not good enough; its advice in both languages lives in the catalogue."""

    code: str

    @property
    def message_id(self) -> str:
        return quality_message_id(self.code)

    @property
    def zh(self) -> str:
        """What to do about it, in zh-CN."""
        return translate(self.message_id, "zh-CN")

    @property
    def en(self) -> str:
        """What to do about it, in English."""
        return translate(self.message_id, "en")


REASON_CODES = (
    "no_face",
    "several_faces",
    "face_too_small",
    "face_cut_off",
    "blurry",
    "too_dark",
    "too_bright",
    "low_contrast",
    "turned_sideways",
    "head_tilted",
)
REASONS: dict[str, Reason] = {code: Reason(code) for code in REASON_CODES}


@dataclass(frozen=True)
class QualityPolicy:
    """The limits a frame must meet. ``dominance`` is how much larger the main face must be
    than the next one (by area) for the frame to count as one person."""

    min_eye_distance: float = 40.0
    min_sharpness: float = 0.15
    min_brightness: float = 50.0
    max_brightness: float = 210.0
    min_contrast: float = 25.0
    max_yaw: float = 25.0
    max_pitch: float = 25.0
    dominance: float = 2.0
    max_outside: float = 0.1


ENROLMENT = QualityPolicy()
"""Enrolment takes its time: the person can adjust until the photo is good."""

GATE = QualityPolicy(
    min_eye_distance=28.0,
    min_sharpness=0.1,
    min_brightness=40.0,
    max_brightness=225.0,
    min_contrast=18.0,
    max_yaw=35.0,
    max_pitch=30.0,
    dominance=1.5,
    max_outside=0.2,
)
"""At a door people keep walking; accept more, but never a frame the model cannot read."""


@dataclass(frozen=True)
class Measures:
    """What was measured on the main face; shown to installers tuning a camera."""

    eye_distance: float
    sharpness: float
    brightness: float
    contrast: float
    yaw: float
    pitch: float
    roll: float
    outside: float


@dataclass(frozen=True)
class QualityReport:
    """The verdict: the main face (if any), the reasons it failed, and what was measured."""

    face: Face | None
    reasons: tuple[str, ...]
    measures: Measures | None = None
    faces: int = 0

    @property
    def passed(self) -> bool:
        return not self.reasons

    def messages(self, language: str = "zh-CN") -> list[str]:
        """One short line per reason, in ``language`` (zh-CN unless it starts with "en")."""
        english = language.lower().startswith("en")
        return [REASONS[code].en if english else REASONS[code].zh for code in self.reasons]

    def raise_if_failed(self) -> Face:
        """The main face, or the typed error a boundary turns into a user message."""
        if "no_face" in self.reasons:
            reason = REASONS["no_face"]
            raise NoFace(message_id=reason.message_id)
        if "several_faces" in self.reasons:
            reason = REASONS["several_faces"]
            raise SeveralFaces(message_id=reason.message_id)
        if self.reasons or self.face is None:
            raise PoorQuality(reasons=self.reasons)
        return self.face


def head_pose(landmarks: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from the five landmarks; 0, 0, 0 is facing the camera.

    Positive yaw: the nose points to the image's right. Positive pitch: the head is lowered.
    """
    points = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    right_eye, left_eye, nose, right_mouth, left_mouth = points
    eye_vector = left_eye - right_eye
    eye_distance = float(np.hypot(*eye_vector)) or 1e-6
    roll = math.degrees(math.atan2(eye_vector[1], eye_vector[0]))
    # Undo the roll so that "sideways" and "up/down" are measured along the face's own axes.
    cos, sin = eye_vector / eye_distance
    rotation = np.array([[cos, sin], [-sin, cos]])
    eye_mid = (right_eye + left_eye) / 2
    mouth_mid = (right_mouth + left_mouth) / 2
    nose_local = rotation @ (nose - eye_mid)
    mouth_local = rotation @ (mouth_mid - eye_mid)
    yaw = math.degrees(math.atan(nose_local[0] / eye_distance / _NOSE_DEPTH))
    mouth_drop = mouth_local[1] or 1e-6
    nose_height = nose_local[1] / mouth_drop
    pitch = (_NOSE_HEIGHT - nose_height) * _PITCH_GAIN
    return yaw, pitch, roll


def _face_region(image: np.ndarray, face: Face) -> np.ndarray:
    """The face box in grey, shrunk to 112×112 (what sharpness, light and contrast are
    measured on). Only the box is converted to grey: the rest of the frame is never read."""
    height, width = image.shape[:2]
    x, y, w, h = face.box
    x0, y0 = max(0, math.floor(x)), max(0, math.floor(y))
    x1, y1 = min(width, math.ceil(x + w)), min(height, math.ceil(y + h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return np.zeros((_REGION, _REGION), dtype=np.uint8)
    grey = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, (_REGION, _REGION), interpolation=cv2.INTER_AREA)


def outside_share(face: Face, width: int, height: int) -> float:
    """Share of the whole head's expected extent that lies outside the frame.

    The detector's box shrinks to what is visible, so the extent is rebuilt from the landmarks:
    a forehead one eye distance above the eyes, a chin 0.8 below the mouth, cheeks 0.7 beside.
    """
    points = face.landmarks.astype(np.float64)
    eyes = max(face.eye_distance, 1.0)
    left = float(points[:, 0].min()) - 0.7 * eyes
    right = float(points[:, 0].max()) + 0.7 * eyes
    top = float(points[:2, 1].min()) - 1.0 * eyes
    bottom = float(points[3:, 1].max()) + 0.8 * eyes
    area = (right - left) * (bottom - top)
    inside_w = max(0.0, min(right, width) - max(left, 0.0))
    inside_h = max(0.0, min(bottom, height) - max(top, 0.0))
    return max(0.0, 1.0 - inside_w * inside_h / max(area, 1e-6))


def measure(image: np.ndarray, face: Face) -> Measures:
    """Every quality measure of ``face`` in ``image``."""
    image = as_bgr(image)
    region = _face_region(image, face)
    # Edge energy relative to contrast: a dim but sharp face is not "blurry".
    sharpness = float(cv2.Laplacian(region, cv2.CV_64F).std() / max(float(region.std()), 1.0))
    yaw, pitch, roll = head_pose(face.landmarks)
    return Measures(
        eye_distance=face.eye_distance,
        sharpness=sharpness,
        brightness=float(region.mean()),
        contrast=float(region.std()),
        yaw=yaw,
        pitch=pitch,
        roll=roll,
        outside=outside_share(face, image.shape[1], image.shape[0]),
    )


def assess(
    image: np.ndarray, faces: list[Face], policy: QualityPolicy = ENROLMENT
) -> QualityReport:
    """Judge ``faces`` (as ``FaceDetector.detect`` returned them, most prominent first)."""
    if not faces:
        return QualityReport(None, ("no_face",), None, 0)
    main = faces[0]
    if len(faces) > 1 and faces[1].area * policy.dominance > main.area:
        return QualityReport(main, ("several_faces",), None, len(faces))
    found = measure(image, main)
    reasons: list[str] = []
    if found.outside > policy.max_outside:
        reasons.append("face_cut_off")
    if found.eye_distance < policy.min_eye_distance:
        reasons.append("face_too_small")
    if found.sharpness < policy.min_sharpness:
        reasons.append("blurry")
    if found.brightness < policy.min_brightness:
        reasons.append("too_dark")
    elif found.brightness > policy.max_brightness:
        reasons.append("too_bright")
    elif found.contrast < policy.min_contrast:
        reasons.append("low_contrast")
    if abs(found.yaw) > policy.max_yaw:
        reasons.append("turned_sideways")
    if abs(found.pitch) > policy.max_pitch:
        reasons.append("head_tilted")
    return QualityReport(main, tuple(reasons), found, len(faces))
