"""Recall and match at distance: faces of different sizes in a 640×480 frame, 320 vs 640 px.

    OMP_NUM_THREADS=1 .venv/bin/python bench/detect_distance.py [--people 60]

LFW people with two photos or more (../shared/data/lfw): each is enrolled from their first
photo as it is; their second photo is pasted, scaled, at a random place into a 640×480 frame
(a textured background, so the detector has something else to look at), once per scale. The
gate's detector is run with ``max_side`` 640 (a 320-px coarse pass, then each face again on a
native-size crop), 320 (one pass on the half-size frame) and "320+" (the coarse pass, and the
native-size crop only for faces whose eyes are under ``--refine-under-eye`` pixels apart).
For each scale: the share of pasted faces found (a detection whose centre lies in the pasted
face box), the median eye distance, the share of found faces whose score against their own
template reaches the shipped confident threshold, and the median of those scores.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2
import numpy as np

from menwei.vision.detect import FaceDetector
from menwei.vision.embed import Embedder
from menwei.vision.thresholds import default_thresholds

LFW = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lfw" / "images"
SCALES = (0.45, 0.6, 0.8, 1.0, 1.4, 1.8)


def paste(photo: np.ndarray, scale: float, rng: np.random.Generator) -> tuple[np.ndarray, tuple]:
    frame = rng.integers(60, 200, size=(480, 640, 3), dtype=np.uint8)
    frame = cv2.GaussianBlur(frame, (0, 0), 3)
    small = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    y, x = int(rng.integers(0, 480 - h + 1)), int(rng.integers(0, 640 - w + 1))
    frame[y : y + h, x : x + w] = small
    # LFW faces sit in the middle ~40 % of the photo
    return frame, (x + 0.3 * w, y + 0.3 * h, x + 0.7 * w, y + 0.7 * h)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--refine-under-eye", type=float, default=48.0)
    args = parser.parse_args()
    if not LFW.is_dir():
        raise SystemExit(f"{LFW} is absent: this benchmark needs ../shared/data/lfw")
    cv2.setNumThreads(1)
    confident = default_thresholds().confident
    embedder = Embedder()
    detectors = {
        "640": FaceDetector(max_side=640),
        "320": FaceDetector(max_side=320),
        "320+": FaceDetector(max_side=640, refine_under_eye=args.refine_under_eye),
    }
    folders = [f for f in sorted(LFW.iterdir()) if len(list(f.glob("*.jpg"))) >= 2]
    rng = np.random.default_rng(0)
    step = max(1, len(folders) // args.people)
    found: dict[tuple[str, float], list[bool]] = {}
    matched: dict[tuple[str, float], list[bool]] = {}
    eyes: dict[tuple[str, float], list[float]] = {}
    scores: dict[tuple[str, float], list[float]] = {}
    people = 0
    for folder in folders[::step][: args.people]:
        first, second = sorted(folder.glob("*.jpg"))[:2]
        enrol = cv2.imread(str(first))
        faces = detectors["640"].detect(enrol)
        if not faces:
            continue
        people += 1
        template = embedder.embed_face(enrol, faces[0])
        photo = cv2.imread(str(second))
        for scale in SCALES:
            frame, (x0, y0, x1, y1) = paste(photo, scale, rng)
            for side, detector in detectors.items():
                key = (side, scale)
                hits = [
                    f
                    for f in detector.detect(frame)
                    if x0 <= f.centre[0] <= x1 and y0 <= f.centre[1] <= y1
                ]
                found.setdefault(key, []).append(bool(hits))
                if hits:
                    eyes.setdefault(key, []).append(hits[0].eye_distance)
                    score = float(embedder.embed_face(frame, hits[0]) @ template)
                    matched.setdefault(key, []).append(score >= confident)
                    scores.setdefault(key, []).append(score)
    print(f"{people} LFW people; confident threshold {confident}")
    names = list(detectors)
    print(
        "| scale | eyes px | found "
        + " / ".join(names)
        + " | match "
        + " / ".join(names)
        + " | median score "
        + " / ".join(names)
        + " |"
    )
    print("|---|---|---|---|---|")
    for scale in SCALES:
        keys = [(name, scale) for name in names]
        row = [
            " / ".join(f"{np.mean(found[k]):.0%}" for k in keys),
            " / ".join(f"{np.mean(matched.get(k, [0])):.0%}" for k in keys),
            " / ".join(f"{np.median(scores.get(k, [np.nan])):.3f}" for k in keys),
        ]
        eye = np.median(eyes.get(keys[0], [np.nan]))
        print(f"| {scale} | {eye:.0f} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
