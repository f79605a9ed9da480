"""Training the single-frame model and choosing its operating point, reproducibly.

``train`` fits on every subject given, chooses the threshold from a leave-one-subject-out run
over the same subjects (``operating_point``: an APCER target with a margin, never below the
fewest-errors centre), records each left-out subject's APCER and BPCER, and reports the
nested subject-disjoint figures beside it. There is no randomness anywhere, so the same
frames give the same file, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from menwei.vision.liveness.dataset import FeatureSet
from menwei.vision.liveness.model import DEFAULT_L2, PadModel, fit_logistic
from menwei.vision.liveness.operating_point import choose_operating_point
from menwei.vision.liveness.protocol import CrossValidation, cross_validate


@dataclass(frozen=True)
class Training:
    model: PadModel
    cross_validation: CrossValidation


def train(data: FeatureSet, *, source: str, l2: float = DEFAULT_L2) -> Training:
    """Fit, choose the threshold by LOSO on the training subjects, and cross-validate (nested)."""

    def fit(features: np.ndarray, live: np.ndarray) -> PadModel:
        return fit_logistic(features, live, l2=l2)

    point = choose_operating_point(data.features, data.live, data.subjects, fit)
    threshold = point.threshold
    validation = cross_validate(data.features, data.live, data.subjects, fit)
    provenance = {
        "data": source,
        "subjects": data.subject_count,
        "live_frames": int(data.live.sum()),
        "attack_frames": int((~data.live).sum()),
        "frames_without_face": data.without_face,
        "l2": l2,
        "operating_point": point.as_json(),
        "cross_validation": {
            "protocol": "nested leave-one-subject-out",
            **validation.nested.as_json(),
        },
    }
    model = fit(data.features, data.live).with_threshold(threshold, provenance)
    return Training(model, validation)
