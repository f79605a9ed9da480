"""The nine questions residents ask about face recognition at the gate, answered from records.

The public page, each door's poster and anything else that answers a resident read the same
figures from here, so they cannot disagree with one another or with the records: whether face
recognition is on and who decided it, the impact assessment, tailgating at each door, what is
stored and what happens after a breach, who runs the system, the filing, who is responsible,
who supervises, and what to use instead at each door. Nothing here names a person other than
the accountable ones (processor, responsible person, supervising bodies).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from menwei.core import Door
from menwei.core.credential import CredentialKind
from menwei.core.tailgating import HOLD_SECONDS, TailgatingRule
from menwei.privacy.compliance import FILING_THRESHOLD, filing_status
from menwei.server.services.compliance import displayed_notice
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow
from menwei.store.tables.accounts import AccountCommunityRow, UserAccountRow
from menwei.store.tables.devices import DeviceRow
from menwei.store.tables.events import EventRow
from menwei.store.tables.governance import ProposalRow
from menwei.store.tables.privacy import BreachIncidentRow
from menwei.store.uow import UnitOfWork

#: The national citizens' service hotline: it takes complaints about any local body.
CITIZEN_HOTLINE = "12345"
#: The body that files face processors and takes complaints under PIPL Art 60 and 65
#: (省级网信部门); a code, worded by the page in the reader's language.
FILING_AUTHORITY = "provincial_cyberspace_office"
#: How far back the tailgating count looks ("last month").
ALERT_WINDOW = timedelta(days=30)
#: The order non-face ways are listed on the page and the poster.
NON_FACE_ORDER = (CredentialKind.CARD, CredentialKind.PIN, CredentialKind.QR)


def local(at: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time as people read it in the community's own time zone."""
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(timezone)).strftime(fmt)


def answers(uow: UnitOfWork, community_id: uuid.UUID, *, at: datetime) -> dict[str, Any]:
    """All nine answers for one community at ``at``; unknown community → ``NotFound``."""
    everyone = CommunityScope.all()
    with uow:
        community = uow.places.community(community_id, everyone)
        processor = uow.places.processor(community.processor_id)
        filed = uow.places.filing(processor.id)
        row = uow.session.get(CommunityRow, community_id)
        tz = (row.timezone if row is not None else "") or "Asia/Shanghai"
        store = PrivacyStore(uow.session)
        settings = store.settings.get(community_id)
        notice = store.notices.current(community_id)
        doors = uow.places.doors(CommunityScope.of([community_id]), community_id=community_id)
        consent = _consent(uow, community_id, at, tz, settings.display_days)
        consent["face_enabled"] = bool(row is not None and row.face_enabled)
        consent["vote_required"] = settings.vote_required
        assessment = store.compliance.latest_assessment(community_id)
        tailgating = _tailgating(uow, community_id, doors, at)
        people = store.templates.people_with_face_data(processor.id)
        incidents = _incidents(uow, community_id, tz)
        devices = uow.session.scalar(
            select(func.count())
            .select_from(DeviceRow)
            .where(DeviceRow.community_id == community_id, DeviceRow.revoked_at.is_(None))
        )
        supervisors = _supervisors(uow, community_id)
    filing = filing_status(people)
    content = notice.content if notice is not None else None
    return {
        "community": {"id": str(community_id), "name": community.name, "timezone": tz},
        "consent": consent,
        "necessity": None
        if assessment is None
        else {
            "assessed_on": local(assessment.assessed_at, tz, "%Y-%m-%d"),
            "assessor": assessment.assessor,
            "purpose_and_method": assessment.purpose_and_method,
            "impact_and_risks": assessment.impact_and_risks,
            "safeguards": assessment.safeguards,
            "alternatives_offered": assessment.alternatives_offered,
            "conclusion": assessment.conclusion,
        },
        "tailgating": tailgating,
        "data": {
            "photos_kept": False,
            "templates_encrypted": True,
            "per_person_keys": True,
            "people_with_face_data": people,
            "notify": "at_once_pipl_art_57",
            "incidents": incidents,
        },
        "who": {
            "processor": processor.name,
            "processor_kind": str(processor.kind),
            "gate_devices": int(devices or 0),
            "legal_basis": "separate_consent",
        },
        "filing": {
            "threshold": FILING_THRESHOLD,
            "people": people,
            "level": filing.level.value,
            "authority": FILING_AUTHORITY,
            "filed": None
            if filed is None
            else {"number": filed[0], "filed_on": filed[1].isoformat()},
        },
        "responsible": {
            "processor": processor.name,
            "contact": processor.contact,
            "person": processor.responsible_person,
            "person_contact": content.responsible_contact if content else "",
        },
        "supervision": {
            "named_in_notice": content.supervisor if content else "",
            "bodies": supervisors,
            "hotline": CITIZEN_HOTLINE,
            "authority": FILING_AUTHORITY,
        },
        "alternatives": [door_ways(door) for door in doors],
    }


