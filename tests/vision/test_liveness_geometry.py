"""The landmark geometry the motion and challenge checks rest on, on synthetic heads and photos.

``head_landmarks`` projects a five-point face through a pinhole camera: a head has its nose
tip in front of the eyes and mouth, a photo has it flat on the same plane. The other liveness
tests build their tracks with it.
"""

from __future__ import annotations

import numpy as np
import pytest

from menwei.vision.liveness.geometry import (
    as_landmarks,
    eye_distance,
    nose_coordinates,
    nose_parallax,
    plane_motion,
)

# face points in eye distances: x to the picture's right, y down, z away from the camera;
# the person's right eye is on the picture's left
_FACE = np.array(
    [
        [-0.5, 0.0, 0.0],  # right eye
        [0.5, 0.0, 0.0],  # left eye
        [0.0, 0.55, -0.65],  # nose tip, in front of the face
        [-0.4, 1.05, -0.05],  # right mouth corner
        [0.4, 1.05, -0.05],  # left mouth corner
    ]
)
_PIVOT = np.array([0.0, 0.5, 1.2])  # heads turn about the neck, behind the face


def head_landmarks(
    yaw_deg: float = 0.0,
    pitch_deg: float = 0.0,
    *,
    distance: float = 8.0,
    shift: tuple[float, float] = (0.0, 0.0),
    roll_deg: float = 0.0,
    flat: bool = False,
    focal: float = 500.0,
) -> np.ndarray:
    """Five projected landmarks (pixels) of a head, or with ``flat`` of a photo of one.

    Positive yaw turns the person to their own left (nose towards the picture's right),
    positive pitch tilts the head down. ``distance`` is in eye distances from the camera.
    """
    points = _FACE.copy()
    if flat:
        points[:, 2] = 0.0
    yaw, pitch, roll = np.radians([yaw_deg, pitch_deg, roll_deg])
    turn = np.array([[np.cos(yaw), 0, -np.sin(yaw)], [0, 1, 0], [np.sin(yaw), 0, np.cos(yaw)]])
    nod = np.array(
        [[1, 0, 0], [0, np.cos(pitch), np.sin(pitch)], [0, -np.sin(pitch), np.cos(pitch)]]
    )
    tilt = np.array([[np.cos(roll), -np.sin(roll), 0], [np.sin(roll), np.cos(roll), 0], [0, 0, 1]])
    pivot = _PIVOT if not flat else np.array([0.0, 0.5, 0.0])
    moved = (points - pivot) @ (tilt @ nod @ turn).T + pivot
    moved += np.array([shift[0], shift[1], distance])
    return np.column_stack(
        [320 + focal * moved[:, 0] / moved[:, 2], 240 + focal * moved[:, 1] / moved[:, 2]]
    )


def test_a_frontal_face_has_its_nose_between_the_eyes_and_halfway_down() -> None:
    yaw, pitch = nose_coordinates(head_landmarks())
    assert abs(yaw) < 0.01
    assert 0.4 < pitch < 0.65


def test_turning_to_the_persons_left_moves_the_nose_towards_the_left_eye() -> None:
    assert nose_coordinates(head_landmarks(20))[0] > 0.15
    assert nose_coordinates(head_landmarks(-20))[0] < -0.15


def test_a_photo_keeps_its_nose_coordinates_however_it_is_turned_and_carried() -> None:
    still = nose_coordinates(head_landmarks(flat=True))
    for yaw, pitch, shift in [(25, 0, (1.0, 0.0)), (0, 25, (0.0, 1.0)), (-30, 10, (-2.0, 0.5))]:
        moved = nose_coordinates(head_landmarks(yaw, pitch, shift=shift, flat=True))
        assert np.allclose(moved, still, atol=0.05)


def test_the_nose_of_a_turning_head_leaves_the_plane_but_a_photos_does_not() -> None:
    reference = head_landmarks()
    assert nose_parallax(reference, head_landmarks(15)) > 0.2
    flat_reference = head_landmarks(flat=True)
    assert nose_parallax(flat_reference, head_landmarks(30, 15, flat=True)) < 1e-4


def test_plane_motion_counts_shift_scale_and_roll_in_eye_distances() -> None:
    reference = head_landmarks()
    assert plane_motion(reference, reference) == pytest.approx(0.0, abs=1e-9)
    assert plane_motion(reference, head_landmarks(shift=(1.0, 0.0))) == pytest.approx(1.0, 0.05)
    # twice as close: twice the size, and the face also shifts away from the optical axis
    assert plane_motion(reference, head_landmarks(distance=4.0)) > np.log(2)
    assert plane_motion(reference, head_landmarks(roll_deg=30)) > 0.5
    assert eye_distance(head_landmarks(distance=4.0)) == pytest.approx(125.0, rel=1e-6)


@pytest.mark.parametrize(
    "bad", [np.zeros((4, 2)), np.full((5, 2), np.nan), [[1, 2, 3]] * 5, "five points"]
)
def test_landmarks_of_the_wrong_shape_or_with_nan_are_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        as_landmarks(bad)
