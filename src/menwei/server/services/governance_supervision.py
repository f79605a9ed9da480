"""The supervisor's view (社区 / 街道 / 区): counts per community and a district roll-up.

Everything here is a count, a share, a status or a date; no person, ballot, question text or
audit entry leaves this module. The figures are gathered in SQL per community and handed to
:mod:`menwei.governance.supervision`, which decides the concerns each community raises.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Self
from zoneinfo import ZoneInfo

from menwei.governance import (
    Answer,
    AuditStatus,
    CommunitySummary,
    DistrictRollup,
    FilingStatus,
    NoticeRecord,
    QuestionNotFound,
    SupervisorRow,
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
from menwei.server.policy import AccountRole
from menwei.server.services.answering_body import answering_body
from menwei.server.services.audit_verdict import AuditVerdicts
from menwei.server.services.governance_views import PublicAnswerView
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.server.services.transparency import ALERT_WINDOW
from menwei.store.repositories.supervision import SupervisedCommunity
from menwei.store.repositories.supervisor_levels import SupervisorLevel
from menwei.store.scope import CommunityScope
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


@dataclass(frozen=True, slots=True)
class SwitchView:
    """A face-recognition switch as the supervisor sees it: on or off, and the local day."""

    enabled: bool
    on: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SupervisedQuestionView:
    """A public question of a supervised community, without who asked."""

    id: uuid.UUID
    community_id: uuid.UUID
    community_name: str
    text: str
    asked_on: str
    overdue: bool
    answers: tuple[PublicAnswerView, ...]

    @classmethod
    def of(cls, question: PublicQuestion, community: SupervisedCommunity) -> Self:
        return cls(
            id=question.question_id,
            community_id=community.id,
            community_name=community.name,
            text=question.text,
            asked_on=question.asked_on.isoformat(),
            overdue=question.overdue,
            answers=tuple(PublicAnswerView.of(a) for a in question.answers),
        )


@dataclass(frozen=True, slots=True)
class OfficialAnswerView:
    """An official's answer as recorded: to which question, when, in whose name."""

    id: uuid.UUID
    answered_at: str
    speaking_for: str


@dataclass(frozen=True, slots=True)
class LevelView:
    """The level label a supervisor account carries now; ``None`` when it has none."""

    account_id: uuid.UUID
    level: str | None


def switch_history(uow: UnitOfWork, caller: Caller, community_id: uuid.UUID) -> list[SwitchView]:
    """When face recognition was switched on and off, newest first: days only, no accounts."""
    with uow:
        timezone = uow.places.community(community_id, caller.scope).timezone
        history = uow.governance.supervision.switch_history(community_id)
    return [
        SwitchView(s.enabled, _local_day(s.switched_at, timezone).isoformat())
        for s in reversed(history)
    ]


def _summary(
    uow: UnitOfWork,
    community: SupervisedCommunity,
    audit: AuditStatus,
    audit_verified_at: datetime | None,
    at: datetime,
) -> CommunitySummary:
    community_id = community.id
    store = uow.privacy
    repo = uow.governance
    scope = CommunityScope.of([community_id])
    figures = repo.supervision.figures(
        community_id, alerts_since=at - ALERT_WINDOW, alerts_until=at
    )
    face_doors = [kinds for kinds in figures.door_kinds if FACE in kinds]
    requests = store.requests.open_in(community_id)
    questions = count_questions(repo.questions(scope, community_id), at=at)
    people = store.templates.people_with_face_data(community.processor_id)
    settings = store.settings.get(community_id)
    return CommunitySummary(
        community_id=community_id,
        community_name=community.name,
        face_on=community.face_enabled,
        face_on_since=_face_on_since(uow, community) if community.face_enabled else None,
        face_off_since=None if community.face_enabled else _face_off_since(uow, community),
        face_doors=len(face_doors),
        face_doors_with_alternative=sum(
            any(kind != FACE for kind in kinds) for kinds in face_doors
        ),
        residents=figures.residents,
        enrolled=min(figures.enrolled, figures.residents),
        withdrawals=figures.withdrawals,
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
        tailgating_alerts=figures.tailgating_alerts,
    )


