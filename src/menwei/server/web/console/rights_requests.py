"""The office's rights requests: each open request with its statutory deadline, days left and
the two ways to close it (fulfil, or refuse with a reason the person will read).

A refused form (a reason too short, a request closed meanwhile) gives the list back with the
plain message and the typed reason kept, so nothing the staff member wrote is lost.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from menwei.privacy.errors import PrivacyError
from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.privacy_schemas import request_json
from menwei.server.services import people, rights
from menwei.server.web.console.frame import community_zone, render_console
from menwei.server.web.forms import CsrfField
from menwei.server.web.templating import page_locale
from menwei.store.errors import RecordNotFound
from menwei.store.uow import UnitOfWork

PREFIX = "/office/c/{community_id}/requests"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

RequestsRead = Annotated[Caller, Depends(InCommunity("requests:read"))]
RequestsResolve = Annotated[Caller, Depends(InCommunity("requests:resolve"))]
DONE = ("fulfilled", "refused", "erased")


def open_requests(uow: UnitOfWork, caller: Caller) -> list[dict[str, Any]]:
    """The open requests, soonest deadline first, with names and local dates for the page."""
    zone = community_zone(uow, caller)
    shown = []
    for found in map(request_json, rights.open_in_community(uow, caller)):
        try:
            name = people.get_person(uow, caller, uuid.UUID(found["person_id"])).name
        except RecordNotFound:
            name = ""
        shown.append(
            found
            | {
                "name": name,
                "received": _local(found["received_at"], zone),
                "due": _local(found["due_at"], zone),
            }
        )
    return shown


def _local(stamp: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(stamp).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _page(
    request: Request,
    caller: Caller,
    uow: UnitOfWork,
    *,
    done: str = "",
    problem: str = "",
    failed_id: str = "",
    reason: str = "",
    status_code: int = 200,
) -> Response:
    return render_console(
        request,
        caller,
        uow,
        "requests_list.html",
        status_code=status_code,
        requests=open_requests(uow, caller),
        done=done if done in DONE else "",
        problem=problem,
        failed_id=failed_id,
        reason=reason,
        base=request.url.path.rsplit("/requests", 1)[0] + "/requests",
    )


@router.get("")
def requests_list(
    caller: RequestsRead,
    request: Request,
    uow: UowDep,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Open requests, soonest deadline first; overdue ones are marked."""
    return _page(request, caller, uow, done=done)


def _back(caller: Caller, done: str) -> RedirectResponse:
    return RedirectResponse(
        f"/office/c/{caller.community_id}/requests?done={done}", status_code=303
    )


@router.post("/{request_id}/fulfil")
def fulfil_request(
    request_id: uuid.UUID,
    caller: RequestsResolve,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
) -> Response:
    """Fulfil; a deletion request erases the person's face data and keeps the signed receipt."""
    check_csrf(request, csrf)
    try:
        closed = rights.resolve(uow, app_state.privacy_kit(request), caller, request_id)
    except PrivacyError as refused:
        return _refused(request, caller, uow, refused, request_id, "")
    return _back(caller, "erased" if closed.receipt is not None else "fulfilled")


@router.post("/{request_id}/refuse")
def refuse_request(
    request_id: uuid.UUID,
    caller: RequestsResolve,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Refuse with a reason (at least ten characters); the person reads it."""
    check_csrf(request, csrf)
    try:
        rights.refuse(uow, app_state.privacy_kit(request), caller, request_id, reason=reason)
    except PrivacyError as refused:
        return _refused(request, caller, uow, refused, request_id, reason)
    return _back(caller, "refused")


def _refused(
    request: Request,
    caller: Caller,
    uow: UnitOfWork,
    error: PrivacyError,
    request_id: uuid.UUID,
    reason: str,
) -> Response:
    return _page(
        request,
        caller,
        uow,
        problem=error.message(page_locale(request)),
        failed_id=str(request_id),
        reason=reason,
        status_code=422,
    )
