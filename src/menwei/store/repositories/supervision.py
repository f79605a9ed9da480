"""The figures a supervisor sees per community, counted in SQL: never a person or a record.

Everything here is a count, a flag or a date; the governance room decides what the figures
mean (:mod:`menwei.governance.supervision`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from menwei.store.repositories.face_switches import FaceSwitch, FaceSwitches
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow, DoorRow, PersonRow
from menwei.store.tables.events import EventRow
from menwei.store.tables.privacy import ConsentRow, FaceTemplateRow

#: A community registered without a time zone is read in China's.
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class SupervisedCommunity:
    """What the supervisor's view needs of a community besides its counts."""

    id: uuid.UUID
    name: str
    timezone: str
    processor_id: uuid.UUID
    face_enabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CommunityFigures:
    """A community's counts: the credential kinds each door accepts, people and alerts."""

    door_kinds: tuple[tuple[str, ...], ...]
    residents: int
    #: people with at least one face template
    enrolled: int
    #: consents withdrawn
    withdrawals: int
    #: tailgating alerts in the window asked for
    tailgating_alerts: int


class SupervisionFigures:
    """Counts per community for the supervisor (call inside a unit of work)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def communities(self, scope: CommunityScope) -> list[SupervisedCommunity]:
        """The communities in scope, by name."""
        rows = self._session.scalars(
            select(CommunityRow)
            .where(scope.clause(CommunityRow.id))
            .order_by(CommunityRow.name, CommunityRow.id)
        ).all()
        return [
            SupervisedCommunity(
                id=row.id,
                name=row.name,
                timezone=row.timezone or DEFAULT_TIMEZONE,
                processor_id=row.processor_id,
                face_enabled=bool(row.face_enabled),
                created_at=row.created_at,
            )
            for row in rows
        ]

    def figures(
        self, community_id: uuid.UUID, *, alerts_since: datetime, alerts_until: datetime
    ) -> CommunityFigures:
        """The community's counts, tailgating alerts between the two moments (both included)."""
        session = self._session
        kinds = session.scalars(
            select(DoorRow.accepted_kinds).where(DoorRow.community_id == community_id)
        ).all()
        residents = session.scalar(
            select(func.count())
            .select_from(PersonRow)
            .where(PersonRow.community_id == community_id)
        )
        enrolled = session.scalar(
            select(func.count(distinct(FaceTemplateRow.person_id))).where(
                FaceTemplateRow.community_id == community_id
            )
        )
        withdrawals = session.scalar(
            select(func.count())
            .select_from(ConsentRow)
            .where(ConsentRow.community_id == community_id, ConsentRow.withdrawn_at.is_not(None))
        )
        tailgating = session.scalar(
            select(func.count())
            .select_from(EventRow)
            .where(
                EventRow.community_id == community_id,
                EventRow.flag == "tailgating",
                EventRow.occurred_at >= alerts_since,
                EventRow.occurred_at <= alerts_until,
            )
        )
        return CommunityFigures(
            door_kinds=tuple(tuple(k or ()) for k in kinds),
            residents=int(residents or 0),
            enrolled=int(enrolled or 0),
            withdrawals=int(withdrawals or 0),
            tailgating_alerts=int(tailgating or 0),
        )

    def switch_history(self, community_id: uuid.UUID) -> list[FaceSwitch]:
        """Every face-recognition switch of the community, oldest first."""
        return FaceSwitches(self._session).history(community_id)

    def latest_switch(self, community_id: uuid.UUID) -> FaceSwitch | None:
        return FaceSwitches(self._session).latest(community_id)
