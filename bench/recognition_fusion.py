"""Single frame against fused evidence, in one run: FNIR at FPIR 1 % and 0.1 % on LFW.

    OMP_NUM_THREADS=1 .venv/bin/python bench/recognition_fusion.py [--cache FILE]

People of ../shared/data/lfw with at least 4 photos: each is enrolled from 2 (the normalised
mean, ``build_template``) and probed with the rest. "Single" decides on each probe photo alone;
"fused" decides once per person on all their probe photos fused by ``fuse_track``, as a gate
decides on a track. Non-mated searches are the same probes against the gallery without their
own template (every other enrolled person); mated ones count as a miss when the own template
is not the top or scores under the threshold set at the FPIR on the non-mated top scores.
Vectors are cached to ``--cache`` (default /tmp/menwei_lfw4_vectors.npz).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from menwei.vision.batch import embed_files, vectors_by_path
from menwei.vision.identify import threshold_at_fpir
from menwei.vision.templates import build_template
from menwei.vision.track import fuse_track

ROOT = Path(__file__).resolve().parents[1]
LFW = ROOT / ".." / "shared" / "data" / "lfw" / "images"


def people(cache: Path) -> dict[str, list[np.ndarray]]:
    if cache.exists():
        data = np.load(cache)
        names, vectors = data["names"], data["vectors"]
    else:
        paths = [
            p
            for folder in sorted(LFW.iterdir())
            if len(files := sorted(folder.glob("*.jpg"))) >= 4
            for p in files
        ]
        found = vectors_by_path(embed_files(paths, workers=1))
        kept = [p for p in paths if found.get(p) is not None]
        names = np.array([p.parent.name for p in kept])
        vectors = np.stack([found[p] for p in kept])
        np.savez(cache, names=names, vectors=vectors)
    grouped: dict[str, list[np.ndarray]] = {}
    for name, vector in zip(names, vectors, strict=True):
        grouped.setdefault(str(name), []).append(vector)
    return {k: v for k, v in grouped.items() if len(v) >= 4}


def fnir(mated: np.ndarray, own_top: np.ndarray, non_mated: np.ndarray, fpir: float) -> float:
    threshold = threshold_at_fpir(non_mated, fpir)
    return float(np.mean(~own_top | (mated < threshold)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/menwei_lfw4_vectors.npz"))
    args = parser.parse_args()
    grouped = people(args.cache)
    names = sorted(grouped)
    gallery = np.stack([build_template(grouped[n][:2], min_agreement=-1.0) for n in names])
    probes = {
        "single": [(i, v) for i, n in enumerate(names) for v in grouped[n][2:]],
        "fused": [(i, fuse_track(grouped[n][2:], best=8)) for i, n in enumerate(names)],
    }
    print(f"{len(names)} people with >= 4 photos; gallery of {len(names)} templates")
    for kind, rows in probes.items():
        owners = np.array([i for i, _ in rows])
        scores = np.stack([v for _, v in rows]) @ gallery.T
        mated = scores[np.arange(len(rows)), owners]
        own_top = scores.argmax(axis=1) == owners
        others = scores.copy()
        others[np.arange(len(rows)), owners] = -np.inf
        non_mated = others.max(axis=1)
        figures = ", ".join(
            f"FNIR at FPIR {f:g} {fnir(mated, own_top, non_mated, f):.2%}" for f in (0.01, 0.001)
        )
        print(f"{kind:6s} {len(rows):5d} searches: {figures}")


if __name__ == "__main__":
    main()
