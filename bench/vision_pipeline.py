"""Per-stage and end-to-end latency of the face engine on one core, beside face_recognition.

    OMP_NUM_THREADS=1 .venv/bin/python bench/vision_pipeline.py [--runs 300] [--peer-runs 60]

The frame is a 640×480 JPEG with one face (the public-domain astronaut portrait from
tests/data, scaled into a door-camera frame). Stages: decode, detect, quality, align, embed,
and end to end (decode → detect → quality → align → embed → search of a 10,000-template
gallery). Detection is the shipped two-step search (a 320-px coarse pass, then the face's
landmarks again on a crop of the original pixels); the rows marked "one full-size pass" run
the earlier single 640×480 pass in the same process, for comparison. The peer,
face_recognition (dlib HOG detector + ResNet encoder), runs on the same frame bytes in the
same process: decode, face_locations, face_encodings, compare_faces.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2
import numpy as np

from menwei.vision.detect import FaceDetector
from menwei.vision.embed import Embedder
from menwei.vision.gallery import Gallery
from menwei.vision.image import decode_image
from menwei.vision.quality import GATE, assess

ASTRONAUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "astronaut.jpg"


def door_frame() -> bytes:
    """The portrait scaled to 480 px high in a 640×480 frame, as JPEG bytes (quality 90)."""
    portrait = cv2.resize(cv2.imread(str(ASTRONAUT)), (480, 480), interpolation=cv2.INTER_AREA)
    frame = np.full((480, 640, 3), 110, dtype=np.uint8)
    frame[:, 80:560] = portrait
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return data.tobytes()


def timed(function: Callable[[], object], runs: int, warmup: int = 5) -> np.ndarray:
    for _ in range(warmup):
        function()
    samples = np.empty(runs)
    for index in range(runs):
        start = time.perf_counter_ns()
        function()
        samples[index] = (time.perf_counter_ns() - start) / 1e6
    return samples


def row(name: str, samples: np.ndarray) -> str:
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    return f"| {name} | {p50:.2f} | {p95:.2f} | {p99:.2f} |"


def ours(data: bytes, runs: int) -> dict[str, np.ndarray]:
    detector, embedder = FaceDetector(), Embedder()
    single_pass = FaceDetector(fast_side=None)
    gallery = Gallery(capacity=10_000)
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((10_000, 128)).astype(np.float32)
    gallery.add_many(enumerate(noise))
    image = decode_image(data)
    faces = detector.detect(image)
    assert len(faces) == 1, "the benchmark frame must hold exactly one face"
    crop = embedder.align(image, faces[0])

    empty = np.full_like(image, 110)

    def end_to_end(using: FaceDetector = detector) -> object:
        frame = decode_image(data)
        found = using.detect(frame)
        face = assess(frame, found, GATE).raise_if_failed()
        vector = embedder.embed(embedder.align(frame, face))
        return gallery.search(vector, 1)

    return {
        "decode": timed(lambda: decode_image(data), runs),
        "detect": timed(lambda: detector.detect(image), runs),
        "detect, one full-size pass": timed(lambda: single_pass.detect(image), runs),
        "detect, frame without a face": timed(lambda: detector.detect(empty), runs),
        "quality": timed(lambda: assess(image, faces, GATE), runs),
        "align": timed(lambda: embedder.align(image, faces[0]), runs),
        "embed": timed(lambda: embedder.embed(crop), runs),
        "end to end (+ search 10k)": timed(end_to_end, runs),
        "end to end, one full-size pass": timed(lambda: end_to_end(single_pass), runs),
    }


def peer(data: bytes, runs: int) -> dict[str, np.ndarray] | None:
    try:
        import face_recognition
    except ImportError:
        print("face_recognition is not installed: pip install 'menwei[peer]' (see README)")
        return None

    def decode() -> np.ndarray:
        return cv2.cvtColor(
            cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB
        )

    image = decode()
    found = face_recognition.face_locations(image, model="hog")
    assert found, "the peer must find the face too"
    if len(found) > 1:
        print(f"face_recognition finds {len(found)} faces in the one-face frame; it encodes all")
    locations = found[:1]
    known = np.random.default_rng(0).standard_normal((10_000, 128))

    def end_to_end() -> object:
        frame = decode()
        found = face_recognition.face_locations(frame, model="hog")
        encodings = face_recognition.face_encodings(frame, found)
        return face_recognition.face_distance(known, encodings[0]).argmin()

    return {
        "decode": timed(decode, runs, 2),
        "detect": timed(lambda: face_recognition.face_locations(image, model="hog"), runs, 2),
        "align + embed": timed(lambda: face_recognition.face_encodings(image, locations), runs, 2),
        "end to end (+ search 10k)": timed(end_to_end, runs, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--peer-runs", type=int, default=60)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    data = door_frame()
    print(f"frame: 640×480 JPEG, {len(data)} bytes; one core; OpenCV {cv2.__version__}")
    print("| stage (menwei: YuNet + SFace) | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|")
    mine = ours(data, args.runs)
    for name, samples in mine.items():
        print(row(name, samples))
    theirs = peer(data, args.peer_runs) if args.peer_runs > 0 else None
    if theirs is None:
        return
    print("\n| stage (face_recognition: dlib HOG + ResNet) | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|")
    for name, samples in theirs.items():
        print(row(name, samples))
    key = "end to end (+ search 10k)"
    ratio = np.median(theirs[key]) / np.median(mine[key])
    print(f"\nend-to-end p50 ratio, face_recognition / menwei: {ratio:.1f}×")


if __name__ == "__main__":
    main()
