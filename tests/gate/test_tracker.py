from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from menwei.gate.tracker import FaceTracker, iou


@dataclass
class Face:
    box: tuple[float, float, float, float]
    landmarks: np.ndarray | None = None


def test_iou_is_one_for_the_same_box_and_zero_for_disjoint_boxes() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0
    assert 0.1 < iou((0, 0, 10, 10), (5, 0, 10, 10)) < 0.5


def test_a_face_walking_towards_the_camera_keeps_one_track_id() -> None:
    tracker = FaceTracker()
    ids = set()
    for step in range(20):
        size = 60 + step * 4
        seen = tracker.update([Face((200 - step * 2, 100 - step, size, size))], at=step * 0.05)
        ids.update(t.track_id for t in seen)
    assert len(ids) == 1


def test_two_people_side_by_side_get_two_tracks_that_do_not_swap() -> None:
    tracker = FaceTracker()
    first = tracker.update([Face((10, 10, 50, 50)), Face((300, 10, 50, 50))], at=0.0)
    left_id = first[0].track_id
    right_id = first[1].track_id
    later = tracker.update([Face((305, 12, 52, 52)), Face((14, 11, 52, 52))], at=0.05)
    by_x = {t.track_id: t.box[0] for t in later}
    assert by_x[left_id] < 100 < by_x[right_id]


def test_landmark_centres_link_a_jump_that_boxes_alone_would_miss() -> None:
    tracker = FaceTracker(min_iou=0.9, max_centre_shift=0.6)
    marks = np.array([[30, 30], [50, 30], [40, 40], [32, 50], [48, 50]], dtype=np.float32)
    (track,) = tracker.update([Face((15, 15, 50, 50), marks)], at=0.0)
    (moved,) = tracker.update([Face((35, 15, 50, 50), marks + np.array([20, 0]))], at=0.05)
    assert moved.track_id == track.track_id


def test_a_track_is_decided_once_per_approach_and_again_after_leaving() -> None:
    tracker = FaceTracker(max_missing_s=0.5, cooldown_s=30)
    decisions = 0
    at = 0.0
    for _ in range(10):
        for track in tracker.update([Face((100, 100, 80, 80))], at):
            if tracker.needs_decision(track, at):
                tracker.mark_decided(track, at)
                decisions += 1
        at += 0.05
    assert decisions == 1
    tracker.update([], at + 1.0)
    assert [t.hits for t in tracker.drain_ended()] == [10]
    at += 2.0
    for track in tracker.update([Face((100, 100, 80, 80))], at):
        assert tracker.needs_decision(track, at)


def test_a_person_who_stays_is_decided_again_after_the_cooldown() -> None:
    tracker = FaceTracker(cooldown_s=3)
    (track,) = tracker.update([Face((0, 0, 50, 50))], 0.0)
    tracker.mark_decided(track, 0.0)
    (track,) = tracker.update([Face((1, 0, 50, 50))], 1.0)
    assert not tracker.needs_decision(track, 1.0)
    (track,) = tracker.update([Face((2, 0, 50, 50))], 3.5)
    assert tracker.needs_decision(track, 3.5)
