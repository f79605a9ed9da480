from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from menwei.gate.errors import SourceError
from menwei.gate.sources import FolderSource, FrameReader, open_source


def _write_images(folder: Path, count: int) -> None:
    for i in range(count):
        image = np.full((32, 32, 3), i * 10, dtype=np.uint8)
        ok, data = cv2.imencode(".png", image)
        assert ok
        (folder / f"{i:03d}.png").write_bytes(data.tobytes())


class SlowEndlessSource:
    """A camera that produces numbered frames as fast as it can, forever."""

    finite = False
    description = "fake camera"

    def __init__(self) -> None:
        self.produced = 0
        self.closed = False

    def read(self) -> np.ndarray | None:
        time.sleep(0.001)
        self.produced += 1
        return np.full((4, 4, 3), self.produced % 256, dtype=np.uint8)

    def close(self) -> None:
        self.closed = True


def test_a_folder_is_replayed_in_name_order_without_loss(tmp_path: Path) -> None:
    _write_images(tmp_path, 5)
    with FrameReader(FolderSource(tmp_path), lossless=True, max_age_s=60) as reader:
        values = []
        while (frame := reader.take(timeout=5)) is not None:
            values.append(int(frame.image[0, 0, 0]))
        assert reader.ended
    assert values == [0, 10, 20, 30, 40]


def test_unreadable_files_in_a_folder_are_skipped_and_counted(tmp_path: Path) -> None:
    _write_images(tmp_path, 2)
    (tmp_path / "001b.jpg").write_bytes(b"not an image at all")
    (tmp_path / "empty.png").write_bytes(b"")
    source = FolderSource(tmp_path)
    images = []
    while (image := source.read()) is not None:
        images.append(image)
    assert len(images) == 2
    assert source.skipped == 2


def test_a_slow_consumer_gets_the_newest_frame_not_a_backlog() -> None:
    source = SlowEndlessSource()
    with FrameReader(source, max_age_s=5) as reader:
        first = reader.take(timeout=2)
        time.sleep(0.2)
        second = reader.take(timeout=2)
        assert first is not None and second is not None
        assert second.index > first.index + 10
        assert reader.dropped > 10
    assert source.closed


def test_frames_older_than_the_maximum_age_are_dropped() -> None:
    now = [0.0]
    lock = threading.Lock()

    def clock() -> float:
        with lock:
            return now[0]

    class OneFrame:
        finite = True
        description = "one frame"

        def __init__(self) -> None:
            self.sent = False

        def read(self) -> np.ndarray | None:
            if self.sent:
                return None
            self.sent = True
            return np.zeros((2, 2, 3), dtype=np.uint8)

        def close(self) -> None:
            pass

    reader = FrameReader(OneFrame(), max_age_s=0.5, lossless=True, clock=clock)
    reader.start()
    deadline = time.monotonic() + 2
    while reader._slot is None and time.monotonic() < deadline:
        time.sleep(0.01)
    with lock:
        now[0] = 10.0
    assert reader.take(timeout=1) is None
    assert reader.stale == 1
    assert reader.ended
    reader.stop()


def test_open_source_refuses_a_missing_path_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="neither a camera index"):
        open_source(str(tmp_path / "nope"))


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no images"):
        open_source(str(tmp_path))


def test_a_file_that_is_not_a_video_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "clip.mp4"
    bogus.write_bytes(b"garbage")
    with pytest.raises(SourceError, match="Could not open"):
        open_source(str(bogus))


def test_a_video_file_is_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for i in range(6):
        writer.write(np.full((48, 64, 3), i * 30, dtype=np.uint8))
    writer.release()
    with FrameReader(open_source(str(path)), lossless=True, max_age_s=60) as reader:
        count = 0
        while reader.take(timeout=5) is not None:
            count += 1
    assert count == 6
