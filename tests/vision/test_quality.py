from __future__ import annotations

import cv2
import numpy as np
import pytest

from menwei.vision.detect import Face, FaceDetector
from menwei.vision.errors import NoFace, PoorQuality, SeveralFaces
from menwei.vision.quality import ENROLMENT, GATE, REASONS, assess, head_pose

from .conftest import background, in_frame


def _reasons(detector: FaceDetector, image: np.ndarray, policy=ENROLMENT) -> tuple[str, ...]:
    return assess(image, detector.detect(image), policy).reasons


def test_a_clear_frontal_portrait_passes_enrolment(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    report = assess(astronaut, detector.detect(astronaut), ENROLMENT)
    assert report.passed, report.reasons
    assert report.measures is not None and report.measures.eye_distance > 40
    assert report.raise_if_failed() is report.face


def test_no_face_is_a_reason_and_a_typed_error(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    report = assess(background(astronaut), [], ENROLMENT)
    assert report.reasons == ("no_face",)
    assert report.messages("zh-CN") == ["没有检测到人脸，请正对镜头"]
    with pytest.raises(NoFace):
        report.raise_if_failed()


def test_two_similar_faces_are_several_faces_but_a_small_bystander_is_not(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    pair = np.hstack([astronaut, astronaut])
    report = assess(pair, detector.detect(pair), ENROLMENT)
    assert report.reasons == ("several_faces",)
    with pytest.raises(SeveralFaces):
        report.raise_if_failed()
    frame = astronaut.copy()
    frame[400:480, 20:90] = cv2.resize(astronaut[40:200, 150:290], (70, 80))
    assert len(detector.detect(frame)) == 2
    assert "several_faces" not in _reasons(detector, frame)


def test_a_distant_face_is_too_small(detector: FaceDetector, astronaut: np.ndarray) -> None:
    frame = in_frame(cv2.resize(astronaut, (200, 200)), 640, 480, 220, 140)
    assert "face_too_small" in _reasons(detector, frame)


def test_a_blurred_face_is_blurry(detector: FaceDetector, astronaut: np.ndarray) -> None:
    assert "blurry" in _reasons(detector, cv2.GaussianBlur(astronaut, (0, 0), 3))


def test_dark_bright_and_flat_light_each_have_their_reason(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    dark = cv2.convertScaleAbs(astronaut, alpha=0.2)
    bright = cv2.convertScaleAbs(astronaut, alpha=0.3, beta=200)
    flat = cv2.convertScaleAbs(astronaut, alpha=0.15, beta=110)
    assert "too_dark" in _reasons(detector, dark)
    assert "too_bright" in _reasons(detector, bright)
    assert "low_contrast" in _reasons(detector, flat)
    # A dim but sharp face is dark, not blurry: sharpness is measured relative to contrast.
    assert "blurry" not in _reasons(detector, cv2.convertScaleAbs(astronaut, alpha=0.35))


def test_a_face_cut_by_the_frame_edge_is_cut_off(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    cut = np.ascontiguousarray(astronaut[95:, :])  # the top of the head is outside
    faces = detector.detect(cut)
    assert faces, "the lower face should still be detected"
    assert "face_cut_off" in assess(cut, faces, ENROLMENT).reasons


def _face(landmarks: list[list[float]]) -> Face:
    return Face((0.0, 0.0, 100.0, 100.0), np.array(landmarks, dtype=np.float32), 0.9)


FRONTAL = [[30, 40], [70, 40], [50, 61], [34, 80], [66, 80]]


def test_head_pose_reads_frontal_turned_and_lowered_faces_from_landmarks() -> None:
    yaw, pitch, roll = head_pose(np.array(FRONTAL, dtype=np.float32))
    assert abs(yaw) < 3 and abs(pitch) < 3 and abs(roll) < 1
    turned = [[30, 40], [70, 40], [68, 61], [44, 80], [72, 80]]
    assert head_pose(np.array(turned, dtype=np.float32))[0] > 35
    lowered = [[30, 40], [70, 40], [50, 72], [34, 80], [66, 80]]
    assert head_pose(np.array(lowered, dtype=np.float32))[1] < -25
    tilted = [[30, 40], [70, 60], [50, 70], [34, 85], [66, 95]]
    assert head_pose(np.array(tilted, dtype=np.float32))[2] > 20


def test_pose_is_measured_along_the_face_so_a_rolled_head_is_not_turned() -> None:
    points = np.array(FRONTAL, dtype=np.float32)
    angle = np.deg2rad(25)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    rolled = (points - 50) @ rotation.T + 50
    yaw, pitch, roll = head_pose(rolled.astype(np.float32))
    assert abs(yaw) < 3 and abs(pitch) < 3 and abs(roll - 25) < 1


def test_turned_and_tilted_faces_are_refused_with_messages_in_both_languages(
    astronaut: np.ndarray,
) -> None:
    turned = [[230, 100], [270, 100], [268, 121], [244, 140], [272, 140]]
    face = Face((200.0, 60.0, 100.0, 110.0), np.array(turned, dtype=np.float32), 0.9)
    report = assess(astronaut, [face], GATE)
    assert "turned_sideways" in report.reasons
    assert "请正对镜头" in report.messages()
    assert "turned sideways: face the camera" in report.messages("en")
    with pytest.raises(PoorQuality) as raised:
        report.raise_if_failed()
    assert raised.value.reasons == report.reasons
    assert "请正对镜头" in raised.value.message_zh


def test_the_gate_policy_accepts_what_enrolment_refuses(
    detector: FaceDetector, astronaut: np.ndarray
) -> None:
    frame = in_frame(cv2.resize(astronaut, (400, 400)), 640, 480, 120, 40)
    assert "face_too_small" in _reasons(detector, frame, ENROLMENT)
    assert "face_too_small" not in _reasons(detector, frame, GATE)


def test_every_reason_has_short_messages_in_both_languages() -> None:
    for code, reason in REASONS.items():
        assert reason.code == code
        assert reason.zh and reason.en and len(reason.zh) <= 20
