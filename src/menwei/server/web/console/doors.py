"""The office's doors page: each door with what its readers accept, and its printed poster.

Every save goes through ``core.Door``, which refuses a door where a face would be the only way
in (R1); that refusal is shown on the form in the rule's own words, with what was typed kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from menwei.core import (
    HOLD_SECONDS,
    AntiPassbackMode,
    CredentialKind,
    Direction,
    Door,
    DoorKind,
    TailgatingMode,
)
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.policy import holds
from menwei.server.services import doors, places
from menwei.server.web.console.access_forms import (
    CHOOSE_ONE,
    NOT_FOUND,
    REFUSALS,
    message,
    name_problem,
    refusal_text,
)
from menwei.server.web.console.frame import render_console
from menwei.server.web.forms import CsrfField, Many, Text, parse_uuid

PREFIX = "/office/c/{community_id}/doors"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

Reading = Annotated[Caller, Depends(InCommunity("doors:read"))]
Writing = Annotated[Caller, Depends(InCommunity("doors:write"))]

ZONE_MAX = 50
NO_CREDENTIAL = message("Tick at least one way in: card, PIN or QR code.")
TOO_LONG_ZONE = message("The zone name is too long: at most 50 characters.")
ZONE_NEEDED = message("With anti-passback on, give the zone name this door shares with its pair.")
DONE = {
    "added": message("The door was added."),
    "saved": message("The door was saved."),
    "deleted": message("The door was deleted."),
}


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}/doors"


def _choices(uow: UowDep, caller: Caller) -> dict[str, Any]:
    return {
        "buildings": places.list_buildings(uow, caller),
        "door_kinds": list(DoorKind),
        "directions": list(Direction),
        "credential_kinds": list(CredentialKind),
        "passback_modes": list(AntiPassbackMode),
        "tailgating_modes": list(TailgatingMode),
        "hold_seconds": HOLD_SECONDS,
    }


def _typed(door: Door | None) -> dict[str, Any]:
    if door is None:
        return {
            "name": "",
            "kind": DoorKind.UNIT_DOOR.value,
            "direction": Direction.BOTH.value,
            "accepts": {"card", "pin", "qr"},
            "building": "",
            "anti_passback": AntiPassbackMode.OFF.value,
            "passback_zone": "",
            "tailgating": TailgatingMode.ALERT.value,
        }
    return {
        "name": door.name,
        "kind": door.kind.value,
        "direction": door.direction.value,
        "accepts": {kind.value for kind in door.accepts},
        "building": str(door.building_id or ""),
        "anti_passback": door.anti_passback.value,
        "passback_zone": door.passback_zone or "",
        "tailgating": door.tailgating.value,
    }


@router.get("")
def doors_list(caller: Reading, request: Request, uow: UowDep, done: str = "") -> Response:
    """Every door of the community with what it accepts, and a link to its poster."""
    buildings = {b.id: b.name for b in places.list_buildings(uow, caller)}
    return render_console(
        request,
        caller,
        uow,
        "doors_list.html",
        doors=sorted(doors.list_doors(uow, caller), key=lambda d: d.name),
        buildings=buildings,
        base=_base(caller),
        done=DONE.get(done[:20], ""),
        can_write=holds(caller.principal, "doors:write"),
    )


def _form(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    door: Door | None,
    typed: dict[str, Any],
    problems: dict[str, Any] | None = None,
    refusal: str = "",
    status_code: int = 200,
) -> Response:
    return render_console(
        request,
        caller,
        uow,
        "doors_form.html",
        status_code=status_code,
        door=door,
        typed=typed,
        problems=problems or {},
        refusal=refusal,
        base=_base(caller),
        can_write=holds(caller.principal, "doors:write"),
        **_choices(uow, caller),
    )


@router.get("/new")
def new_door(caller: Writing, request: Request, uow: UowDep) -> Response:
    return _form(request, caller, uow, door=None, typed=_typed(None))


def _door_or_none(uow: UowDep, caller: Caller, door_id: str) -> Door | None:
    found = parse_uuid(door_id)
    if found is None:
        return None
    try:
        door = doors.get_door(uow, caller, found)
    except REFUSALS:
        return None
    return door if door.community_id == caller.community_id else None


def _absent(request: Request, caller: Caller, uow: UowDep) -> Response:
    return render_console(
        request, caller, uow, "doors_list.html", status_code=404,
        doors=sorted(doors.list_doors(uow, caller), key=lambda d: d.name),
        buildings={b.id: b.name for b in places.list_buildings(uow, caller)},
        base=_base(caller), done="", missing=NOT_FOUND,
        can_write=holds(caller.principal, "doors:write"),
    )  # fmt: skip


@router.get("/{door_id}")
def edit_door(door_id: str, caller: Reading, request: Request, uow: UowDep) -> Response:
    """The door's settings; read-only for those who may only read (the committee)."""
    door = _door_or_none(uow, caller, door_id)
    if door is None:
        return _absent(request, caller, uow)
    return _form(request, caller, uow, door=door, typed=_typed(door))


