"""The motion (flatness) check on NUAA sequences: verdicts per window of consecutive frames.

    .venv/bin/python bench/pad_motion_nuaa.py [--window 10]

NUAA file names (``ID_glasses_position_session_number``) give each sequence and its frame
order. Every sequence is cut into windows of ``--window`` frames; each window is one tracked
approach for the check. Printed are the verdicts per class, and the 10th/50th/90th percentiles
of the two measures the check uses (nose parallax and whole-face movement, in eye distances).
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

import cv2
import numpy as np

from menwei.vision.detect import FaceDetector
from menwei.vision.liveness.dataset import read_pair, sequence_key
from menwei.vision.liveness.motion import MotionLiveness

NUAA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "nuaa"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--data", type=Path, default=NUAA)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    detector = FaceDetector()
    sequences: dict[tuple[bool, str], list[tuple[int, np.ndarray]]] = defaultdict(list)
    for frame in read_pair(args.data / "live", args.data / "spoof"):
        faces = detector.detect(cv2.imread(str(frame.path)))
        if faces:
            name, number = sequence_key(frame.path)
            sequences[(frame.live, name)].append((number, faces[0].landmarks))
    verdicts: dict[bool, Counter[str]] = defaultdict(Counter)
    measures: dict[bool, list[tuple[float, float]]] = defaultdict(list)
    for (live, _), frames in sorted(sequences.items()):
        frames.sort(key=lambda item: item[0])
        for start in range(0, len(frames) - args.window + 1, args.window):
            check = MotionLiveness()
            for _, points in frames[start : start + args.window]:
                check.observe(points)
            verdicts[live][check.assess().outcome.value] += 1
            measures[live].append(check.measures())
    for live in (True, False):
        label = "live " if live else "photo"
        total = sum(verdicts[live].values())
        shares = ", ".join(
            f"{name} {verdicts[live][name] / total:.1%}" for name in ("pass", "fail", "not_checked")
        )
        depth, movement = np.array(measures[live]).T
        print(f"{label} windows {total:3d}: {shares}")
        print(
            f"      parallax p10/50/90 {np.round(np.quantile(depth, [0.1, 0.5, 0.9]), 3)}"
            f"  movement p10/50/90 {np.round(np.quantile(movement, [0.1, 0.5, 0.9]), 2)}"
        )


if __name__ == "__main__":
    main()
