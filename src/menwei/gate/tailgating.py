"""Counting the people who walk through while the door is open, to catch tailgating.

"If someone follows right behind me, it is as if nothing were installed." Each authorisation
(face, card, PIN or QR) opens a window. Every distinct tracked face seen for at least
``min_hits`` frames while a window is open counts as one person crossing. When the window
closes with more people than authorisations (plus an optional ``tolerance``), the watch
reports a tailgating incident (judged by ``core``'s tailgating rule), which the pipeline
turns into an event and an alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from menwei.core import InvalidConfiguration, TailgatingRule, is_tailgating


@dataclass(frozen=True)
class TailgatingIncident:
    """More people crossed than were let in. Carries counts only: never faces or names."""

    opened_at: float
    closed_at: float
    authorisations: int
    crossings: int

    @property
    def extra_people(self) -> int:
        return self.crossings - self.authorisations


@dataclass
class _Window:
    opened_at: float
    until: float
    authorisations: int = 0
    hits: dict[int, int] = field(default_factory=dict)


class TailgatingWatch:
    """One door's crossing counter. Feed it authorisations and tracked faces; poll it."""

    def __init__(self, *, window_s: float = 6.0, min_hits: int = 2, tolerance: int = 0) -> None:
        if min_hits < 1:
            raise InvalidConfiguration(message_id="invalid_configuration.tailgating_min_hits")
        self.rule = TailgatingRule(window=timedelta(seconds=window_s), tolerance=tolerance)
        self.window_s = window_s
        self.min_hits = min_hits
        self._window: _Window | None = None

    @property
    def is_open(self) -> bool:
        return self._window is not None

    def authorise(self, at: float, people: int = 1) -> TailgatingIncident | None:
        """Someone was let in: open a window, or extend the one already open.

        Returns an incident if an earlier window had already expired unreported.
        """
        incident = self.poll(at)
        if self._window is None:
            self._window = _Window(opened_at=at, until=at + self.window_s)
        self._window.authorisations += people
        self._window.until = max(self._window.until, at + self.window_s)
        return incident

    def observe(self, track_ids: list[int], at: float) -> TailgatingIncident | None:
        """Faces tracked in a frame at time ``at``; counted only while a window is open."""
        incident = self.poll(at)
        if self._window is not None:
            for track_id in track_ids:
                self._window.hits[track_id] = self._window.hits.get(track_id, 0) + 1
        return incident

    def crossings(self) -> int:
        if self._window is None:
            return 0
        return sum(1 for hits in self._window.hits.values() if hits >= self.min_hits)

    def poll(self, at: float) -> TailgatingIncident | None:
        """Close an expired window; an incident if more people crossed than were let in."""
        window = self._window
        if window is None or at < window.until:
            return None
        crossings = self.crossings()
        self._window = None
        if is_tailgating(window.authorisations, crossings, self.rule):
            return TailgatingIncident(window.opened_at, at, window.authorisations, crossings)
        return None
