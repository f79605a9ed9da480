"""A site's own liveness threshold, from live frames of that site's camera.

A camera, its lens and its light move every live score; a threshold right for one room can
refuse many residents in another. Staff collect live frames (with consent, for this purpose
only) and the site threshold is set so that at most a target share of them is refused. The
threshold is never raised above the shipped one by this, and never lowered below a floor:
lowering it lets more photos through, and a site that holds attack frames of its own (prints
of staff, held to the same camera) gives them too, so the APCER it can expect is measured,
not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from menwei.vision.errors import DatasetError
from menwei.vision.liveness.protocol import apcer_at, bpcer_at, threshold_for_bpcer

TARGET_BPCER = 0.05
"""Share of the site's live frames that the site threshold may refuse."""
MIN_LIVE_FRAMES = 20
"""Fewer live frames than this cannot estimate a 5 % refusal rate at all."""
FLOOR_DROP = 2.0
"""The site threshold stays within this many log-odds units below the shipped one."""


@dataclass(frozen=True)
class SiteCalibration:
    """The threshold chosen for a site, and what the site can expect from it."""

    threshold: float
    shipped_threshold: float
    bpcer_shipped: float
    bpcer: float
    apcer: float | None
    live_frames: int
    attack_frames: int
    at_floor: bool

    def as_json(self) -> dict[str, object]:
        return {
            "threshold": round(self.threshold, 8),
            "shipped_threshold": self.shipped_threshold,
            "bpcer_at_shipped_threshold": round(self.bpcer_shipped, 6),
            "bpcer": round(self.bpcer, 6),
            "apcer": None if self.apcer is None else round(self.apcer, 6),
            "live_frames": self.live_frames,
            "attack_frames": self.attack_frames,
            "at_floor": self.at_floor,
        }


def calibrate_site(
    live_scores: np.ndarray,
    shipped_threshold: float,
    attack_scores: np.ndarray | None = None,
    *,
    target_bpcer: float = TARGET_BPCER,
) -> SiteCalibration:
    """The site threshold: the shipped one, lowered only as far as ``target_bpcer`` needs."""
    live = np.asarray(live_scores, dtype=np.float64)
    if len(live) < MIN_LIVE_FRAMES:
        raise DatasetError(
            message_id="dataset.calibration_needs_least_live",
            min_live_frames=MIN_LIVE_FRAMES,
            live_count=len(live),
        )
    floor = shipped_threshold - FLOOR_DROP
    wanted = min(shipped_threshold, threshold_for_bpcer(live, target_bpcer))
    threshold = max(wanted, floor)
    attack = None if attack_scores is None else np.asarray(attack_scores, dtype=np.float64)
    return SiteCalibration(
        threshold=threshold,
        shipped_threshold=shipped_threshold,
        bpcer_shipped=bpcer_at(live, shipped_threshold),
        bpcer=bpcer_at(live, threshold),
        apcer=None if attack is None or not len(attack) else apcer_at(attack, threshold),
        live_frames=len(live),
        attack_frames=0 if attack is None else len(attack),
        at_floor=wanted < floor,
    )


def clamp_site_threshold(threshold: float, shipped_threshold: float) -> float:
    """``threshold`` held to the site rule: never above the shipped one, never below its floor.

    A gate applies this to whatever threshold it is sent, so a wrong or tampered value on the
    server can neither switch the check off nor make it refuse everyone.
    """
    return min(shipped_threshold, max(shipped_threshold - FLOOR_DROP, float(threshold)))
