"""Head pose and flatness from the five landmarks, in terms a flat picture cannot fake.

The nose tip stands out of the plane of the eyes and mouth corners. Written in the affine
frame of those four points (origin between the eyes, one axis to the person's left eye, one
to the middle of the mouth), the nose has two coordinates that any flat picture keeps however
it is moved, tilted or bent a little: an affine map of a plane preserves them exactly. A real
head changes them when it turns (``yaw``) or nods (``pitch``). The exact form of the same
test, with perspective, is the homography through the four points: a flat face maps the nose
where it is seen, a head does not.
"""

from __future__ import annotations

import cv2
import numpy as np

RIGHT_EYE, LEFT_EYE, NOSE, RIGHT_MOUTH, LEFT_MOUTH = range(5)
_PLANE = [RIGHT_EYE, LEFT_EYE, RIGHT_MOUTH, LEFT_MOUTH]


def as_landmarks(points: object) -> np.ndarray:
    """Five (x, y) points as float64 5×2, or ``ValueError`` saying what is wrong."""
    array = np.asarray(points, dtype=np.float64)
    if array.shape != (5, 2):
        raise ValueError(f"expected 5×2 landmarks, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("landmarks contain NaN or infinity")
    return array


def eye_distance(landmarks: np.ndarray) -> float:
    return float(np.hypot(*(landmarks[LEFT_EYE] - landmarks[RIGHT_EYE])))


def nose_coordinates(landmarks: np.ndarray) -> tuple[float, float]:
    """(yaw, pitch): the nose tip in the affine frame of the eyes and mouth.

    ``yaw`` grows as the nose moves towards the left eye in the picture, ``pitch`` as it
    moves down towards the mouth. A frontal face is near (0, 0.5).
    """
    eye_mid = (landmarks[RIGHT_EYE] + landmarks[LEFT_EYE]) / 2
    mouth_mid = (landmarks[RIGHT_MOUTH] + landmarks[LEFT_MOUTH]) / 2
    basis = np.column_stack([landmarks[LEFT_EYE] - landmarks[RIGHT_EYE], mouth_mid - eye_mid])
    if abs(np.linalg.det(basis)) < 1e-9:
        return 0.0, 0.5
    yaw, pitch = np.linalg.solve(basis, landmarks[NOSE] - eye_mid)
    return float(yaw), float(pitch)


def nose_parallax(reference: np.ndarray, current: np.ndarray) -> float:
    """How far the nose is from where a flat face would put it, in eye distances.

    The homography that carries the four plane points of ``reference`` onto ``current`` is
    exactly the motion of a flat picture; applied to the reference nose it says where a
    picture's nose would be now.
    """
    source = reference[_PLANE].astype(np.float32)
    target = current[_PLANE].astype(np.float32)
    try:
        homography = cv2.getPerspectiveTransform(source, target)
    except cv2.error:
        return 0.0
    if not np.all(np.isfinite(homography)):
        return 0.0
    predicted = cv2.perspectiveTransform(
        reference[NOSE].reshape(1, 1, 2).astype(np.float64), homography
    ).reshape(2)
    return float(np.hypot(*(predicted - current[NOSE]))) / max(eye_distance(current), 1e-6)


def plane_motion(reference: np.ndarray, current: np.ndarray) -> float:
    """How much the face moved as a whole, in eye distances (shift, scale and turn in plane)."""
    shift = np.hypot(*(current[_PLANE].mean(axis=0) - reference[_PLANE].mean(axis=0)))
    size = max(eye_distance(reference), 1e-6)
    scale = abs(np.log(max(eye_distance(current), 1e-6) / size))
    before = reference[LEFT_EYE] - reference[RIGHT_EYE]
    after = current[LEFT_EYE] - current[RIGHT_EYE]
    roll = abs(np.arctan2(*after[::-1]) - np.arctan2(*before[::-1]))
    roll = min(roll, 2 * np.pi - roll)
    return float(shift / size + scale + roll)
