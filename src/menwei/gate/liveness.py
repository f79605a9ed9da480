"""The liveness step of the pipeline: is the face in front of the camera a live person?

The door's mode picks the checks of ``menwei.vision.liveness``: ``passive`` (the frame check:
texture, colour and glare against printed photos and screens), ``passive_temporal`` (the
frame check plus the motion of the landmarks over the track: a photo moves like a plane),
``active`` (the frame check plus a random movement asked for on the screen), or ``off``. One
combined check is kept per tracked face, fed every frame of that track, and asked for its
verdict when the door must decide. The verdict (``pass``, ``fail`` or ``not_checked``) goes
into each event, so an auditor sees whether a check was made rather than assuming one was.

A community may calibrate its own frame threshold on its camera (``menwei calibrate pad``); the
gate pulls it with its other records and uses it only for the parameters it was made for, held
to the site rule (never above the shipped threshold, never below its floor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from menwei.gate.errors import GateError
from menwei.gate.records import SiteLiveness
from menwei.vision.detect import Face
from menwei.vision.liveness import (
    FrameLiveness,
    LivenessCheck,
    LivenessMode,
    LivenessOutcome,
    LivenessReason,
    LivenessResult,
)
from menwei.vision.liveness.model import SHIPPED_SHA256
from menwei.vision.liveness.site import clamp_site_threshold

LivenessVerdict = LivenessOutcome
"""``pass`` / ``fail`` / ``not_checked``: a verdict, never a score."""

MODES = tuple(mode.value for mode in LivenessMode)

Aligner = Callable[[np.ndarray, Face], np.ndarray]


class LivenessJudge(Protocol):
    """Per-track liveness: fed every frame of a track, asked when the door decides."""

    def observe(self, track_id: int, face: Face, at: float) -> None: ...

    def check(self, track_id: int, image: np.ndarray, face: Face) -> LivenessResult: ...

    def prompt(self, track_id: int) -> tuple[str, str] | None:
        """A movement to ask of this person (zh-CN, en), in ``active`` mode."""
        ...

    def frame_margin(self) -> float | None:
        """The last ``check``'s frame score above its threshold; ``None`` where none was made."""
        ...

    def forget(self, track_id: int) -> None: ...


class NotChecked:
    """Liveness switched off (``--liveness off``): says so in every event."""

    def observe(self, track_id: int, face: Face, at: float) -> None:
        pass

    def check(self, track_id: int, image: np.ndarray, face: Face) -> LivenessResult:
        return LivenessResult(LivenessOutcome.NOT_CHECKED, LivenessReason.CHECK_OFF, "off")

    def prompt(self, track_id: int) -> tuple[str, str] | None:
        return None

    def frame_margin(self) -> float | None:
        return None

    def forget(self, track_id: int) -> None:
        pass


class _Recording:
    """The frame check as the door's combined check sees it, keeping each frame's margin."""

    def __init__(self, frame: object) -> None:
        self.frame = frame
        self.last: float | None = None

    def assess(
        self, image: np.ndarray, face: Face, aligned: np.ndarray | None = None
    ) -> LivenessResult:
        judge = getattr(self.frame, "judge", None)
        if judge is None:
            return self.frame.assess(image, face, aligned)  # type: ignore[attr-defined]
        result, self.last = judge(image, face, aligned)
        return result


class TrackLiveness:
    """One ``menwei.vision.liveness.LivenessCheck`` per tracked face, in the door's mode.

    ``aligner`` lets the frame check share the pipeline's SFace instance instead of loading
    another model. ``parameters_sha256`` names the frame check's parameters (the shipped ones
    unless told), so that a site threshold calibrated for other parameters is not applied.
    """

    def __init__(
        self,
        mode: LivenessMode | str = LivenessMode.PASSIVE,
        *,
        frame: FrameLiveness | None = None,
        aligner: Aligner | None = None,
        parameters_sha256: str = SHIPPED_SHA256,
    ) -> None:
        try:
            self.mode = LivenessMode(mode)
        except ValueError:
            raise GateError(
                f"Unknown liveness mode {mode!r}: choose one of {', '.join(MODES)}."
            ) from None
        if frame is None and self.mode is not LivenessMode.OFF:
            frame = FrameLiveness(aligner=aligner)
        self._inner = frame
        self._frame = _Recording(frame) if frame is not None else None
        # a stand-in frame check without parameters (tests) takes no site threshold
        self._base = getattr(frame, "model", None)
        self._parameters_sha256 = parameters_sha256
        self._checks: dict[int, LivenessCheck] = {}

    @property
    def threshold(self) -> float | None:
        """The frame threshold in force (``None`` with the check off)."""
        frame = self._inner
        return None if frame is None or self._base is None else frame.model.threshold

    def use_site_threshold(self, site: SiteLiveness | None) -> bool:
        """Use the community's calibrated threshold (``None``: the shipped one again).

        Returns whether the site threshold is in force: one made for other parameters is not.
        """
        if self._inner is None or self._base is None:
            return False
        base = self._base
        if site is None or site.model_sha256 != self._parameters_sha256:
            self._inner.model = base
            return False
        threshold = clamp_site_threshold(site.threshold, base.threshold)
        provenance = {**base.provenance, "site_threshold": threshold}
        self._inner.model = base.with_threshold(threshold, provenance)
        return True

    def _for(self, track_id: int, at: float) -> LivenessCheck:
        check = self._checks.get(track_id)
        if check is None:
            check = LivenessCheck(self.mode, self._frame, started_at=at)  # type: ignore[arg-type]
            self._checks[track_id] = check
        return check

    def observe(self, track_id: int, face: Face, at: float) -> None:
        self._for(track_id, at).observe(face, at)

    def check(self, track_id: int, image: np.ndarray, face: Face) -> LivenessResult:
        if self._frame is not None:
            self._frame.last = None
        return self._for(track_id, 0.0).assess(image, face)

    def frame_margin(self) -> float | None:
        return self._frame.last if self._frame is not None else None

    def prompt(self, track_id: int) -> tuple[str, str] | None:
        check = self._checks.get(track_id)
        if check is None or check.challenge is None or check.challenge.result is not None:
            return None
        return check.challenge.prompt("zh-CN"), check.challenge.prompt("en")

    def forget(self, track_id: int) -> None:
        self._checks.pop(track_id, None)


def make_liveness(mode: str, *, aligner: Aligner | None = None) -> LivenessJudge:
    """The check ``--liveness`` names."""
    if mode == LivenessMode.OFF.value:
        return NotChecked()
    return TrackLiveness(mode, aligner=aligner)
