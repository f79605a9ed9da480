"""A resident moving into a unit's household, or out of one, from their page in the console.
A refusal (an unknown unit, a bad day, the domain's own rule) is shown on the person's page."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import people, places
from menwei.server.web.console.people_refusals import say
from menwei.server.web.console.person_page import person_page
from menwei.server.web.forms import CsrfField, Text, domain_text, parse_day, parse_uuid

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

HouseholdsWrite = Annotated[Caller, Depends(InCommunity("households:write"))]


def _back_to_person(caller: Caller, person_id: uuid.UUID) -> Response:
    return RedirectResponse(f"/office/c/{caller.community_id}/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/move-in")
def person_move_in(
    person_id: uuid.UUID,
    caller: HouseholdsWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    unit_id: Text = "",
    moved_in: Text = "",
) -> Response:
    check_csrf(request, csrf)
    unit, day = parse_uuid(unit_id), parse_day(moved_in)
    error = None
    if unit is None or unit not in places.unit_labels(uow, caller):
        error = say(request, "people_form.unit")
    elif day is None:
        error = say(request, "people_form.day")
    else:
        try:
            people.move_in(uow, caller, person_id, unit_id=unit, moved_in=day)
        except Exception as refused:
            error = domain_text(request, refused)
            if error is None or getattr(refused, "code", "") == "not_found":
                raise
    if error is not None:
        return person_page(request, caller, uow, person_id, error=error, status_code=422)
    return _back_to_person(caller, person_id)


@router.post("/people/{person_id}/households/{membership_id}/move-out")
def person_move_out(
    person_id: uuid.UUID,
    membership_id: uuid.UUID,
    caller: HouseholdsWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    moved_out: Text = "",
) -> Response:
    check_csrf(request, csrf)
    day = parse_day(moved_out)
    error = None
    if day is None:
        error = say(request, "people_form.day")
    else:
        try:
            people.move_out(uow, caller, person_id, membership_id, day)
        except Exception as refused:
            error = domain_text(request, refused)
            if error is None or getattr(refused, "code", "") == "not_found":
                raise
    if error is not None:
        return person_page(request, caller, uow, person_id, error=error, status_code=422)
    return _back_to_person(caller, person_id)
