"""The resident's rights requests in the portal (我的数据): see, copy, correct or delete.

Each kind has its own form; the request is always about the signed-in resident (the service
takes the person from the session, never from the form). The list shows every request with its
answer date in the community's time, its state and the office's answer; a fulfilled request to
see or copy the data links to the resident's own export.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from menwei.privacy.errors import PrivacyError
from menwei.privacy.rights import MAX_FIELD_CHARS, MAX_TEXT_CHARS, RequestKind
from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, Permit, UowDep
from menwei.server.privacy_schemas import request_json
from menwei.server.services import places, rights
from menwei.server.services.transparency import local
from menwei.server.web.forms import CsrfField, translated
from menwei.server.web.templating import page_locale, render
from menwei.store.uow import UnitOfWork

router = APIRouter(tags=["pages"], include_in_schema=False)

Resident = Annotated[Caller, Depends(Permit("me:privacy"))]
KINDS = tuple(kind.value for kind in RequestKind)
#: Longer than any accepted text, so that an over-long one reaches the plain message below.
FORM_LIMIT = 2 * MAX_TEXT_CHARS


def my_requests(uow: UnitOfWork, caller: Caller) -> list[dict[str, Any]]:
    """The resident's own requests, newest first, with local dates for the page."""
    zone = places.own_community_zone(uow, caller)

    def shown(found: dict[str, Any]) -> dict[str, Any]:
        def at(key: str) -> str:
            stamp = found.get(key)
            return local(datetime.fromisoformat(stamp), zone) if stamp else ""

        return found | {
            "received": at("received_at"),
            "due": at("due_at"),
            "closed": at("closed_at"),
        }

    found = sorted(
        (request_json(r) for r in rights.mine(uow, caller)),
        key=lambda r: r["received_at"],
        reverse=True,
    )
    return [shown(r) for r in found]


def _page(
    request: Request,
    caller: Caller,
    uow: UnitOfWork,
    *,
    sent: str = "",
    problem: str = "",
    failed_kind: str = "",
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "my_requests.html",
        status_code=status_code,
        requests=my_requests(uow, caller),
        kinds=KINDS,
        sent=sent if sent in KINDS else "",
        problem=problem,
        failed_kind=failed_kind,
        typed=typed or {},
        field_limit=MAX_FIELD_CHARS,
        text_limit=MAX_TEXT_CHARS,
    )


@router.get("/my/requests")
def requests_page(
    caller: Resident,
    request: Request,
    uow: UowDep,
    sent: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """My requests and their answers, and a form for each kind of request."""
    return _page(request, caller, uow, sent=sent)


@router.post("/my/requests")
def file_request(
    caller: Resident,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    kind: Annotated[str, Form(max_length=20)] = "",
    details: Annotated[str, Form(max_length=FORM_LIMIT)] = "",
    wrong: Annotated[str, Form(max_length=FORM_LIMIT)] = "",
    correct: Annotated[str, Form(max_length=FORM_LIMIT)] = "",
) -> Response:
    """File one request about myself; a refused one keeps what was typed, with the reason."""
    check_csrf(request, csrf)
    typed = {"details": details[:MAX_TEXT_CHARS], "wrong": wrong[:200], "correct": correct[:200]}
    if kind not in KINDS:
        return _page(
            request,
            caller,
            uow,
            problem=_unknown_kind(request),
            typed=typed,
            status_code=422,
        )
    try:
        rights.open_mine(
            uow,
            app_state.privacy_kit(request),
            caller,
            kind=RequestKind(kind),
            details=details,
            wrong=wrong,
            correct=correct,
        )
    except PrivacyError as refused:
        return _page(
            request,
            caller,
            uow,
            problem=refused.message(page_locale(request)),
            failed_kind=kind,
            typed=typed,
            status_code=422,
        )
    return RedirectResponse(f"/my/requests?sent={kind}", status_code=303)


def _unknown_kind(request: Request) -> str:
    return translated(
        request, "Choose one of the four kinds of request: see, copy, correct or delete."
    )
