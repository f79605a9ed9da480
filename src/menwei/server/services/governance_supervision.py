"""The supervisor's view (社区 / 街道 / 区): counts per community and a district roll-up.

Everything here is a count, a share, a status or a date; no person, ballot, question text or
audit entry leaves this module. The figures are gathered in SQL per community and handed to
:mod:`menwei.governance.supervision`, which decides the concerns each community raises.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import distinct, func, select

from menwei.governance import (
    AuditStatus,
    CommunitySummary,
    FilingStatus,
    NoticeRecord,
    VoteRecord,
    community_row,
    count_questions,
    district_rollup,
)
from menwei.privacy.compliance import FilingLevel, filing_status
from menwei.server.deps import Caller
from menwei.store import privacy_services as ops
from menwei.store.governance_repository import GovernanceRepository
from menwei.store.privacy_repository import PrivacyStore
from menwei.store.privacy_services import PrivacyKit
from menwei.store.privacy_tables import ConsentRow, FaceTemplateRow
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow, DoorRow, PersonRow
from menwei.store.uow import UnitOfWork

_FILING = {
    FilingLevel.BELOW: FilingStatus.NOT_REQUIRED,
    FilingLevel.WARNING: FilingStatus.APPROACHING,
    FilingLevel.MUST_FILE: FilingStatus.DUE,
}
FACE = "face"


def summaries(
    uow: UnitOfWork, kit: PrivacyKit, caller: Caller, *, at: datetime
) -> list[CommunitySummary]:
    """One summary per community the caller supervises, by name."""
    report = ops.verify_audit(uow, kit)  # one chain for the installation: verified once
    audit = AuditStatus.VERIFIED if report.ok else AuditStatus.BROKEN
    with uow:
        rows = uow.session.scalars(
            select(CommunityRow)
            .where(caller.scope.clause(CommunityRow.id))
            .order_by(CommunityRow.name, CommunityRow.id)
        ).all()
        return [_summary(uow, row, audit, at) for row in rows]


def _summary(
    uow: UnitOfWork, community: CommunityRow, audit: AuditStatus, at: datetime
) -> CommunitySummary:
    community_id = community.id
    session = uow.session
    store = PrivacyStore(session)
    repo = GovernanceRepository(session)
    scope = CommunityScope.of([community_id])
    doors = session.scalars(select(DoorRow).where(DoorRow.community_id == community_id)).all()
    face_doors = [d for d in doors if FACE in (d.accepted_kinds or [])]
    residents = session.scalar(
        select(func.count()).select_from(PersonRow).where(PersonRow.community_id == community_id)
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
    requests = store.requests.open_in(community_id)
    questions = count_questions(repo.questions(scope, community_id), at=at)
    people = store.templates.people_with_face_data(community.processor_id)
    settings = store.settings.get(community_id)
    return CommunitySummary(
        community_id=str(community_id),
        community_name=community.name,
        face_on=bool(community.face_enabled),
        face_on_since=_face_on_since(store, community) if community.face_enabled else None,
        face_doors=len(face_doors),
        face_doors_with_alternative=sum(
            any(kind != FACE for kind in d.accepted_kinds) for d in face_doors
        ),
        residents=int(residents or 0),
        enrolled=min(int(enrolled or 0), int(residents or 0)),
        withdrawals=int(withdrawals or 0),
        open_rights_requests=len(requests),
        overdue_rights_requests=sum(r.is_overdue(at) for r in requests),
        open_questions=questions.open,
        overdue_questions=questions.overdue,
        audit_status=audit,
        audit_verified_at=at,
        filing_count=people,
        filing_status=_FILING[filing_status(people).level],
        notices=tuple(NoticeRecord.of(n, as_of=at) for n in repo.notices(scope, community_id)),
        votes=tuple(
            VoteRecord.of(r, timezone=community.timezone) for r in repo.results(scope, community_id)
        ),
        vote_required=settings.vote_required,
    )


def _face_on_since(store: PrivacyStore, community: CommunityRow) -> date:
    """The day face recognition could first have been on: its processing notice's publication.

    The switch itself keeps no date yet, so the notice (which the gate requires first) stands in;
    a community with no notice on record shows the day it was registered.
    """
    published = store.notices.first_published_at(community.id)
    return (published or community.created_at).date()


def community_rows(summaries_: list[CommunitySummary]) -> list[dict[str, Any]]:
    return [_plain(asdict(community_row(s))) for s in summaries_]


def rollup(summaries_: list[CommunitySummary]) -> dict[str, Any]:
    return _plain(asdict(district_rollup(summaries_)))


def _plain(value: Any) -> Any:
    """JSON values: Decimal as a string (never a float), dates as ISO text, enums by value."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
