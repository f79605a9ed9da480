"""The resident's own governance pages, made for a phone: vote for my units, ask a question.

A vote offers 同意 / 反对 / 弃权 as three equal buttons for each unit the resident owns; voting
again before the close replaces the earlier choice. Questions are public or private by the
resident's choice; public ones appear on the community page without the asker's name.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.governance import GovernanceError
from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, Permit, UowDep
from menwei.server.domain.errors import Forbidden
from menwei.server.services import governance as service
from menwei.server.web.forms import CsrfField, translated
from menwei.server.web.governance.votes import (
    CHOICES,
    NO_NOTICE,
    is_between,
    local_text,
    window_text,
)
from menwei.server.web.templating import page_locale, render
from menwei.store.scope import CommunityScope

router = APIRouter(prefix="/my", tags=["pages"], include_in_schema=False)

Voter = Annotated[Caller, Depends(Permit("votes:cast"))]
Asker = Annotated[Caller, Depends(Permit("questions:ask"))]
EMPTY_QUESTION = "Write your question before sending it."


def _at_home(caller: Caller) -> Caller:
    """The resident as a caller of their own community (the one their household is in)."""
    ids = sorted(caller.principal.community_ids)
    if not ids:
        raise Forbidden()
    return Caller(caller.principal, CommunityScope.of([ids[0]]), ids[0])


def _my_votes(uow: UowDep, caller: Caller, now: datetime, locale: str) -> list[dict[str, Any]]:
    """Proposals where the resident owns a unit on the roll: open ones first, then closed."""
    labels = service.unit_labels(uow, caller)
    shown = []
    for proposal in service.proposals(uow, caller):
        pid = proposal.id
        units = service.my_units(uow, caller, pid)
        if not units:
            continue
        shown.append(
            asdict(proposal)
            | {
                "units": [
                    asdict(unit) | {"label": labels.get(unit.unit_id, unit.unit_id)}
                    for unit in units
                ],
                "open_now": not proposal.closed and is_between(now, proposal),
                "window": window_text(proposal),
                "no_notice": proposal.notice_text == NO_NOTICE,
                "result": service.result_of(uow, caller, pid, locale) if proposal.closed else None,
            }
        )
    shown.sort(key=lambda p: (not p["open_now"], p["closed"]))
    return shown


@router.get("/votes")
def my_votes(caller: Voter, request: Request, uow: UowDep) -> Response:
    """Each vote on my units: the full text, my choice per unit, and the result once closed."""
    home = _at_home(caller)
    now = app_state.clock(request)()
    votes = _my_votes(uow, home, now, page_locale(request))
    saved = request.query_params.get("saved") == "1"
    return render(request, "my_votes.html", votes=votes, saved=saved)


@router.post("/votes/{proposal_id}")
def my_vote(
    proposal_id: uuid.UUID,
    caller: Voter,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    unit_id: Annotated[str, Form(max_length=128)] = "",
    choice: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Vote for one owned unit; a closed vote answers with the plain 409 message."""
    check_csrf(request, csrf)
    if choice not in CHOICES or not unit_id:
        message = translated(request, "Choose approve, oppose or abstain.")
        return render(request, "error.html", status_code=422, message=message)
    service.cast(
        uow,
        _at_home(caller),
        proposal_id,
        unit_id=unit_id,
        choice=choice,
        at=app_state.clock(request)(),
    )
    return RedirectResponse(f"/my/votes?saved=1#v-{proposal_id}", status_code=303)


def _questions_page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    status_code: int = 200,
    error: str | None = None,
    text: str = "",
    public: bool = True,
) -> Response:
    home = _at_home(caller)
    mine = [
        asdict(question)
        | {
            "asked": local_text(question.asked_at),
            "answers": [
                asdict(answer) | {"when": local_text(answer.answered_at)}
                for answer in question.answers
            ],
        }
        for question in service.my_questions(uow, home, at=app_state.clock(request)())
    ]
    return render(
        request,
        "my_questions.html",
        status_code=status_code,
        questions=mine,
        error=error,
        text=text,
        public=public,
        saved=request.query_params.get("saved") == "1",
        community_id=home.community_id,
    )


@router.get("/questions")
def my_questions(caller: Asker, request: Request, uow: UowDep) -> Response:
    """Ask a question, and see my questions with their answers."""
    return _questions_page(request, caller, uow)


@router.post("/questions")
def ask(
    caller: Asker,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    text: Annotated[str, Form(max_length=20_000)] = "",
    visibility: Annotated[str, Form(max_length=20)] = "public",
) -> Response:
    """Ask; an empty or unreadable question shows the form again with the reason."""
    check_csrf(request, csrf)
    public = visibility != "private"
    if not text.strip():
        message = translated(request, EMPTY_QUESTION)
        return _questions_page(
            request, caller, uow, status_code=422, error=message, text=text, public=public
        )
    try:
        service.ask(uow, _at_home(caller), text=text, public=public, at=app_state.clock(request)())
    except GovernanceError as refused:
        return _questions_page(
            request,
            caller,
            uow,
            status_code=422,
            error=refused.message(page_locale(request)),
            text=text,
            public=public,
        )
    return RedirectResponse("/my/questions?saved=1", status_code=303)