def _face_on_since(uow: UnitOfWork, community: SupervisedCommunity) -> date:
    """The local day face recognition was last switched on.

    A community switched on before switches were recorded shows its processing notice's
    publication (which the gate required first), else the day it was registered.
    """
    switched = uow.governance.supervision.latest_switch(community.id)
    if switched is not None and switched.enabled:
        return _local_day(switched.switched_at, community.timezone)
    published = uow.privacy.notices.first_published_at(community.id)
    return _local_day(published or community.created_at, community.timezone)


def _face_off_since(uow: UnitOfWork, community: SupervisedCommunity) -> date | None:
    """The local day face recognition was last switched off; ``None`` if it was never on."""
    switched = uow.governance.supervision.latest_switch(community.id)
    if switched is None or switched.enabled:
        return None
    return _local_day(switched.switched_at, community.timezone)


def _local_day(at: datetime, timezone: str) -> date:
    return at.astimezone(ZoneInfo(timezone or "Asia/Shanghai")).date()


def public_questions(
    uow: UnitOfWork, caller: Caller, *, at: datetime
) -> list[SupervisedQuestionView]:
    """The public questions of every supervised community, for an official to answer.

    Private questions never appear, and no entry says who asked: the official sees what the
    public page shows, plus which community it came from. Unanswered ones come first.
    """
    found: list[SupervisedQuestionView] = []
    with uow:
        for community in _supervised(uow, caller):
            listing = public_listing(
                uow.governance.questions(caller.scope, community.id),
                community_id=community.id,
                at=at,
                timezone=community.timezone,
            )
            found.extend(SupervisedQuestionView.of(q, community) for q in listing)
    found.sort(key=lambda q: (bool(q.answers), not q.overdue, q.asked_on))
    return found


def answer_public_question(
    uow: UnitOfWork,
    caller: Caller,
    question_id: uuid.UUID,
    *,
    text: str,
    at: datetime,
) -> OfficialAnswerView:
    """Answer a public question of a supervised community, as an official office.

    The answer names the account (kept, not shown) and the organisation it belongs to by the
    account's records (shown with the answer; see ``answering_body``). A private question, or
    one outside the caller's communities, is not found.
    """
    with uow:
        question = uow.governance.get_question(question_id, caller.scope)
        if question.visibility is not Visibility.PUBLIC:
            raise QuestionNotFound(question_id)
        role, organisation = answering_body(uow, caller, question.community_id)
        given = Answer(
            answered_by=str(caller.principal.id),
            role=role,
            speaking_for=organisation,
            text=text,
            answered_at=at,
        )
        uow.governance.add_answer(question_id, given, caller.scope)
        uow.commit()
    return OfficialAnswerView(question_id, at.isoformat(), organisation)


def _supervised(uow: UnitOfWork, caller: Caller) -> list[SupervisedCommunity]:
    return uow.governance.supervision.communities(caller.scope)


def level_of(uow: UnitOfWork, account_id: uuid.UUID) -> str | None:
    """The level (community / subdistrict / district) a supervisor account speaks at, if set."""
    with uow:
        level = uow.governance.levels.get(account_id)
    return None if level is None else level.value


def set_level(uow: UnitOfWork, account_id: uuid.UUID, level: str | None) -> LevelView:
    """Label a supervisor account with its level; ``None`` removes the label."""
    with uow:
        account = uow.accounts.get(account_id)
        if account.role != AccountRole.SUPERVISOR:
            raise Conflict(message_id="level_needs_supervisor")
        uow.governance.levels.set(account_id, None if level is None else SupervisorLevel(level))
        uow.commit()
    return LevelView(account_id, level)


def community_rows(summaries_: list[CommunitySummary]) -> list[SupervisorRow]:
    """One row per community, with the concerns each raises."""
    return [community_row(s) for s in summaries_]


def rollup(summaries_: list[CommunitySummary]) -> DistrictRollup:
    """Totals across the communities; shares recomputed from the totals."""
    return district_rollup(summaries_)
