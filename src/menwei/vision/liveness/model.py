"""The single-frame presentation-attack model: a logistic regression on ``frame_features``.

The parameters are a small JSON file shipped with the package. Its sha256 is pinned in this
module and checked at load, so a file changed on a device (to let photos through, say) fails
loudly instead of quietly lowering the bar. Training is plain NumPy (Newton's method on an
L2-regularised, class-balanced log-loss): exact, deterministic and free of any dependency that
the gate does not already have.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from menwei.vision.liveness.errors import PadParametersError
from menwei.vision.liveness.features import FEATURE_COUNT, FEATURE_VERSION

PARAMETERS_FORMAT = "menwei-pad-frame"
SHIPPED_NAME = "pad_frame_v1.json"
SHIPPED_SHA256 = "4f3e2fb76e2e372e0ab7a5a9871ce3dca98423f588691c17acd99a51b0d6bfbf"
"""sha256 of the shipped parameters; ``menwei train pad`` prints the value for a new file."""

DEFAULT_L2 = 100.0
"""Fixed in advance, not searched: on NUAA 1, 10 and 100 gave the same cross-validated errors,
and the strongest converges fastest and leans least on any one feature."""
_NEWTON_STEPS = 50
_SIGNIFICANT = 8


@dataclass(frozen=True)
class PadModel:
    """Standardise, weigh, add the bias: a log-odds that the face is live, and its threshold.

    ``threshold`` is the operating point chosen by subject-disjoint cross-validation; the score
    itself stays inside the face engine, and only pass or fail leaves it.
    """

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    version: int = 1
    feature_version: str = FEATURE_VERSION
    provenance: dict[str, Any] = field(default_factory=dict)

    def score(self, features: np.ndarray) -> np.ndarray | float:
        """Log-odds of a live face for one vector, or one per row of a matrix."""
        values = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        scores = values @ self.weights + self.bias
        return float(scores) if np.ndim(scores) == 0 else scores

    def is_live(self, features: np.ndarray) -> bool:
        return bool(self.score(features) >= self.threshold)

    def with_threshold(self, threshold: float, provenance: dict[str, Any]) -> PadModel:
        return PadModel(
            self.mean,
            self.scale,
            self.weights,
            self.bias,
            _round(threshold),
            self.version,
            self.feature_version,
            provenance,
        )

    def to_json(self) -> str:
        """A canonical text form: same model, same bytes, same sha256 on every machine."""
        document = {
            "format": PARAMETERS_FORMAT,
            "version": self.version,
            "feature_version": self.feature_version,
            "feature_count": len(self.weights),
            "mean": [_round(v) for v in self.mean],
            "scale": [_round(v) for v in self.scale],
            "weights": [_round(v) for v in self.weights],
            "bias": _round(self.bias),
            "threshold": _round(self.threshold),
            "provenance": self.provenance,
        }
        return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> PadModel:
        try:
            document = json.loads(text)
            if document.get("format") != PARAMETERS_FORMAT:
                raise ValueError("not a presentation-attack parameter file")
            model = cls(
                mean=np.asarray(document["mean"], dtype=np.float64),
                scale=np.asarray(document["scale"], dtype=np.float64),
                weights=np.asarray(document["weights"], dtype=np.float64),
                bias=float(document["bias"]),
                threshold=float(document["threshold"]),
                version=int(document["version"]),
                feature_version=str(document["feature_version"]),
                provenance=dict(document.get("provenance", {})),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise PadParametersError(
                message_id="pad_parameters.presentation_attack_parameters_cannot",
                error=error,
            ) from None
        if model.feature_version != FEATURE_VERSION or not (
            len(model.mean) == len(model.scale) == len(model.weights) == FEATURE_COUNT
        ):
            raise PadParametersError(
                message_id="pad_parameters.presentation_attack_parameters_made",
                model_feature_version=model.feature_version,
                model_weights_count=len(model.weights),
                feature_version=FEATURE_VERSION,
                feature_count=FEATURE_COUNT,
            )
        if not np.all(np.isfinite(model.weights)) or not np.all(model.scale > 0):
            raise PadParametersError(
                message_id="pad_parameters.presentation_attack_parameters_contain",
            )
        return model


def _round(value: float) -> float:
    return float(f"{float(value):.{_SIGNIFICANT}g}")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_model(path: Path | None = None, *, sha256: str | None = None) -> PadModel:
    """The shipped parameters (checked against ``SHIPPED_SHA256``), or those at ``path``.

    A file of one's own is checked against ``sha256`` when given; without it the caller vouches
    for the file (``menwei eval pad --model`` on parameters just trained).
    """
    if path is None:
        try:
            raw = resources.files("menwei.vision").joinpath("data", SHIPPED_NAME).read_bytes()
        except OSError:
            raise PadParametersError(
                message_id="pad_parameters.presentation_attack_parameters_missing",
                shipped_name=SHIPPED_NAME,
            ) from None
        expected: str | None = SHIPPED_SHA256
        where = SHIPPED_NAME
    else:
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            raise PadParametersError(
                message_id="pad_parameters.cannot_read_presentation_attack",
                path=path,
                error_strerror=error.strerror,
            ) from None
        expected = sha256
        where = str(path)
    actual = hashlib.sha256(raw).hexdigest()
    if expected is not None and actual != expected.lower():
        raise PadParametersError(
            message_id="pad_parameters.presentation_attack_parameters_been",
            where=where,
            actual=actual,
            expected=expected,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PadParametersError(
            message_id="pad_parameters.presentation_attack_parameters_text",
            where=where,
        ) from None
    return PadModel.from_json(text)


def fit_logistic(features: np.ndarray, live: np.ndarray, *, l2: float = DEFAULT_L2) -> PadModel:
    """Fit the model to rows of ``features`` labelled ``live`` (True) or attack (False).

    Classes are weighted to equal total mass, so a data set with more attacks than live frames
    does not tilt the boundary. The threshold is left at 0 (even odds) until cross-validation
    chooses the operating point.
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(live, dtype=np.float64)
    if x.ndim != 2 or len(x) != len(y) or len(x) == 0:
        raise PadParametersError(message_id="pad_parameters.training_needs_one_feature")
    if y.min() == y.max():
        raise PadParametersError(message_id="pad_parameters.training_needs_both_live")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    live_share = y.mean()
    weight = np.where(y > 0.5, 0.5 / live_share, 0.5 / (1.0 - live_share))
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    theta = np.zeros(z.shape[1])
    for _ in range(_NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ theta, -30, 30)))
        gradient = z.T @ (weight * (p - y)) + penalty * theta
        hessian = (z * (weight * p * (1.0 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return PadModel(
        mean=np.asarray([_round(v) for v in mean]),
        scale=np.asarray([_round(v) for v in scale]),
        weights=np.asarray([_round(v) for v in theta[:-1]]),
        bias=_round(theta[-1]),
        threshold=0.0,
    )
