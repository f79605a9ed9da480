"""The office's form for one person: adding a resident (optionally with the unit they live in)
and editing who they are. A refusal is shown on the same form with what was typed kept."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from menwei.core import Role as PersonRole
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import people, places
from menwei.server.web.console.frame import render_console
from menwei.server.web.console.people_refusals import say
from menwei.server.web.forms import CsrfField, Text, parse_day, parse_uuid

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

PeopleWrite = Annotated[Caller, Depends(InCommunity("people:write"))]

ROLES = tuple(PersonRole)


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}"


def _person_form(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    values: dict[str, str],
    person: Any = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    units = places.unit_labels(uow, caller) if person is None else {}
    return render_console(
        request,
        caller,
        uow,
        "people_form.html",
        status_code=status_code,
        person=person,
        values=values,
        error=error,
        roles=ROLES,
        units=units,
        today=date.today().isoformat(),
        base=_base(caller),
    )


def _checked_person(
    request: Request, name: str, role: str, phone: str, date_of_birth: str
) -> tuple[dict[str, object], str | None]:
    """The store's fields from the form, or the first thing to fix."""
    name, phone = name.strip(), phone.strip()
    if not name or len(name) > 100:
        return {}, say(request, "people_form.name")
    if role not in {r.value for r in ROLES}:
        return {}, say(request, "people_form.role")
    if len(phone) > 30 or any(c not in "0123456789+- " for c in phone):
        return {}, say(request, "people_form.phone")
    born = None
    if date_of_birth.strip():
        born = parse_day(date_of_birth)
        if born is None or born > date.today():
            return {}, say(request, "people_form.date_of_birth")
    return {"name": name, "role": PersonRole(role), "phone": phone, "date_of_birth": born}, None


@router.get("/people/new")
def person_new(caller: PeopleWrite, request: Request, uow: UowDep) -> Response:
    return _person_form(request, caller, uow, values={"role": "owner"})


@router.post("/people/new")
def person_create(
    caller: PeopleWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    name: Text = "",
    role: Text = "",
    phone: Text = "",
    date_of_birth: Text = "",
    unit_id: Text = "",
    moved_in: Text = "",
) -> Response:
    """A person, and (optionally) the unit they live in, in one step."""
    check_csrf(request, csrf)
    values = {
        "name": name,
        "role": role,
        "phone": phone,
        "date_of_birth": date_of_birth,
        "unit_id": unit_id,
        "moved_in": moved_in,
    }
    fields, error = _checked_person(request, name, role, phone, date_of_birth)
    unit = None
    day = date.today()
    if error is None and unit_id:
        unit = parse_uuid(unit_id)
        if unit is None or unit not in places.unit_labels(uow, caller):
            error = say(request, "people_form.unit")
        elif moved_in.strip():
            parsed = parse_day(moved_in)
            if parsed is None:
                error = say(request, "people_form.day")
            else:
                day = parsed
    if error is not None:
        return _person_form(request, caller, uow, values=values, error=error, status_code=422)
    person = people.add_person(uow, caller, guardian_id=None, **fields)  # type: ignore[arg-type]
    if unit is not None:
        people.move_in(uow, caller, person.id, unit_id=unit, moved_in=day)
    return RedirectResponse(f"{_base(caller)}/people/{person.id}", status_code=303)


@router.get("/people/{person_id}/edit")
def person_edit(
    person_id: uuid.UUID, caller: PeopleWrite, request: Request, uow: UowDep
) -> Response:
    person = people.get_person(uow, caller, person_id)
    values = {
        "name": person.name,
        "role": person.role.value,
        "phone": person.phone,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
    }
    return _person_form(request, caller, uow, values=values, person=person)


@router.post("/people/{person_id}/edit")
def person_update(
    person_id: uuid.UUID,
    caller: PeopleWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    name: Text = "",
    role: Text = "",
    phone: Text = "",
    date_of_birth: Text = "",
) -> Response:
    check_csrf(request, csrf)
    person = people.get_person(uow, caller, person_id)
    fields, error = _checked_person(request, name, role, phone, date_of_birth)
    if error is not None:
        values = {"name": name, "role": role, "phone": phone, "date_of_birth": date_of_birth}
        return _person_form(
            request, caller, uow, values=values, person=person, error=error, status_code=422
        )
    people.update_person(uow, caller, person_id, fields)
    return RedirectResponse(f"{_base(caller)}/people/{person_id}", status_code=303)
