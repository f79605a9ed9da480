"""The liveness operating point for people never seen: per left-out subject and per approach.

    OMP_NUM_THREADS=1 .venv/bin/python bench/pad_operating_point.py [--cache FILE] [--frames 5]

Frames are ../shared/data/nuaa (live/ and spoof/, one folder per subject). Feature rows are
cached to ``--cache`` (default /tmp/menwei_pad_features.npz), so a second run costs seconds.

Nested: for each held-out subject, a model is trained on the others and its threshold chosen
from leave-one-subject-out scores over those others only, by each rule (the fewest-errors
centre of the margin, and the APCER target with its margin); the held-out frames are then
judged. Each subject's own APCER and BPCER are printed, then the pooled figures per frame and
per approach (median of ``--frames`` consecutive frames of one subject and kind).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from menwei.vision.liveness.dataset import measure_frames, nuaa_layout, read_pair
from menwei.vision.liveness.model import DEFAULT_L2, fit_logistic
from menwei.vision.liveness.operating_point import (
    APPROACH_FRAMES,
    approach_acceptance,
    choose_operating_point,
)
from menwei.vision.liveness.protocol import choose_threshold

ROOT = Path(__file__).resolve().parents[1]
NUAA = ROOT / ".." / "shared" / "data" / "nuaa"


def features(cache: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if cache.exists():
        data = np.load(cache)
        return data["features"], data["live"], data["subjects"]
    found = measure_frames(read_pair(*nuaa_layout(NUAA)))
    np.savez(cache, features=found.features, live=found.live, subjects=found.subjects)
    return found.features, found.live, found.subjects


def fit(x: np.ndarray, y: np.ndarray):
    return fit_logistic(x, y, l2=DEFAULT_L2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/menwei_pad_features.npz"))
    parser.add_argument("--frames", type=int, default=APPROACH_FRAMES)
    args = parser.parse_args()
    x, live, subjects = features(args.cache)
    scores = np.empty(len(live))
    thresholds: dict[str, dict[str, float]] = {}
    for subject in np.unique(subjects):
        out = subjects == subject
        model = fit(x[~out], live[~out])
        scores[out] = model.score(x[out])
        thresholds[str(subject)] = {
            "fewest_errors": choose_threshold(x[~out], live[~out], subjects[~out], fit),
            "apcer_target": choose_operating_point(
                x[~out], live[~out], subjects[~out], fit
            ).threshold,
        }
    rows = []
    for rule in ("fewest_errors", "apcer_target"):
        accepted = np.array([scores[i] >= thresholds[str(s)][rule] for i, s in enumerate(subjects)])
        per = {}
        for subject in np.unique(subjects):
            mine = subjects == subject
            per[str(subject)] = {
                "apcer": round(float(accepted[mine & ~live].mean()), 4),
                "bpcer": round(float((~accepted[mine & live]).mean()), 4),
            }
        # Per approach, each subject judged at its own nested threshold.
        attack_ok = live_refused = attacks = reals = 0
        for subject in np.unique(subjects):
            mine = subjects == subject
            a, b, na, nr = approach_acceptance(
                scores[mine],
                live[mine],
                subjects[mine],
                thresholds[str(subject)][rule],
                args.frames,
            )
            attack_ok += round(a * na)
            live_refused += round(b * nr)
            attacks, reals = attacks + na, reals + nr
        rows.append(
            {
                "rule": rule,
                "frame_apcer": round(float(accepted[~live].mean()), 4),
                "frame_bpcer": round(float((~accepted[live]).mean()), 4),
                "approach_frames": args.frames,
                "approach_apcer": round(attack_ok / max(attacks, 1), 4),
                "approach_bpcer": round(live_refused / max(reals, 1), 4),
                "attack_approaches": attacks,
                "live_approaches": reals,
                "per_subject": per,
            }
        )
    shipped = choose_operating_point(x, live, subjects, fit)
    print(json.dumps({"nested": rows, "all_subjects": shipped.as_json()}, indent=1))


if __name__ == "__main__":
    main()
