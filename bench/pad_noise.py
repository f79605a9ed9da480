"""How the shipped frame check answers sensor noise, and faces from another kind of camera.

    OMP_NUM_THREADS=1 .venv/bin/python bench/pad_noise.py

Every 4th NUAA frame of each kind (200 photo, 200 live) is judged as it is and with Gaussian
noise of standard deviation 2 and 4 grey levels added (seeded), as a noisier camera or a dimmer
room would add it; then every 25th LFW image (sorted by path, the first 300). Prints the share
that passes (NUAA) or is refused (LFW) at the shipped threshold. Verdicts only, no images kept.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2
import numpy as np

from menwei.vision.detect import FaceDetector
from menwei.vision.liveness import FrameLiveness

ROOT = Path(__file__).resolve().parents[1]
NUAA = ROOT / ".." / "shared" / "data" / "nuaa"
LFW = ROOT / ".." / "shared" / "data" / "lfw" / "images"
SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


def main() -> None:
    cv2.setNumThreads(1)
    detector, check = FaceDetector(), FrameLiveness()
    threshold = check.model.threshold

    def score(image: np.ndarray) -> float | None:
        faces = detector.detect(image)
        if not faces:
            return None
        face = max(faces, key=lambda f: f.eye_distance)
        return float(check.model.score(check.features(image, face)))

    for kind in ("spoof", "live"):
        files = sorted(p for p in (NUAA / kind).rglob("*") if p.suffix.lower() in SUFFIXES)
        for sigma in (0, 2, 4):
            rng = np.random.default_rng(0)
            passed = judged = 0
            for path in files[::4]:
                image = cv2.imread(str(path))
                if sigma:
                    noisy = image + rng.normal(0, sigma, image.shape)
                    image = noisy.clip(0, 255).astype(np.uint8)
                value = score(image)
                if value is None:
                    continue
                judged += 1
                passed += value >= threshold
            print(f"NUAA {kind:5} noise sigma {sigma}: {passed}/{judged} pass", flush=True)
    refused = judged = 0
    for path in sorted(LFW.rglob("*.jpg"))[::25][:300]:
        value = score(cv2.imread(str(path)))
        if value is None:
            continue
        judged += 1
        refused += value < threshold
    print(f"LFW every 25th: {refused}/{judged} refused (threshold {threshold})")


if __name__ == "__main__":
    main()