def _read_form(
    uow: UowDep,
    caller: Caller,
    *,
    name: str,
    kind: str,
    direction: str,
    accepts: list[str],
    building: str,
    anti_passback: str,
    passback_zone: str,
    tailgating: str,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(what was typed, problems per field, values for the service)."""
    typed = {
        "name": name[:200],
        "kind": kind,
        "direction": direction,
        "accepts": set(accepts),
        "building": building,
        "anti_passback": anti_passback,
        "passback_zone": passback_zone[:200],
        "tailgating": tailgating,
    }
    problems: dict[str, Any] = {}
    found = name_problem(name)
    if found:
        problems["name"] = found
    if kind not in {k.value for k in DoorKind}:
        problems["kind"] = (CHOOSE_ONE, {})
    if direction not in {d.value for d in Direction}:
        problems["direction"] = (CHOOSE_ONE, {})
    if anti_passback not in {m.value for m in AntiPassbackMode}:
        problems["anti_passback"] = (CHOOSE_ONE, {})
    if tailgating not in {m.value for m in TailgatingMode}:
        problems["tailgating"] = (CHOOSE_ONE, {})
    known = {k.value for k in CredentialKind}
    if not accepts or not set(accepts) <= known:
        problems["accepts"] = (NO_CREDENTIAL if not accepts else CHOOSE_ONE, {})
    building_id = None
    if building:
        building_id = parse_uuid(building)
        owned = {b.id for b in places.list_buildings(uow, caller)}
        if building_id not in owned:
            problems["building"] = (NOT_FOUND, {})
    zone = passback_zone.strip()
    if len(zone) > ZONE_MAX:
        problems["passback_zone"] = (TOO_LONG_ZONE, {})
    elif anti_passback in ("soft", "hard") and not zone:
        problems["passback_zone"] = (ZONE_NEEDED, {})
    values: dict[str, Any] = {}
    if not problems:
        values = {
            "name": name.strip(),
            "kind": DoorKind(kind),
            "direction": Direction(direction),
            "accepts": frozenset(CredentialKind(k) for k in accepts),
            "building_id": building_id,
            "anti_passback": AntiPassbackMode(anti_passback),
            "passback_zone": zone or None,
            "tailgating": TailgatingMode(tailgating),
        }
    return typed, problems, values


@router.post("/new")
def add_door(
    caller: Writing,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    name: Text = "",
    kind: Text = "",
    direction: Text = "",
    accepts: Many = [],  # noqa: B006 (FastAPI copies defaults)
    building: Text = "",
    anti_passback: Text = "off",
    passback_zone: Text = "",
    tailgating: Text = TailgatingMode.ALERT.value,
) -> Response:
    check_csrf(request, csrf)
    typed, problems, values = _read_form(
        uow, caller, name=name, kind=kind, direction=direction, accepts=accepts,
        building=building, anti_passback=anti_passback, passback_zone=passback_zone,
        tailgating=tailgating,
    )  # fmt: skip
    if problems:
        return _form(
            request, caller, uow, door=None, typed=typed, problems=problems, status_code=422
        )
    try:
        doors.add_door(uow, caller, values)
    except REFUSALS as error:
        text = refusal_text(request, error)
        return _form(request, caller, uow, door=None, typed=typed, refusal=text, status_code=409)
    return RedirectResponse(f"{_base(caller)}?done=added", status_code=303)


@router.post("/{door_id}")
def save_door(
    door_id: str,
    caller: Writing,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    name: Text = "",
    kind: Text = "",
    direction: Text = "",
    accepts: Many = [],  # noqa: B006 (FastAPI copies defaults)
    building: Text = "",
    anti_passback: Text = "off",
    passback_zone: Text = "",
    tailgating: Text = "",
) -> Response:
    check_csrf(request, csrf)
    door = _door_or_none(uow, caller, door_id)
    if door is None:
        return _absent(request, caller, uow)
    typed, problems, values = _read_form(
        uow, caller, name=name, kind=kind, direction=direction, accepts=accepts,
        building=building, anti_passback=anti_passback, passback_zone=passback_zone,
        tailgating=tailgating or door.tailgating.value,  # a form without it keeps the rule
    )  # fmt: skip
    if problems:
        return _form(
            request, caller, uow, door=door, typed=typed, problems=problems, status_code=422
        )
    try:
        doors.change_door(uow, caller, door.id, values)
    except REFUSALS as error:
        text = refusal_text(request, error)
        return _form(request, caller, uow, door=door, typed=typed, refusal=text, status_code=409)
    return RedirectResponse(f"{_base(caller)}?done=saved", status_code=303)


@router.post("/{door_id}/delete")
def delete_door(
    door_id: str, caller: Writing, request: Request, uow: UowDep, csrf: CsrfField
) -> Response:
    check_csrf(request, csrf)
    door = _door_or_none(uow, caller, door_id)
    if door is None:
        return _absent(request, caller, uow)
    try:
        doors.delete_door(uow, caller, door.id)
    except REFUSALS as error:
        text = refusal_text(request, error)
        return _form(
            request, caller, uow, door=door, typed=_typed(door), refusal=text, status_code=409
        )
    return RedirectResponse(f"{_base(caller)}?done=deleted", status_code=303)
