"""Following faces from frame to frame, so that a person gets one decision per approach.

A camera sees the same resident in dozens of frames while they walk up to the door. Deciding
on each frame would open the door many times and write many events. The tracker links the
detections of consecutive frames by box overlap (IoU) and, when boxes jump, by the distance
between landmark centres relative to face size. A track is decided once; it is decided again
only after it has left the view and come back, or after a cooldown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

Box = tuple[float, float, float, float]  # x, y, width, height in pixels


class Detected(Protocol):
    """What the tracker needs of a face: a box, and landmarks when the detector gives them."""

    @property
    def box(self) -> Sequence[float]: ...


@dataclass
class Track:
    """One person's face followed across frames."""

    track_id: int
    box: Box
    centre: tuple[float, float]
    first_seen: float
    last_seen: float
    hits: int = 1
    decided_at: float | None = None
    detection: object | None = field(default=None, repr=False)

    @property
    def size(self) -> float:
        return float(np.sqrt(max(self.box[2], 0.0) * max(self.box[3], 0.0)))


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes; 0.0 for boxes that do not touch."""
    ax2, ay2 = a[0] + a[2], a[1] + a[3]
    bx2, by2 = b[0] + b[2], b[1] + b[3]
    w = min(ax2, bx2) - max(a[0], b[0])
    h = min(ay2, by2) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = a[2] * a[3] + b[2] * b[3] - inter
    return float(inter / union) if union > 0 else 0.0


def _centre(detection: Detected, box: Box) -> tuple[float, float]:
    landmarks = getattr(detection, "landmarks", None)
    if landmarks is not None:
        points = np.asarray(landmarks, dtype=np.float64).reshape(-1, 2)
        if points.size:
            mean = points.mean(axis=0)
            return float(mean[0]), float(mean[1])
    return box[0] + box[2] / 2.0, box[1] + box[3] / 2.0


class FaceTracker:
    """Greedy frame-to-frame association; tracks expire after ``max_missing_s`` unseen.

    ``min_iou`` links overlapping boxes; failing that, a detection whose centre lies within
    ``max_centre_shift`` face sizes of a track's centre continues that track.
    """

    def __init__(
        self,
        *,
        min_iou: float = 0.3,
        max_centre_shift: float = 0.6,
        max_missing_s: float = 1.0,
        cooldown_s: float = 10.0,
    ) -> None:
        self.min_iou = min_iou
        self.max_centre_shift = max_centre_shift
        self.max_missing_s = max_missing_s
        self.cooldown_s = cooldown_s
        self._tracks: dict[int, Track] = {}
        self._next_id = 1
        self.ended: list[Track] = []

    @property
    def tracks(self) -> list[Track]:
        return list(self._tracks.values())

    def update(self, detections: Sequence[Detected], at: float) -> list[Track]:
        """Link this frame's detections to tracks; returns the tracks seen in this frame.

        Tracks not seen for ``max_missing_s`` are closed and appended to ``ended`` (the caller
        drains it, e.g. to count people who walked through a door).
        """
        boxes: list[Box] = [tuple(float(v) for v in d.box[:4]) for d in detections]  # type: ignore[misc]
        centres = [_centre(d, b) for d, b in zip(detections, boxes, strict=True)]
        pairs: list[tuple[float, int, int]] = []
        for track in self._tracks.values():
            for j, box in enumerate(boxes):
                overlap = iou(track.box, box)
                if overlap >= self.min_iou:
                    pairs.append((2.0 + overlap, track.track_id, j))
                    continue
                scale = max(track.size, 1.0)
                dx = centres[j][0] - track.centre[0]
                dy = centres[j][1] - track.centre[1]
                shift = float(np.hypot(dx, dy)) / scale
                if shift <= self.max_centre_shift:
                    pairs.append((1.0 - shift, track.track_id, j))
        pairs.sort(reverse=True)
        taken_tracks: set[int] = set()
        taken_dets: set[int] = set()
        seen: list[Track] = []
        for _, track_id, j in pairs:
            if track_id in taken_tracks or j in taken_dets:
                continue
            taken_tracks.add(track_id)
            taken_dets.add(j)
            track = self._tracks[track_id]
            track.box, track.centre, track.last_seen = boxes[j], centres[j], at
            track.hits += 1
            track.detection = detections[j]
            seen.append(track)
        for j, box in enumerate(boxes):
            if j in taken_dets:
                continue
            track = Track(self._next_id, box, centres[j], at, at, detection=detections[j])
            self._next_id += 1
            self._tracks[track.track_id] = track
            seen.append(track)
        for track_id, track in list(self._tracks.items()):
            if at - track.last_seen > self.max_missing_s:
                del self._tracks[track_id]
                self.ended.append(track)
        return seen

    def needs_decision(self, track: Track, at: float) -> bool:
        """True once per approach: never decided, or decided longer than the cooldown ago."""
        return track.decided_at is None or at - track.decided_at >= self.cooldown_s

    def mark_decided(self, track: Track, at: float) -> None:
        track.decided_at = at

    def drain_ended(self) -> list[Track]:
        ended, self.ended = self.ended, []
        return ended
