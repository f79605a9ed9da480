"""What presentation-attack detection adds to each frame at the gate, on one core.

    OMP_NUM_THREADS=1 .venv/bin/python bench/pad_frame_cost.py [--runs 500]

Frames are NUAA webcam frames (640×480) from ../shared/data/nuaa when present, else the test
portrait in a 640×480 frame. The gate already detects and aligns every face for embedding, so
the frame check's added cost is its features and one dot product on that aligned crop; the
alignment is timed beside it for a caller that does not embed. The motion check's cost is one
``observe`` per frame and one ``assess`` per decision; the challenge's one ``observe``.
Figures are wall-time medians and 95th percentiles, and CPU-time medians, in milliseconds.
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
from menwei.vision.liveness import FrameLiveness, load_model
from menwei.vision.liveness.challenge import Challenge, ChallengeKind
from menwei.vision.liveness.motion import MotionLiveness

ROOT = Path(__file__).resolve().parents[1]
NUAA = ROOT / ".." / "shared" / "data" / "nuaa"
ASTRONAUT = ROOT / "tests" / "data" / "astronaut.jpg"


def frames(count: int) -> tuple[str, list[np.ndarray]]:
    paths = (
        sorted((NUAA / "live").glob("*/*.jpg"))[::40]
        + sorted((NUAA / "spoof").glob("*/*.jpg"))[::40]
    )
    if paths:
        return "NUAA webcam frames", [cv2.imread(str(p)) for p in paths[:count]]
    portrait = cv2.resize(cv2.imread(str(ASTRONAUT)), (480, 480), interpolation=cv2.INTER_AREA)
    frame = np.full((480, 640, 3), 110, dtype=np.uint8)
    frame[:, 80:560] = portrait
    return "test portrait in a 640×480 frame", [frame]


def timed(runs: int, step: Callable[[int], object]) -> tuple[float, float, float]:
    """Median and 95th percentile wall time, and median CPU time of this process, in ms.

    On a shared machine the wall time includes waiting for the core; the CPU time is what the
    step itself costs on one core.
    """
    step(0)  # warm caches
    wall, cpu = [], []
    for index in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        step(index)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    values = np.array(wall) * 1000
    return float(np.median(values)), float(np.percentile(values, 95)), float(np.median(cpu) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    cv2.setNumThreads(1)

    source, images = frames(40)
    detector, embedder = FaceDetector(), Embedder()
    check = FrameLiveness(load_model(), aligner=embedder.align)
    faces = [detector.detect_one(image) for image in images]
    crops = [embedder.align(image, face) for image, face in zip(images, faces, strict=True)]
    n = len(images)

    rows = {
        "frame check on the aligned crop (added cost)": timed(
            args.runs, lambda i: check.assess(images[i % n], faces[i % n], crops[i % n])
        ),
        "alignment (shared with embedding)": timed(
            args.runs, lambda i: embedder.align(images[i % n], faces[i % n])
        ),
        "frame check with its own alignment": timed(
            args.runs, lambda i: check.assess(images[i % n], faces[i % n])
        ),
    }
    motion = MotionLiveness()
    landmarks = [face.landmarks for face in faces]
    rows["motion check, one observe"] = timed(args.runs, lambda i: motion.observe(landmarks[i % n]))
    rows["motion check, assess (track of 30-60 frames)"] = timed(
        args.runs, lambda i: motion.assess()
    )
    rows["challenge, one observe"] = timed(
        args.runs, lambda i: Challenge(ChallengeKind.NOD, 0.0).observe(landmarks[i % n], 0.1)
    )
    print(f"{source}: {n} frames, {args.runs} runs, one core (OMP_NUM_THREADS=1)")
    for name, (median, p95, cpu) in rows.items():
        print(f"{name:<48} wall median {median:5.2f} p95 {p95:5.2f}   CPU median {cpu:5.2f} ms")


if __name__ == "__main__":
    main()
