"""The office's gate devices: register one (its token is shown once), see whether each keeps
in sync, and revoke one that is lost or replaced.

The sync state is what the server records, never what a gate holds: when it last called in,
how many face templates it was sent (a count, nothing of them), and whether its transport key
is pinned so templates can only ever be sealed to that gate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep, forget_principals
from menwei.server.services import devices, doors
from menwei.server.web.console.access_forms import (
    NOT_FOUND,
    REFUSALS,
    message,
    name_problem,
    refusal_text,
)
from menwei.server.web.console.frame import community_zone, render_console
from menwei.server.web.forms import CsrfField, Many, Text, parse_uuid, uuids

PREFIX = "/office/c/{community_id}/devices"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

Reading = Annotated[Caller, Depends(InCommunity("devices:read"))]
Writing = Annotated[Caller, Depends(InCommunity("devices:write"))]

MAX_DOORS = 64
NO_DOORS = message("Tick the doors this device serves (at least one).")
TOO_MANY_DOORS = message("A device serves at most 64 doors.")
REVOKED = message(
    "The device was revoked. Its token no longer works; register a new one to replace it."
)


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}/devices"


def _when_in(zone: ZoneInfo) -> Callable[[object], str]:
    """How the page writes a stored time: in the community's zone, to the minute."""

    def when(moment: object) -> str:
        if not isinstance(moment, datetime):
            return ""
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return when


def _page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    typed: dict[str, object] | None = None,
    problems: dict[str, object] | None = None,
    refusal: str = "",
    registered: object = None,
    done: str = "",
    status_code: int = 200,
) -> Response:
    door_list = sorted(doors.list_doors(uow, caller), key=lambda d: d.name)
    names = {d.id: d.name for d in door_list}
    listed = sorted(
        devices.list_devices(uow, caller), key=lambda d: (d.revoked_at is not None, d.name)
    )
    states = devices.sync_states(uow, caller, listed)
    return render_console(
        request, caller, uow, "devices_list.html", status_code=status_code,
        devices=listed, states=states,
        served={d.id: sorted(names[i] for i in d.door_ids if i in names) for d in listed},
        doors=door_list, when=_when_in(community_zone(uow, caller)),
        typed=typed or {"name": "", "doors": set()}, problems=problems or {},
        refusal=refusal, registered=registered, done=done, base=_base(caller),
    )  # fmt: skip


@router.get("")
def devices_list(caller: Reading, request: Request, uow: UowDep, done: str = "") -> Response:
    """Every gate device of the community with its doors and sync state."""
    return _page(request, caller, uow, done=REVOKED if done == "revoked" else "")


@router.post("")
def register(
    caller: Writing,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    name: Text = "",
    door_ids: Many = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    """Register a device; the page that answers is the only place its token is ever shown."""
    check_csrf(request, csrf)
    typed: dict[str, object] = {"name": name[:200], "doors": set(door_ids)}
    problems: dict[str, object] = {}
    if found := name_problem(name):
        problems["name"] = found
    chosen = uuids(door_ids)
    known = {d.id for d in doors.list_doors(uow, caller)}
    if not door_ids:
        problems["doors"] = (NO_DOORS, {})
    elif len(door_ids) > MAX_DOORS:
        problems["doors"] = (TOO_MANY_DOORS, {})
    elif chosen is None or not set(chosen) <= known:
        problems["doors"] = (NOT_FOUND, {})
    if problems:
        return _page(request, caller, uow, typed=typed, problems=problems, status_code=422)
    try:
        registered = devices.register(
            uow, caller, name=name.strip(), door_ids=frozenset(chosen or ())
        )
    except REFUSALS as error:
        text = refusal_text(request, error)
        return _page(request, caller, uow, typed=typed, refusal=text, status_code=409)
    response = _page(request, caller, uow, registered=registered)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/{device_id}/revoke")
def revoke(
    device_id: str, caller: Writing, request: Request, uow: UowDep, csrf: CsrfField
) -> Response:
    """A lost or replaced gate stops being served at once; its record stays for the audit."""
    check_csrf(request, csrf)
    found = parse_uuid(device_id)
    if found is None:
        return _page(request, caller, uow, refusal="", problems={"revoke": (NOT_FOUND, {})},
                     status_code=404)  # fmt: skip
    try:
        devices.revoke(uow, caller, found)
    except REFUSALS as error:
        return _page(request, caller, uow, refusal=refusal_text(request, error), status_code=404)
    forget_principals(request)
    return RedirectResponse(f"{_base(caller)}?done=revoked", status_code=303)
