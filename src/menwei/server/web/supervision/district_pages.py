"""The supervisor's pages (社区 / 街道 / 区): the district roll-up, one community's figures, and
the public questions an official may answer.

Everything shown comes from the aggregates in ``services.governance_supervision``: counts,
shares, dates and statuses, never a person. Supervisors have their own frame
(``supervision_base.html``), not the office console's navigation.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.governance import CommunitySummary, community_row
from menwei.server import app_state
from menwei.server.app_state import privacy_kit
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, Permit, ReadUowDep, UowDep
from menwei.server.policy import holds
from menwei.server.services import governance_supervision
from menwei.server.services.answering_body import answering_label
from menwei.server.services.governance_views import plain
from menwei.server.web.charts import Series, bar_chart
from menwei.server.web.forms import CsrfField
from menwei.server.web.templating import render
from menwei.store.errors import RecordNotFound

router = APIRouter(prefix="/supervision", tags=["pages"], include_in_schema=False)

Supervising = Annotated[Caller, Depends(Permit("supervision:read"))]
SupervisingOne = Annotated[Caller, Depends(InCommunity("supervision:read"))]
Answering = Annotated[Caller, Depends(Permit("questions:answer_public"))]

ANSWER_PERMISSION = "questions:answer_public"
CHINA = ZoneInfo("Asia/Shanghai")


def _frame(request: Request, caller: Caller, uow: UowDep) -> dict[str, Any]:
    """What every supervisor page's frame needs: its links, the current one marked, and the
    level (社区 / 街道 / 区) the account speaks at."""
    here = request.url.path
    links = [("/supervision", "District overview")]
    if holds(caller.principal, ANSWER_PERMISSION):
        links.append(("/supervision/questions", "Public questions to answer"))
    return {
        "sup_nav": [
            {"href": href, "label": label, "current": here == href} for href, label in links
        ],
        "account_name": caller.principal.name,
        "account_level": governance_supervision.level_of(uow, caller.principal.id),
    }


def _summaries(
    request: Request, caller: Caller, uow: UowDep, community_id: uuid.UUID | None = None
) -> list[CommunitySummary]:
    at = app_state.clock(request)()
    return governance_supervision.summaries(
        uow,
        privacy_kit(request),
        caller,
        at=at,
        community_id=community_id,
        verdicts=request.app.state.audit_verdicts,
    )


@router.get("")
def rollup(caller: Supervising, request: Request, uow: ReadUowDep) -> Response:
    """Every supervised community in one table, two charts of the same figures, CSV links."""
    found = _summaries(request, caller, uow)
    return render(
        request,
        "supervision_rollup.html",
        rows=[_row_view(summary) for summary in found],
        totals=plain(governance_supervision.rollup(found)),
        chart=bar_chart,
        Series=Series,
        audit_running=request.app.state.audit_verdicts.running,
        **_frame(request, caller, uow),
    )


@router.get("/c/{community_id}")
def community(
    community_id: uuid.UUID, caller: SupervisingOne, request: Request, uow: ReadUowDep
) -> Response:
    """One community's figures with its notice, vote and switch history."""
    found = _summaries(request, caller, uow, community_id)
    if not found:  # in reach (a platform admin reaches every id) but not on record
        raise RecordNotFound("community", community_id)
    [summary] = found
    return render(
        request,
        "supervision_community.html",
        row=_row_view(summary),
        switches=governance_supervision.switch_history(uow, caller, community_id),
        audit_running=request.app.state.audit_verdicts.running,
        **_frame(request, caller, uow),
    )


@router.get("/questions")
def questions(caller: Answering, request: Request, uow: UowDep) -> Response:
    """The public questions of the supervised communities, unanswered first."""
    at = app_state.clock(request)()
    found = governance_supervision.public_questions(uow, caller, at=at)
    organisation = answering_label(uow, caller, found[0].community_id) if found else None
    return render(
        request,
        "supervision_questions.html",
        questions=found,
        organisation=organisation,
        answered=request.query_params.get("answered") == "1",
        **_frame(request, caller, uow),
    )


@router.post("/questions/{question_id}/answer")
def answer(
    question_id: uuid.UUID,
    caller: Answering,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    text: Annotated[str, Form(min_length=1, max_length=10_000)],
) -> Response:
    """Publish the official's answer under the office the account's records name, then back to
    the list."""
    check_csrf(request, csrf)
    governance_supervision.answer_public_question(
        uow,
        caller,
        question_id,
        text=text,
        at=app_state.clock(request)(),
    )
    return RedirectResponse("/supervision/questions?answered=1", status_code=303)


def _row_view(summary: CommunitySummary) -> dict[str, Any]:
    """A row as the templates read it: the figures, plus the latest notice and vote."""
    row = community_row(summary)
    notices = sorted(row.notices, key=lambda n: (n.starts_on, n.notice_id), reverse=True)
    votes = sorted(row.votes, key=lambda v: (v.closed_on, v.proposal_id), reverse=True)
    return {
        "row": row,
        "alternative_short": not row.every_face_door_has_alternative,
        "with_alternative": summary.face_doors_with_alternative,
        "latest_notice": notices[0] if notices else None,
        "latest_vote": votes[0] if votes else None,
        "notices": notices,
        "votes": votes,
        "face_share": float(row.face_share),
        "overdue": row.overdue_rights_requests + row.overdue_questions,
        "audit_verified": _beijing_minute(summary.audit_verified_at),
    }


def _beijing_minute(moment: datetime | None) -> str:
    """When the audit chain was last verified in full, to the minute, in China time."""
    return "" if moment is None else moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
