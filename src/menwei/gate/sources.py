"""Where frames come from: a camera, a network stream, a video file or a folder of images.

Every source is read in its own thread into a one-slot buffer. A live camera keeps producing
while a decision is being made; the slot always holds the newest frame, so a slow decision
costs dropped frames, never a backlog of old faces. Frames older than ``max_age_s`` when they
are taken are dropped too: a door must not open for someone who walked past a second ago.
A replay (folder or video file) can instead be read without loss, one frame per take.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from menwei.gate.errors import SourceError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
MAX_IMAGE_BYTES = 32 * 1024 * 1024

Clock = Callable[[], float]


@dataclass(frozen=True)
class Frame:
    """One picture from a source, with the monotonic time it was captured and its number."""

    image: np.ndarray
    captured_at: float
    index: int


class FrameSource(Protocol):
    """Something that yields images until it ends (files) or forever (cameras)."""

    finite: bool
    description: str

    def read(self) -> np.ndarray | None:
        """The next image, or ``None`` when a finite source has ended."""
        ...

    def close(self) -> None:
        """Release the device or files."""
        ...


class FolderSource:
    """A folder of images in name order: for tests and for replaying a recorded approach.

    Files that are not readable images are skipped and counted, so one bad file in a replay
    does not stop the gate.
    """

    finite = True

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise SourceError(f"The image folder {folder} does not exist. Check --source.")
        self._paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._paths:
            raise SourceError(
                f"The folder {folder} holds no images (.jpg, .png, .bmp, .webp). Check --source."
            )
        self._next = 0
        self.skipped = 0
        self.description = f"folder {folder} ({len(self._paths)} images)"

    def read(self) -> np.ndarray | None:
        while self._next < len(self._paths):
            path = self._paths[self._next]
            self._next += 1
            image = _decode_file(path)
            if image is not None:
                return image
            self.skipped += 1
        return None

    def close(self) -> None:
        self._next = len(self._paths)


def _decode_file(path: Path) -> np.ndarray | None:
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            return None
        data = np.fromfile(path, dtype=np.uint8)
    except OSError:
        return None
    if data.size == 0:
        return None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return image if image is not None and image.size else None


class CaptureSource:
    """A webcam index, an RTSP/HTTP stream or a video file, read through OpenCV."""

    def __init__(self, target: int | str, *, finite: bool) -> None:
        self.finite = finite
        self.description = f"camera {target}" if isinstance(target, int) else str(target)
        self._capture = cv2.VideoCapture(target)
        if not self._capture.isOpened():
            self._capture.release()
            raise SourceError(
                f"Could not open {self.description}. Check that the camera is connected, the "
                "URL answers, or the file exists and is a video."
            )

    def read(self) -> np.ndarray | None:
        ok, image = self._capture.read()
        if not ok or image is None:
            if self.finite:
                return None
            raise SourceError(f"{self.description} stopped sending frames.")
        return image

    def close(self) -> None:
        self._capture.release()


def open_source(spec: str) -> FrameSource:
    """Choose the source that ``--source`` names: a digit, a URL, a folder or a video file."""
    text = spec.strip()
    if not text:
        raise SourceError("No --source given: name a camera index, a URL, a folder or a file.")
    if text.isdigit():
        return CaptureSource(int(text), finite=False)
    if "://" in text:
        return CaptureSource(text, finite=text.startswith("file://"))
    path = Path(text)
    if path.is_dir():
        return FolderSource(path)
    if path.is_file():
        return CaptureSource(str(path), finite=True)
    raise SourceError(
        f"The source {text!r} is neither a camera index, a URL, a folder nor an existing file."
    )


class FrameReader:
    """Reads a source in a background thread into a one-slot buffer.

    ``lossless=False`` (live): the newest frame replaces an untaken one, and ``dropped`` counts
    the replaced frames. ``lossless=True`` (replay): the thread waits until the frame is taken.
    ``take`` drops frames older than ``max_age_s`` (``stale``). ``ended`` turns true once a
    finite source is exhausted and its last frame taken; ``error`` holds a failure of the source.
    """

    def __init__(
        self,
        source: FrameSource,
        *,
        max_age_s: float = 0.5,
        lossless: bool = False,
        clock: Clock = time.monotonic,
    ) -> None:
        self._source = source
        self._max_age_s = max_age_s
        self._lossless = lossless
        self._clock = clock
        self._slot: Frame | None = None
        self._cond = threading.Condition()
        self._stopping = False
        self._source_done = False
        self._thread: threading.Thread | None = None
        self.dropped = 0
        self.stale = 0
        self.error: SourceError | None = None

    def start(self) -> FrameReader:
        self._thread = threading.Thread(target=self._run, name="menwei-frames", daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> FrameReader:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def ended(self) -> bool:
        with self._cond:
            return self._source_done and self._slot is None

    def _run(self) -> None:
        index = 0
        try:
            while True:
                with self._cond:
                    if self._stopping:
                        return
                image = self._source.read()
                if image is None:
                    return
                frame = Frame(image=image, captured_at=self._clock(), index=index)
                index += 1
                with self._cond:
                    if self._lossless:
                        while self._slot is not None and not self._stopping:
                            self._cond.wait(0.1)
                    if self._stopping:
                        return
                    if self._slot is not None:
                        self.dropped += 1
                    self._slot = frame
                    self._cond.notify_all()
        except SourceError as error:
            self.error = error
        except cv2.error as error:
            self.error = SourceError(f"The frame source failed: {error.msg or error}")
        finally:
            with self._cond:
                self._source_done = True
                self._cond.notify_all()

    def take(self, timeout: float | None = None) -> Frame | None:
        """The newest fresh frame, waiting up to ``timeout``; ``None`` if none came or at end."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                frame = self._slot
                if frame is not None:
                    self._slot = None
                    self._cond.notify_all()
                    if self._clock() - frame.captured_at > self._max_age_s:
                        self.stale += 1
                        continue
                    return frame
                if self._source_done or self._stopping:
                    return None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._cond.wait(remaining if remaining is not None else 0.1)

    def stop(self) -> None:
        """Stop the thread and release the source; safe to call twice."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._source.close()
