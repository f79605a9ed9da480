"""The office's pages for public notices (公示): open one, record where and when it was put up,
take a placement down, and see how many full days it has been displayed.

A notice counts as displayed only on days it was up on every required channel (the domain's
rule), so the page shows each placement with who recorded it and when.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.governance import GovernanceError
from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import doors as door_service
from menwei.server.services import governance as service
from menwei.server.web.console.frame import render_console
from menwei.server.web.forms import CsrfField, FormProblem, translated
from menwei.server.web.governance.votes import (
    LOCAL,
    local_input,
    local_text,
    local_time,
)
from menwei.server.web.templating import page_locale

PREFIX = "/office/c/{community_id}/public-notices"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

NoticesRead = Annotated[Caller, Depends(InCommunity("public_notices:read"))]
NoticesWrite = Annotated[Caller, Depends(InCommunity("public_notices:write"))]
Short = Annotated[str, Form(max_length=400)]
Long = Annotated[str, Form(max_length=60_000)]

CHANNELS = ("public_page", "door_poster", "kiosk_screen")
#: The location recorded for the community's public web page (there is only one).
PAGE = "page"


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}/public-notices"


def _places(uow: UowDep, caller: Caller) -> list[dict[str, str]]:
    """Where a notice can be put up: the public page, a poster or a screen at each door."""
    found = [{"value": f"public_page|{PAGE}", "channel": "public_page", "door": ""}]
    for door in door_service.list_doors(uow, caller):
        for channel in ("door_poster", "kiosk_screen"):
            found.append({"value": f"{channel}|{door.id}", "channel": channel, "door": door.name})
    return found


def _page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    now = app_state.clock(request)()
    found = service.notices(uow, caller, as_of=now)
    recorders = service.notice_recorders(uow, caller)
    names = service.account_names(uow, [a for ids in recorders.values() for a in ids])
    doors = {str(d.id): d.name for d in door_service.list_doors(uow, caller)}
    shown = [
        asdict(notice)
        | {
            "door_names": [doors.get(d, d) for d in notice.poster_doors],
            "postings": [
                asdict(posting)
                | {
                    "by": names.get(who, ""),
                    "where": doors.get(posting.location, ""),
                    "posted": local_text(posting.posted_at),
                    "taken_down": local_text(posting.taken_down_at),
                }
                for posting, who in zip(notice.postings, recorders.get(notice.id, []), strict=False)
            ],
        }
        for notice in found
    ]
    defaults = {
        "title": "",
        "body": "",
        "starts_on": now.astimezone(LOCAL).date().isoformat(),
        "minimum_days": "7",
        "channels": ["public_page", "door_poster"],
        "doors": [],
    }
    return render_console(
        request,
        caller,
        uow,
        "public_notices_list.html",
        status_code=status_code,
        notices=shown,
        places=_places(uow, caller),
        doors=doors,
        base=_base(caller),
        error=error,
        form=defaults | (form or {}),
        now_input=local_input(now),
    )


@router.get("")
def notices_list(caller: NoticesRead, request: Request, uow: UowDep) -> Response:
    """Every notice with its display so far, its placements, and the form to open one."""
    return _page(request, caller, uow)


@router.post("")
async def notice_create(
    caller: NoticesWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    title: Short = "",
    body: Long = "",
    starts_on: Short = "",
    minimum_days: Short = "",
) -> Response:
    """Open a notice; a field that cannot be read shows the form again with the reason."""
    check_csrf(request, csrf)
    submitted = await request.form()
    channels = [str(c) for c in submitted.getlist("channels")]
    doors = [str(d) for d in submitted.getlist("doors")]
    form = {
        "title": title,
        "body": body,
        "starts_on": starts_on,
        "minimum_days": minimum_days,
        "channels": channels,
        "doors": doors,
    }
    try:
        try:
            start = date.fromisoformat(starts_on.strip())
        except ValueError:
            raise FormProblem("Give the first day of the notice as a date.") from None
        if not minimum_days.strip().isdigit() or not 1 <= int(minimum_days) <= 366:
            raise FormProblem("Give the minimum display period as a number of days, 1 to 366.")
        if not channels or any(c not in CHANNELS for c in channels):
            raise FormProblem("Choose at least one place where the notice must be shown.")
        try:
            door_ids = [uuid.UUID(d) for d in doors]
        except ValueError:
            raise FormProblem("Choose the doors from the list.") from None
        fields = {
            "title": title,
            "body": body,
            "starts_on": start,
            "minimum_days": int(minimum_days),
            "required_channels": channels,
            "poster_doors": door_ids,
        }
        service.create_notice(uow, caller, fields, as_of=app_state.clock(request)())
    except FormProblem as problem:
        return _page(
            request,
            caller,
            uow,
            status_code=422,
            error=translated(request, problem.msgid),
            form=form,
        )
    except GovernanceError as refused:
        message = refused.message(page_locale(request))
        return _page(request, caller, uow, status_code=422, error=message, form=form)
    return RedirectResponse(_base(caller), status_code=303)


def _place(place: str) -> tuple[str, str]:
    channel, _, location = place.partition("|")
    if channel not in CHANNELS or not location:
        raise FormProblem("Choose where the notice was put up from the list.")
    return channel, location


@router.post("/{notice_id}/postings")
def notice_posting(
    notice_id: uuid.UUID,
    caller: NoticesWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    place: Short = "",
    posted_at: Short = "",
) -> Response:
    """Record that the notice was put up somewhere; the record names who entered it."""
    check_csrf(request, csrf)
    now = app_state.clock(request)()
    try:
        channel, location = _place(place)
        at = local_time(posted_at, "Give when it was put up as a date and time.")
        if at > now:
            raise FormProblem("A notice cannot be recorded as put up in the future.")
        service.add_posting(
            uow, caller, notice_id, channel=channel, location=location, posted_at=at, as_of=now
        )
    except FormProblem as problem:
        message = translated(request, problem.msgid)
        return _page(request, caller, uow, status_code=422, error=message)
    return RedirectResponse(f"{_base(caller)}#n-{notice_id}", status_code=303)


@router.post("/{notice_id}/take-down")
def notice_take_down(
    notice_id: uuid.UUID,
    caller: NoticesWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    place: Short = "",
) -> Response:
    """End one placement now; the days already displayed stay counted."""
    check_csrf(request, csrf)
    try:
        channel, location = _place(place)
        service.take_down(
            uow,
            caller,
            notice_id,
            channel=channel,
            location=location,
            at=app_state.clock(request)(),
        )
    except FormProblem as problem:
        message = translated(request, problem.msgid)
        return _page(request, caller, uow, status_code=422, error=message)
    except GovernanceError as refused:
        message = refused.message(page_locale(request))
        return _page(request, caller, uow, status_code=422, error=message)
    return RedirectResponse(f"{_base(caller)}#n-{notice_id}", status_code=303)
