"""Moving out ends access: one place that decides what a move-out takes away, and when.

When a person's last home ends, on the day they move out their cards, PINs and face credentials
are revoked, their access-group memberships end, and every visitor pass they issued is revoked.
Each of these is a change the gates pull at their next sync. Face data itself is left to the
retention rule (erased ``moved_out_days`` after), which already reads move-outs. A person without
a current home may not issue a visitor pass (403 ``no_current_home``), and a resident's pass may
not exceed the community's limits (422 ``pass_beyond_limits``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from menwei.core import HouseholdMembership
from menwei.server.domain.errors import Forbidden, InvalidRequest
from menwei.store.ports import UnitOfWorkPort
from menwei.store.repositories.changes import UPSERT
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

#: Move-out days are local dates; access ends at the start of that day in China.
_LOCAL = ZoneInfo("Asia/Shanghai")

#: Credential kinds of the person's own that a move-out revokes.
_OWN_KINDS = ("card", "pin", "face")


class NoCurrentHome(Forbidden):
    code = "no_current_home"

    def __init__(self) -> None:
        super().__init__()


class PassBeyondLimits(InvalidRequest):
    code = "pass_beyond_limits"


@dataclass(frozen=True, slots=True)
class AccessEnded:
    """What a move-out took away (for the caller and the tests)."""

    credentials: int
    passes: int
    group_memberships: int


def has_current_home(memberships: list[HouseholdMembership], day: date) -> bool:
    """Whether any membership is current on ``day`` or starts later (a move within the
    community is a move-out and a move-in)."""
    return any(m.is_current(day) or m.moved_in > day for m in memberships)


def end_access(
    uow: UnitOfWork, person_id: uuid.UUID, community_id: uuid.UUID, day: date, now: datetime
) -> AccessEnded:
    """Revoke what the person holds and issued from the start of ``day`` (call inside a uow).

    Each revoked credential and the person are written to the change log, so gates learn it.
    """
    at = max(datetime.combine(day, time(0), tzinfo=_LOCAL), now)
    own = uow.credentials.live_of_person(person_id, _OWN_KINDS, at)
    issued = uow.credentials.live_passes_issued_by(person_id, community_id, at)
    scope = CommunityScope.of([community_id])
    for credential_id in [*own, *issued]:
        uow.credentials.revoke(credential_id, at, scope)
    ended = uow.people.end_group_memberships(person_id, at)
    uow.changes.record(community_id, "person", person_id, UPSERT)
    return AccessEnded(len(own), len(issued), ended)


def require_may_issue_pass(
    uow: UnitOfWorkPort,
    host_id: uuid.UUID,
    community_id: uuid.UUID,
    scope: CommunityScope,
    *,
    valid_from: datetime,
    valid_until: datetime,
    max_uses: int,
    today: date,
) -> None:
    """A resident's pass: they must live here, and it must stay within the community's limits."""
    if not has_current_home(uow.people.memberships_of(host_id, scope), today):
        raise NoCurrentHome()
    settings = uow.privacy.settings.get(community_id)
    too_long = (valid_until - valid_from).total_seconds() > settings.pass_max_days * 86400
    if too_long or max_uses > settings.pass_max_uses:
        days, uses = settings.pass_max_days, settings.pass_max_uses
        raise PassBeyondLimits(
            details={"max_days": days, "max_uses": uses},
            days=days,
            uses=uses,
        )
