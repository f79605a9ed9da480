"""The supervisor's view (社区 / 街道 / 区): counts per community and a district roll-up.

Everything here is a count, a share, a status or a date; no person, ballot, question text or
audit entry leaves this module. The figures are gathered in SQL per community and handed to
:mod:`menwei.governance.supervision`, which decides the concerns each community raises.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from menwei.governance import (
    Answer,
    AuditStatus,
    CommunitySummary,
    FilingStatus,
    NoticeRecord,
    QuestionNotFound,
    Visibility,
    VoteRecord,
    community_row,
    count_questions,
    district_rollup,
    public_listing,
)
from menwei.governance.questions import PublicQuestion
from menwei.privacy.compliance import FilingLevel, filing_status
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import Conflict
from menwei.server.policy import Role
from menwei.server.services.answering_body import answering_body
from menwei.server.services.audit_verdict import AuditVerdicts
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.server.services.transparency import ALERT_WINDOW
from menwei.store.errors import NotFound as StoreNotFound
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.repositories.supervisor_levels import SupervisorLevel, SupervisorLevels
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow, DoorRow, PersonRow, UserAccountRow
from menwei.store.tables.events import EventRow
from menwei.store.tables.privacy import ConsentRow, FaceTemplateRow
from menwei.store.uow import UnitOfWork

_FILING = {
    FilingLevel.BELOW: FilingStatus.NOT_REQUIRED,
    FilingLevel.WARNING: FilingStatus.APPROACHING,
    FilingLevel.MUST_FILE: FilingStatus.DUE,
}
FACE = "face"
_AUDIT_STATUS = {
    True: AuditStatus.VERIFIED,
    False: AuditStatus.BROKEN,
    None: AuditStatus.NOT_VERIFIED,
}


def summaries(
    uow: UnitOfWork,
    kit: PrivacyKit,
    caller: Caller,
    *,
    at: datetime,
    community_id: uuid.UUID | None = None,
    verdicts: AuditVerdicts | None = None,
) -> list[CommunitySummary]:
    """One summary per community the caller supervises (only ``community_id`` when given).

    The audit chain is one for the installation. With ``verdicts`` (the app's) only what was
    written since the last check is verified, and the whole chain when that verdict is too old;
    without, the whole chain is verified now. While the app's first full verification is still
    running the status is "not verified".
    """
    once = AuditVerdicts(inline_below=sys.maxsize)  # no verdict to keep: verify now, inline
    verdict = (verdicts or once).current(uow, kit, now=at)
    audit = _AUDIT_STATUS[verdict.ok]
    with uow:
        return [
            _summary(uow, row, audit, verdict.fully_verified_at, at)
            for row in _supervised(uow, caller)
            if community_id is None or row.id == community_id
        ]


def switch_history(
    uow: UnitOfWork, caller: Caller, community_id: uuid.UUID
) -> list[dict[str, Any]]:
    """When face recognition was switched on and off, newest first: days only, no accounts."""
    with uow:
        community = uow.session.get(
            CommunityRow, uow.places.community(community_id, caller.scope).id
        )
        assert community is not None
        history = FaceSwitches(uow.session).history(community_id)
        return [
            {"enabled": s.enabled, "on": _local_day(s.switched_at, community).isoformat()}
            for s in reversed(history)
        ]


def _summary(
    uow: UnitOfWork,
    community: CommunityRow,
    audit: AuditStatus,
    audit_verified_at: datetime | None,
    at: datetime,
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
    tailgating = session.scalar(
        select(func.count())
        .select_from(EventRow)
        .where(
            EventRow.community_id == community_id,
            EventRow.flag == "tailgating",
            EventRow.occurred_at >= at - ALERT_WINDOW,
            EventRow.occurred_at <= at,
        )
    )
    return CommunitySummary(
        community_id=str(community_id),
        community_name=community.name,
        face_on=bool(community.face_enabled),
        face_on_since=_face_on_since(session, store, community) if community.face_enabled else None,
        face_off_since=None if community.face_enabled else _face_off_since(session, community),
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
        audit_verified_at=audit_verified_at,
        filing_count=people,
        filing_status=_FILING[filing_status(people).level],
        notices=tuple(NoticeRecord.of(n, as_of=at) for n in repo.notices(scope, community_id)),
        votes=tuple(
            VoteRecord.of(r, timezone=community.timezone) for r in repo.results(scope, community_id)
        ),
        vote_required=settings.vote_required,
        tailgating_alerts=int(tailgating or 0),
    )


def _face_on_since(session: Session, store: PrivacyStore, community: CommunityRow) -> date:
    """The local day face recognition was last switched on.

    A community switched on before switches were recorded shows its processing notice's
    publication (which the gate required first), else the day it was registered.
    """
    switched = FaceSwitches(session).latest(community.id)
    if switched is not None and switched.enabled:
        return _local_day(switched.switched_at, community)
    published = store.notices.first_published_at(community.id)
    return _local_day(published or community.created_at, community)


def _face_off_since(session: Session, community: CommunityRow) -> date | None:
    """The local day face recognition was last switched off; ``None`` if it was never on."""
    switched = FaceSwitches(session).latest(community.id)
    if switched is None or switched.enabled:
        return None
    return _local_day(switched.switched_at, community)


def _local_day(at: datetime, community: CommunityRow) -> date:
    return at.astimezone(ZoneInfo(community.timezone or "Asia/Shanghai")).date()


def public_questions(uow: UnitOfWork, caller: Caller, *, at: datetime) -> list[dict[str, Any]]:
    """The public questions of every supervised community, for an official to answer.

    Private questions never appear, and no entry says who asked: the official sees what the
    public page shows, plus which community it came from. Unanswered ones come first.
    """
    found: list[dict[str, Any]] = []
    with uow:
        repo = GovernanceRepository(uow.session)
        for community in _supervised(uow, caller):
            listing = public_listing(
                repo.questions(caller.scope, community.id),
                community_id=str(community.id),
                at=at,
                timezone=community.timezone or "Asia/Shanghai",
            )
            found.extend(_public_view(q, community) for q in listing)
    found.sort(key=lambda q: (bool(q["answers"]), not q["overdue"], q["asked_on"]))
    return found


def answer_public_question(
    uow: UnitOfWork,
    caller: Caller,
    question_id: uuid.UUID,
    *,
    text: str,
    at: datetime,
) -> dict[str, Any]:
    """Answer a public question of a supervised community, as an official office.

    The answer names the account (kept, not shown) and the organisation it belongs to by the
    account's records (shown with the answer; see ``answering_body``). A private question, or
    one outside the caller's communities, is not found.
    """
    with uow:
        repo = GovernanceRepository(uow.session)
        question = repo.get_question(question_id, caller.scope)
        if question.visibility is not Visibility.PUBLIC:
            raise QuestionNotFound(str(question_id))
        role, organisation = answering_body(uow, caller, uuid.UUID(question.community_id))
        given = Answer(
            answered_by=str(caller.principal.id),
            role=role,
            speaking_for=organisation,
            text=text,
            answered_at=at,
        )
        repo.add_answer(question_id, given, caller.scope)
        uow.commit()
    return {"id": str(question_id), "answered_at": at.isoformat(), "speaking_for": organisation}


def _supervised(uow: UnitOfWork, caller: Caller) -> list[CommunityRow]:
    return list(
        uow.session.scalars(
            select(CommunityRow)
            .where(caller.scope.clause(CommunityRow.id))
            .order_by(CommunityRow.name, CommunityRow.id)
        ).all()
    )


def _public_view(question: PublicQuestion, community: CommunityRow) -> dict[str, Any]:
    return {
        "id": question.question_id,
        "community_id": str(community.id),
        "community_name": community.name,
        "text": question.text,
        "asked_on": question.asked_on.isoformat(),
        "overdue": question.overdue,
        "answers": [
            {
                "role": str(a.role),
                "speaking_for": a.speaking_for,
                "text": a.text,
                "answered_on": a.answered_on.isoformat(),
            }
            for a in question.answers
        ],
    }


def level_of(uow: UnitOfWork, account_id: uuid.UUID) -> str | None:
    """The level (community / subdistrict / district) a supervisor account speaks at, if set."""
    with uow:
        level = SupervisorLevels(uow.session).get(account_id)
    return None if level is None else level.value


def set_level(uow: UnitOfWork, account_id: uuid.UUID, level: str | None) -> dict[str, Any]:
    """Label a supervisor account with its level; ``None`` removes the label."""
    with uow:
        account = uow.session.get(UserAccountRow, account_id)
        if account is None:
            raise StoreNotFound("account", account_id)
        if account.role != Role.SUPERVISOR:
            raise Conflict(
                texts={
                    "zh-CN": "只有监管账号才能设置层级（社区、街道或区）。",
                    "en": "Only a supervisor account has a level (community, sub-district or "
                    "district).",
                }
            )
        SupervisorLevels(uow.session).set(
            account_id, None if level is None else SupervisorLevel(level)
        )
        uow.commit()
    return {"account_id": str(account_id), "level": level}


def community_rows(summaries_: list[CommunitySummary]) -> list[dict[str, Any]]:
    return [_plain(asdict(community_row(s))) for s in summaries_]


def rollup(summaries_: list[CommunitySummary]) -> dict[str, Any]:
    plain: dict[str, Any] = _plain(asdict(district_rollup(summaries_)))
    return plain


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
