"""Deleting a resident from the office console: asked once more, and refused while face data or
consent remains, since erasure has its own path, with a receipt."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import people, privacy
from menwei.server.web.console.frame import render_console
from menwei.server.web.console.people_refusals import say
from menwei.server.web.console.person_page import person_page
from menwei.server.web.forms import CsrfField

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

PeopleWrite = Annotated[Caller, Depends(InCommunity("people:write"))]


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}"


@router.get("/people/{person_id}/delete")
def person_delete_confirm(
    person_id: uuid.UUID, caller: PeopleWrite, request: Request, uow: UowDep
) -> Response:
    """Deleting asks once more, and says what goes with the person."""
    person = people.get_person(uow, caller, person_id)
    return render_console(
        request,
        caller,
        uow,
        "people_delete.html",
        person=person,
        person_base=f"{_base(caller)}/people/{person_id}",
    )


@router.post("/people/{person_id}/delete")
def person_delete(
    person_id: uuid.UUID, caller: PeopleWrite, request: Request, uow: UowDep, csrf: CsrfField = ""
) -> Response:
    """Refused while face data or consent remains: erasure has its own path, with a receipt."""
    check_csrf(request, csrf)
    people.get_person(uow, caller, person_id)
    held = privacy.face_data_held(uow, person_id)
    if held.consent_live or held.template_held:
        return person_page(
            request,
            caller,
            uow,
            person_id,
            error=say(request, "people_form.face_data"),
            status_code=409,
        )
    people.delete_person(uow, caller, person_id)
    return RedirectResponse(f"{_base(caller)}/people?deleted=1", status_code=303)
