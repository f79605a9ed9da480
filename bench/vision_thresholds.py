"""Calibrate the shipped match thresholds from LFW and NUAA ``live/`` impostor scores.

    nice -n 10 .venv/bin/python bench/vision_thresholds.py [--write]

Every image of both sets is embedded exactly as the gate does it (``FaceDetector``'s two-step
search, SFace, no flip; LFW's 250-px photos get one native-size pass). Impostor scores are
*all* pairs of images of different people: about 29.6 million on LFW and 277,000 on NUAA.
Genuine scores are all pairs of images of the same person.

The rule, for a gallery of ``GALLERY`` people (a stranger is compared with every template, so the
chance that some template reaches a threshold is about GALLERY × the per-comparison FAR):
- ``confident`` (the face alone opens): per-comparison FAR ≤ 1e-6 on LFW (about 30 of its 29.6
  million impostor pairs; lower targets are ruled by LFW's known labelling errors, the same
  person filed under two names, which score up to 0.95) and above the highest NUAA impostor
  score by ``MARGIN``, because East Asian faces under one webcam score higher against each
  other than LFW's mix does.
- ``possible`` (ask for PIN or card; never opens by itself): per-comparison FAR ≤ 1e-5 on LFW
  and never below the highest NUAA impostor score.
With ``--write`` the result replaces ``src/menwei/vision/thresholds.json``.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from menwei.vision import calibrate, identify
from menwei.vision.batch import EmbedOptions, embed_files
from menwei.vision.models import RECOGNIZER

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data"
TARGET = ROOT / "src" / "menwei" / "vision" / "thresholds.json"
GALLERY = 10_000
MARGIN = 0.05
CONFIDENT_FAR = 1e-6
POSSIBLE_FAR = 1e-5


def all_pairs(vectors: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(genuine, impostor) scores over every unordered pair, computed block by block."""
    genuine, impostor = [], []
    for start in range(0, len(vectors), 1024):
        block = vectors[start : start + 1024] @ vectors.T
        rows = np.arange(start, min(start + 1024, len(vectors)))
        upper = np.arange(len(vectors))[None, :] > rows[:, None]
        same = owners[rows][:, None] == owners[None, :]
        genuine.append(block[upper & same])
        impostor.append(block[upper & ~same])
    return np.concatenate(genuine), np.concatenate(impostor)


def embed_folder(root: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """Vectors and owner names of every usable image under ``root``, and how many failed."""
    identities = identify.read_identities(root)
    paths = [path for files in identities.values() for path in files]
    results = embed_files(paths, EmbedOptions())
    usable = [r for r in results if r.vector is not None]
    vectors = np.stack([r.vector for r in usable])
    owners = np.array([r.path.parent.name for r in usable])
    return vectors, owners, len(results) - len(usable)


def summary(genuine: np.ndarray, impostor: np.ndarray, failed: int) -> dict[str, object]:
    return {
        "images_without_face": failed,
        "genuine_pairs": int(genuine.size),
        "impostor_pairs": int(impostor.size),
        "genuine_quantiles": {
            f"p{q * 100:g}": round(float(np.quantile(genuine, q)), 4)
            for q in (0.001, 0.01, 0.05, 0.5)
        },
        "impostor_quantiles": {
            f"p{q * 100:g}": round(float(np.quantile(impostor, q)), 4)
            for q in (0.5, 0.99, 0.999, 0.9999, 0.99999)
        },
        "impostor_max": round(float(impostor.max()), 4),
    }


def choose(
    lfw: tuple[np.ndarray, np.ndarray], nuaa: tuple[np.ndarray, np.ndarray]
) -> dict[str, object]:
    """The thresholds document from the two sets' genuine and impostor scores."""
    nuaa_max = float(nuaa[1].max())
    lfw_max = float(lfw[1].max())
    confident = max(calibrate.threshold_for_far(lfw[1], CONFIDENT_FAR), nuaa_max + MARGIN)
    possible = max(calibrate.threshold_for_far(lfw[1], POSSIBLE_FAR), nuaa_max)
    confident, possible = round(confident + 0.005, 2), round(possible + 0.005, 2)
    costs = {
        name: {
            "frr_confident": round(calibrate.frr_at(scores[0], confident), 4),
            "frr_possible": round(calibrate.frr_at(scores[0], possible), 4),
            "far_confident": calibrate.far_at(scores[1], confident),
            "far_possible": calibrate.far_at(scores[1], possible),
        }
        for name, scores in (("lfw", lfw), ("nuaa_live", nuaa))
    }
    return {
        "recognizer_sha256": RECOGNIZER.sha256,
        "gallery_size": GALLERY,
        "confident": confident,
        "possible": possible,
        "provenance": {
            "command": "nice -n 10 .venv/bin/python bench/vision_thresholds.py --write",
            "date": datetime.now(UTC).date().isoformat(),
            "embedding": (
                "YuNet 2023mar (frames over 320 px: a 320-px coarse pass, then each face again "
                "on a native-size crop; smaller frames: one native pass; score >= 0.6, face "
                "nearest the centre) + SFace 2021dec, no flip"
            ),
            "rule": (
                f"confident: LFW all-pairs FAR <= {CONFIDENT_FAR:g} and NUAA live impostor max "
                f"+ {MARGIN}; possible: LFW all-pairs FAR <= {POSSIBLE_FAR:g} and >= NUAA live "
                "impostor max; both rounded up to 0.01"
            ),
            "highest_impostor_score": {"lfw": round(lfw_max, 4), "nuaa_live": round(nuaa_max, 4)},
            "costs": costs,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"replace {TARGET.name}")
    args = parser.parse_args()
    sets, summaries = {}, {}
    for name, root in (("lfw", DATA / "lfw"), ("nuaa_live", DATA / "nuaa" / "live")):
        vectors, owners, failed = embed_folder(root)
        genuine, impostor = all_pairs(vectors, owners)
        sets[name] = (genuine, impostor)
        summaries[name] = summary(genuine, impostor, failed)
        print(name, json.dumps(summaries[name]), flush=True)
    document = choose(sets["lfw"], sets["nuaa_live"])
    document["provenance"]["scores"] = summaries
    print(json.dumps(document, indent=2, ensure_ascii=False))
    if args.write:
        TARGET.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
