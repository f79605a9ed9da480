"""The records the public answers read that no other repository gives: counts and short lists.

Gate devices in service, tailgating alerts per door, the owners' votes and when they run, the
recorded incidents and the supervising accounts of a community, each as plain values.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from menwei.store.tables.accounts import AccountCommunityRow, UserAccountRow
from menwei.store.tables.devices import DeviceRow
from menwei.store.tables.events import EventRow
from menwei.store.tables.governance import ProposalRow
from menwei.store.tables.privacy import BreachIncidentRow


@dataclass(frozen=True, slots=True)
class VoteWindow:
    """When an owners' vote opens and closes."""

    proposal_id: uuid.UUID
    title: str
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    """What a recorded incident tells the public: when, how many, what, and what to do."""

    discovered_at: datetime
    people_affected: int
    information_types: str
    remedial_measures: str
    what_you_can_do: str


@dataclass(frozen=True, slots=True)
class SupervisorAccount:
    display_name: str
    login: str


class TransparencyRecords:
    """Read-only figures of one community (call inside a unit of work: ``uow.transparency``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def gate_devices_in_service(self, community_id: uuid.UUID) -> int:
        """Registered gate devices that were never revoked."""
        found = self._session.scalar(
            select(func.count())
            .select_from(DeviceRow)
            .where(DeviceRow.community_id == community_id, DeviceRow.revoked_at.is_(None))
        )
        return int(found or 0)

    def tailgating_alerts_by_door(
        self, community_id: uuid.UUID, *, since: datetime, until: datetime
    ) -> dict[uuid.UUID, int]:
        """Tailgating alerts per door between ``since`` and ``until`` (both included)."""
        rows = self._session.execute(
            select(EventRow.door_id, func.count())
            .where(
                EventRow.community_id == community_id,
                EventRow.flag == "tailgating",
                EventRow.occurred_at >= since,
                EventRow.occurred_at <= until,
            )
            .group_by(EventRow.door_id)
        ).all()
        return {door_id: int(count) for door_id, count in rows}

    def vote_windows(self, community_id: uuid.UUID) -> list[VoteWindow]:
        """Every owners' vote of the community, by opening time."""
        rows = self._session.scalars(
            select(ProposalRow)
            .where(ProposalRow.community_id == community_id)
            .order_by(ProposalRow.opens_at)
        )
        return [VoteWindow(p.id, p.title, p.opens_at, p.closes_at) for p in rows]

    def incidents(self, community_id: uuid.UUID) -> list[IncidentSummary]:
        """Recorded personal-information incidents, the latest discovered first."""
        rows = self._session.scalars(
            select(BreachIncidentRow)
            .where(BreachIncidentRow.community_id == community_id)
            .order_by(BreachIncidentRow.discovered_at.desc())
        )
        return [
            IncidentSummary(
                r.discovered_at,
                r.people_affected,
                r.information_types,
                r.remedial_measures,
                r.what_you_can_do,
            )
            for r in rows
        ]

    def supervisor_accounts(self, community_id: uuid.UUID) -> list[SupervisorAccount]:
        """The enabled supervisor accounts that oversee the community."""
        rows = self._session.execute(
            select(UserAccountRow.display_name, UserAccountRow.login)
            .join(AccountCommunityRow, AccountCommunityRow.account_id == UserAccountRow.id)
            .where(
                AccountCommunityRow.community_id == community_id,
                UserAccountRow.role == "supervisor",
                UserAccountRow.disabled.is_(False),
            )
            .distinct()
        ).all()
        return [SupervisorAccount(name or "", login) for name, login in rows]
