"""A community's calibrated liveness threshold: read and replace the one row it has."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from menwei.store.tables.devices import SitePadThresholdRow

CHANGE_ENTITY = "site_pad"
"""The change-log entity a new site threshold is noted under, so gates pull it."""


@dataclass(frozen=True, slots=True)
class SitePadThreshold:
    community_id: uuid.UUID
    threshold: float
    model_sha256: str
    live_frames: int
    bpcer: float
    set_at: datetime


def site_pad_threshold(session: Session, community_id: uuid.UUID) -> SitePadThreshold | None:
    row = session.get(SitePadThresholdRow, community_id)
    if row is None:
        return None
    return SitePadThreshold(
        row.community_id, row.threshold, row.model_sha256, row.live_frames, row.bpcer, row.set_at
    )


def save_site_pad_threshold(session: Session, value: SitePadThreshold) -> None:
    row = session.get(SitePadThresholdRow, value.community_id)
    if row is None:
        row = SitePadThresholdRow(community_id=value.community_id)
        session.add(row)
    row.threshold = value.threshold
    row.model_sha256 = value.model_sha256
    row.live_frames = value.live_frames
    row.bpcer = value.bpcer
    row.set_at = value.set_at
    session.flush()


class SitePadThresholds:
    """Communities' calibrated liveness thresholds on one session (``uow.site_pad``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, community_id: uuid.UUID) -> SitePadThreshold | None:
        return site_pad_threshold(self._session, community_id)

    def save(self, value: SitePadThreshold) -> None:
        save_site_pad_threshold(self._session, value)
