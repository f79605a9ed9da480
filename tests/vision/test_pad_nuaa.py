"""Presentation-attack detection on NUAA (printed photos); runs only where ``../shared/data`` is.

Every frame goes through the real path: decode, YuNet, SFace alignment, features. The figures
held here are the ones BENCHMARKS.md reports: subject-disjoint (nested leave-one-subject-out)
APCER and BPCER both at most 5 %, a held-out person's printed photos refused end to end, and
no photo window passing the motion check. About a minute of CPU.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from menwei.vision.detect import FaceDetector
from menwei.vision.embed import Embedder
from menwei.vision.image import decode_image
from menwei.vision.liveness import FrameLiveness, LivenessOutcome, load_model
from menwei.vision.liveness.dataset import read_pair, sequence_key
from menwei.vision.liveness.model import fit_logistic
from menwei.vision.liveness.motion import assess_track
from menwei.vision.liveness.protocol import choose_threshold, cross_validate

from .conftest import SHARED_DATA

pytestmark = pytest.mark.eval

NUAA = SHARED_DATA / "nuaa"
HELD_OUT = "0001"


@dataclass
class Measured:
    features: np.ndarray
    live: np.ndarray
    subjects: np.ndarray
    paths: list[Path]
    landmarks: list[np.ndarray]


@pytest.fixture(scope="module")
def nuaa() -> Measured:
    if not (NUAA / "live").is_dir():
        pytest.skip(f"NUAA is not present at {NUAA} (see ../shared/data/README.md)")
    detector, embedder = FaceDetector(), Embedder()
    check = FrameLiveness(load_model(), aligner=embedder.align)
    rows, live, subjects, paths, landmarks = [], [], [], [], []
    for frame in read_pair(NUAA / "live", NUAA / "spoof"):
        image = decode_image(frame.path.read_bytes())
        faces = detector.detect(image)
        if not faces:
            continue
        rows.append(check.features(image, faces[0]))
        live.append(frame.live)
        subjects.append(frame.subject)
        paths.append(frame.path)
        landmarks.append(faces[0].landmarks)
    return Measured(np.vstack(rows), np.array(live), np.array(subjects), paths, landmarks)


def test_every_nuaa_frame_has_a_face(nuaa: Measured) -> None:
    assert len(nuaa.live) == 1600


def test_subject_disjoint_cross_validation_meets_the_bar(nuaa: Measured) -> None:
    result = cross_validate(nuaa.features, nuaa.live, nuaa.subjects).nested
    assert result.apcer <= 0.05, result.as_json()
    assert result.bpcer <= 0.05, result.as_json()
    assert result.apcer_at_bpcer_5e2 <= 0.05, result.as_json()


def test_a_held_out_persons_printed_photos_are_refused_end_to_end(nuaa: Measured) -> None:
    """Train without one subject, then replay that person's frames through the public check."""
    others = nuaa.subjects != HELD_OUT
    x, y, s = nuaa.features[others], nuaa.live[others], nuaa.subjects[others]
    model = fit_logistic(x, y).with_threshold(choose_threshold(x, y, s), {})
    detector, check = FaceDetector(), FrameLiveness(model)
    verdicts: dict[bool, list[LivenessOutcome]] = defaultdict(list)
    for index in np.flatnonzero(~others)[::3]:
        image = decode_image(nuaa.paths[index].read_bytes())
        verdicts[bool(nuaa.live[index])].append(
            check.assess(image, detector.detect_one(image)).outcome
        )
    attacks, people = verdicts[False], verdicts[True]
    assert np.mean([v is LivenessOutcome.PASS for v in attacks]) <= 0.05
    assert np.mean([v is LivenessOutcome.PASS for v in people]) >= 0.95


def test_the_shipped_parameters_refuse_the_nuaa_photos_they_were_trained_on(
    nuaa: Measured,
) -> None:
    model = load_model()
    accepted = model.score(nuaa.features) >= model.threshold
    assert accepted[~nuaa.live].mean() <= 0.01
    assert accepted[nuaa.live].mean() >= 0.99


def test_no_window_of_a_carried_photo_passes_the_motion_check(nuaa: Measured) -> None:
    sequences: dict[tuple[bool, str], list[tuple[int, np.ndarray]]] = defaultdict(list)
    for path, live, points in zip(nuaa.paths, nuaa.live, nuaa.landmarks, strict=True):
        name, number = sequence_key(path)
        sequences[(bool(live), name)].append((number, points))
    outcomes: dict[bool, list[LivenessOutcome]] = defaultdict(list)
    for (live, _), frames in sequences.items():
        frames.sort(key=lambda item: item[0])
        for start in range(0, len(frames) - 9, 10):
            window = [points for _, points in frames[start : start + 10]]
            outcomes[live].append(assess_track(window).outcome)
    photo, person = outcomes[False], outcomes[True]
    assert len(photo) > 50 and len(person) > 50
    assert not any(v is LivenessOutcome.PASS for v in photo)
    assert np.mean([v is LivenessOutcome.FAIL for v in photo]) >= 0.8
    assert np.mean([v is LivenessOutcome.FAIL for v in person]) <= 0.05


def test_the_apcer_targeted_point_holds_for_each_left_out_subject(nuaa: Measured) -> None:
    from menwei.vision.liveness.operating_point import approach_acceptance, choose_operating_point

    x, y, s = nuaa.features, nuaa.live, nuaa.subjects
    for subject in np.unique(s):
        out = s == subject
        point = choose_operating_point(x[~out], y[~out], s[~out])
        scores = fit_logistic(x[~out], y[~out]).score(x[out])
        assert np.mean(scores[~y[out]] >= point.threshold) <= 0.05, subject
        assert np.mean(scores[y[out]] < point.threshold) <= 0.05, subject
        apcer, _, attacks, _ = approach_acceptance(scores, y[out], s[out], point.threshold)
        assert attacks > 0 and apcer == 0.0, subject
