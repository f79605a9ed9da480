"""The office's page for residents' questions (咨询): unanswered first, overdue ones flagged,
and an answer form under each. A public question's answers appear on the community page, under
the organisation the answering account belongs to by its records (never a name typed here).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.governance import GovernanceError
from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import governance as service
from menwei.server.services.answering_body import answering_label
from menwei.server.web.console.frame import render_console
from menwei.server.web.forms import CsrfField, translated
from menwei.server.web.governance.votes import local_text
from menwei.server.web.templating import page_locale

PREFIX = "/office/c/{community_id}/questions"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

QuestionsRead = Annotated[Caller, Depends(InCommunity("questions:read"))]
QuestionsAnswer = Annotated[Caller, Depends(InCommunity("questions:answer"))]

EMPTY_ANSWER = "Write the answer before sending it."


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}/questions"


def _page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    now = app_state.clock(request)()
    found = service.questions(uow, caller, at=now)
    # Unanswered first (overdue at the very top), then the rest, newest first within each.
    ordered = sorted(
        found.questions,
        key=lambda q: (
            bool(q.answers),
            not q.overdue,
            -datetime.fromisoformat(q.asked_at).timestamp(),
        ),
    )
    items = [
        asdict(item)
        | {
            "asked": local_text(item.asked_at),
            "due": local_text(item.answer_due_at),
            "answers": [
                asdict(answer) | {"when": local_text(answer.answered_at)} for answer in item.answers
            ],
        }
        for item in ordered
    ]
    assert caller.community_id is not None
    organisation = answering_label(uow, caller, caller.community_id)
    return render_console(
        request,
        caller,
        uow,
        "questions_list.html",
        status_code=status_code,
        questions=items,
        open_count=found.open,
        overdue_count=found.overdue,
        base=_base(caller),
        error=error,
        organisation=organisation,
    )


@router.get("")
def questions_list(caller: QuestionsRead, request: Request, uow: UowDep) -> Response:
    """Every question, private ones included; unanswered and overdue ones first."""
    return _page(request, caller, uow)


@router.post("/{question_id}/answers")
def questions_answer(
    question_id: uuid.UUID,
    caller: QuestionsAnswer,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    text: Annotated[str, Form(max_length=30_000)] = "",
) -> Response:
    """Answer under the organisation the account's records name; shown with the answer."""
    check_csrf(request, csrf)
    if not text.strip():
        return _page(request, caller, uow, status_code=422, error=translated(request, EMPTY_ANSWER))
    try:
        service.answer(uow, caller, question_id, text=text, at=app_state.clock(request)())
    except GovernanceError as refused:
        if refused.code == "question_not_found":
            raise
        message = refused.message(page_locale(request))
        return _page(request, caller, uow, status_code=422, error=message)
    return RedirectResponse(f"{_base(caller)}#q-{question_id}", status_code=303)