def door_ways(door: Door) -> dict[str, Any]:
    """What one door really takes: whether it reads faces, and the other ways, in order."""
    return {
        "id": str(door.id),
        "name": door.name,
        "face": CredentialKind.FACE in door.accepts,
        "others": [kind.value for kind in NON_FACE_ORDER if kind in door.accepts],
    }


def _consent(
    uow: UnitOfWork, community_id: uuid.UUID, at: datetime, tz: str, display_days: int
) -> dict[str, Any]:
    """Who decided, and when: the switches, the last closed vote, running votes, the 公示."""
    from menwei.server.services.governance import channel_view, result_view

    repository = GovernanceRepository(uow.session)
    scope = CommunityScope.of([community_id])
    results = repository.results(scope, community_id)
    closed = {uuid.UUID(r.proposal_id) for r in results}
    proposals = uow.session.scalars(
        select(ProposalRow)
        .where(ProposalRow.community_id == community_id)
        .order_by(ProposalRow.opens_at)
    )
    running = [
        {
            "title": p.title,
            "opens_at": local(p.opens_at, tz),
            "closes_at": local(p.closes_at, tz),
            "open_now": p.opens_at <= at < p.closes_at,
        }
        for p in proposals
        if p.id not in closed and at < p.closes_at
    ]
    latest = results[-1] if results else None
    switch = FaceSwitches(uow.session).latest(community_id)
    shown = displayed_notice(uow, community_id, at=at, floor_days=display_days)
    return {
        "switched_at": local(switch.switched_at, tz) if switch else "",
        "vote": None
        if latest is None
        else result_view(latest)
        | channel_view(repository.get_vote(latest.proposal_id, scope))
        | {
            "opens_on": local(latest.opens_at, tz, "%Y-%m-%d"),
            "closed_on": local(latest.closed_at, tz, "%Y-%m-%d"),
        },
        "running_votes": running,
        "notice_period": None
        if shown is None
        else {
            "title": shown.title,
            "since": local(shown.since, tz, "%Y-%m-%d"),
            "required_days": shown.required_days,
            "days_served": shown.days_served(at),
            "days_left": max(0, (shown.ready_at - at).days + (1 if shown.ready_at > at else 0)),
            "ready_on": shown.ready_on(),
        },
    }


def _tailgating(
    uow: UnitOfWork, community_id: uuid.UUID, doors: list[Door], at: datetime
) -> dict[str, Any]:
    """Each door's own rule as its gates apply it, and last month's alerts per door."""
    rule = TailgatingRule()
    counts = dict(
        uow.session.execute(
            select(EventRow.door_id, func.count())
            .where(
                EventRow.community_id == community_id,
                EventRow.flag == "tailgating",
                EventRow.occurred_at >= at - ALERT_WINDOW,
                EventRow.occurred_at <= at,
            )
            .group_by(EventRow.door_id)
        ).all()
    )
    return {
        "window_seconds": int(rule.window.total_seconds()),
        "tolerance": rule.tolerance,
        "hold_seconds": HOLD_SECONDS,
        "days": ALERT_WINDOW.days,
        "alerts": sum(counts.values()),
        "doors": [door_tailgating(door, counts) for door in doors],
    }


def door_tailgating(door: Door, counts: dict[Any, int]) -> dict[str, Any]:
    """One door's own rule as its gate applies it, and its alerts in ``ALERT_WINDOW``."""
    return {
        "id": str(door.id),
        "name": door.name,
        # Only a door with a camera can count the people crossing.
        "counts_people": door.counts_people,
        "rule": door.tailgating_in_effect.value,
        "alerts": int(counts.get(door.id, 0)),
    }


def _incidents(uow: UnitOfWork, community_id: uuid.UUID, tz: str) -> list[dict[str, Any]]:
    """Recorded personal-information incidents: when, how many people, what was involved."""
    rows = uow.session.scalars(
        select(BreachIncidentRow)
        .where(BreachIncidentRow.community_id == community_id)
        .order_by(BreachIncidentRow.discovered_at.desc())
    )
    return [
        {
            "discovered_on": local(r.discovered_at, tz, "%Y-%m-%d"),
            "people_affected": r.people_affected,
            "information_types": r.information_types,
            "remedial_measures": r.remedial_measures,
            "what_you_can_do": r.what_you_can_do,
        }
        for r in rows
    ]


def _supervisors(uow: UnitOfWork, community_id: uuid.UUID) -> list[str]:
    """The names of the supervising bodies whose accounts oversee this community."""
    rows = uow.session.execute(
        select(UserAccountRow.display_name, UserAccountRow.login)
        .join(AccountCommunityRow, AccountCommunityRow.account_id == UserAccountRow.id)
        .where(
            AccountCommunityRow.community_id == community_id,
            UserAccountRow.role == "supervisor",
            UserAccountRow.disabled.is_(False),
        )
        .distinct()
    )
    # An account never given an organisation's name shows only its login: not a body to name.
    return sorted({name for name, login in rows if name and name != login})
