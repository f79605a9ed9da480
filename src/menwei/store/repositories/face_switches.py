"""When face recognition was switched on or off in a community, and by whom.

``communities.face_enabled`` says only what holds now; supervisors need to know since when, and
the history of switches is evidence in its own right. Rows are only ever added.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from menwei.store.tables.privacy import FaceSwitchRow


@dataclass(frozen=True, slots=True)
class FaceSwitch:
    enabled: bool
    switched_at: datetime
    switched_by: str


class FaceSwitches:
    """The switch history of communities (call inside a unit of work)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self, community_id: uuid.UUID, *, enabled: bool, at: datetime, by: str
    ) -> FaceSwitch:
        self._session.add(
            FaceSwitchRow(
                community_id=community_id, enabled=enabled, switched_at=at, switched_by=by[:160]
            )
        )
        self._session.flush()
        return FaceSwitch(enabled, at, by[:160])

    def history(self, community_id: uuid.UUID) -> list[FaceSwitch]:
        """Every switch of the community, oldest first."""
        rows = self._session.scalars(
            select(FaceSwitchRow)
            .where(FaceSwitchRow.community_id == community_id)
            .order_by(FaceSwitchRow.switched_at, FaceSwitchRow.id)
        ).all()
        return [FaceSwitch(r.enabled, r.switched_at, r.switched_by) for r in rows]

    def latest(self, community_id: uuid.UUID) -> FaceSwitch | None:
        row = self._session.scalars(
            select(FaceSwitchRow)
            .where(FaceSwitchRow.community_id == community_id)
            .order_by(FaceSwitchRow.switched_at.desc(), FaceSwitchRow.id.desc())
            .limit(1)
        ).first()
        return None if row is None else FaceSwitch(row.enabled, row.switched_at, row.switched_by)
