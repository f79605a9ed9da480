"""The supervisor's view: aggregate rows for the communities they supervise, a district
roll-up and both as CSV. Aggregates only: no route here returns a person or a record about one."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import Field

from menwei.governance import (
    CommunitySummary,
    community_row,
    district_rollup,
    rollup_to_csv,
    rows_to_csv,
)
from menwei.server import app_state
from menwei.server.app_state import privacy_kit
from menwei.server.deps import Caller, Permit, ReadUowDep, UowDep
from menwei.server.errors import request_locale
from menwei.server.governance_schemas import (
    DistrictRollupOut,
    LevelOut,
    OfficialAnswerOut,
    SupervisedQuestionOut,
    SupervisorRowOut,
)
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import governance_supervision
from menwei.server.services.governance_views import plain

router = APIRouter(prefix=API_PREFIX + "/supervision", tags=["supervision"])

SupervisionRead = Annotated[Caller, Depends(Permit("supervision:read"))]
OfficialAnswer = Annotated[Caller, Depends(Permit("questions:answer_public"))]
LevelWrite = Annotated[Caller, Depends(Permit("supervisors:write"))]


class Level(ApiModel):
    """社区 / 街道 / 区; ``null`` removes the label."""

    level: Literal["community", "subdistrict", "district"] | None


class PublicAnswer(ApiModel):
    """An official's answer: its text only. The office named with it comes from the account's
    records (the name the platform gave it), never from the request."""

    text: Annotated[str, Field(min_length=1, max_length=10_000)]


def _summaries(caller: Caller, request: Request, uow: UowDep) -> list[CommunitySummary]:
    at = app_state.clock(request)()
    return governance_supervision.summaries(
        uow, privacy_kit(request), caller, at=at, verdicts=request.app.state.audit_verdicts
    )


@router.get("/communities")
def communities(
    caller: SupervisionRead, request: Request, uow: ReadUowDep
) -> list[SupervisorRowOut]:
    """One row per supervised community: face on/off, alternatives, counts, concerns."""
    rows = governance_supervision.community_rows(_summaries(caller, request, uow))
    return [SupervisorRowOut.model_validate(plain(row)) for row in rows]


@router.get("/communities.csv")
def communities_csv(caller: SupervisionRead, request: Request, uow: ReadUowDep) -> Response:
    rows = [community_row(s) for s in _summaries(caller, request, uow)]
    return _csv(rows_to_csv(rows, locale=request_locale(request)), "communities.csv")


@router.get("/rollup")
def rollup(caller: SupervisionRead, request: Request, uow: ReadUowDep) -> DistrictRollupOut:
    """Totals across the supervised communities; shares recomputed from the totals."""
    totals = governance_supervision.rollup(_summaries(caller, request, uow))
    return DistrictRollupOut.model_validate(plain(totals))


@router.get("/rollup.csv")
def rollup_csv(caller: SupervisionRead, request: Request, uow: ReadUowDep) -> Response:
    totals = district_rollup(_summaries(caller, request, uow))
    return _csv(rollup_to_csv(totals, locale=request_locale(request)), "rollup.csv")


@router.get("/questions")
def public_questions(
    caller: OfficialAnswer, request: Request, uow: UowDep
) -> list[SupervisedQuestionOut]:
    """Public questions of the supervised communities, unanswered first; never who asked."""
    at = app_state.clock(request)()
    found = governance_supervision.public_questions(uow, caller, at=at)
    return [SupervisedQuestionOut.model_validate(item) for item in found]


@router.post("/questions/{question_id}/answers", status_code=201)
def answer_public_question(
    question_id: uuid.UUID,
    body: PublicAnswer,
    caller: OfficialAnswer,
    request: Request,
    uow: UowDep,
) -> OfficialAnswerOut:
    """Answer a public question as an official office; private questions are not found."""
    answered = governance_supervision.answer_public_question(
        uow,
        caller,
        question_id,
        text=body.text,
        at=app_state.clock(request)(),
    )
    return OfficialAnswerOut.model_validate(answered)


@router.put("/accounts/{account_id}/level")
def set_level(account_id: uuid.UUID, body: Level, caller: LevelWrite, uow: UowDep) -> LevelOut:
    """Label a supervisor account with the level it speaks at (a label, not a permission)."""
    return LevelOut.model_validate(governance_supervision.set_level(uow, account_id, body.level))


def _csv(text: str, filename: str) -> Response:
    return Response(
        content=text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
