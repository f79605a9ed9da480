"""One resident's page in the office console: who they are, where they live, their ways in, and
the assisted face-recognition steps. Face data is never shown, only whether consent is in force
and a template is held. The forms that act on a person show their refusals on this page."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.policy import holds
from menwei.server.services import credentials, people, places, privacy
from menwei.server.web.console.frame import community_zone, render_console

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

PeopleRead = Annotated[Caller, Depends(InCommunity("people:read"))]


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}"


def _declined_on(uow: UowDep, caller: Caller, person_id: uuid.UUID) -> str:
    """The day the person declined face recognition (shown as 不再询问), or ``""``."""
    declined = privacy.do_not_ask(uow, person_id)
    if declined is None:
        return ""
    return declined.astimezone(community_zone(uow, caller)).strftime("%Y-%m-%d")


def person_page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    person_id: uuid.UUID,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    """The person's page, with ``error`` shown at its top when a form on it was refused."""
    person = people.get_person(uow, caller, person_id)
    labels = places.unit_labels(uow, caller)
    memberships = people.memberships(uow, caller, person_id)
    held = privacy.face_data_held(uow, person_id)
    kinds: dict[str, int] = {}
    for credential in credentials.of_person(uow, caller, person_id):
        if getattr(getattr(credential, "validity", None), "revoked_at", None) is None:
            kind = type(credential).__name__
            kinds[kind] = kinds.get(kind, 0) + 1
    return render_console(
        request,
        caller,
        uow,
        "people_detail.html",
        status_code=status_code,
        person=person,
        memberships=[
            {"m": m, "label": labels.get(m.unit_id, "?"), "current": m.moved_out is None}
            for m in memberships
        ],
        units=labels,
        credential_kinds=kinds,
        consent_live=held.consent_live,
        template_held=held.template_held,
        may_enrol=privacy.may_be_face_enrolled(person),
        declined_on=_declined_on(uow, caller, person_id),
        error=error,
        today=date.today().isoformat(),
        base=_base(caller),
        person_base=f"{_base(caller)}/people/{person_id}",
        may_write=holds(caller.principal, "people:write"),
        may_move=holds(caller.principal, "households:write"),
    )


@router.get("/people/{person_id}")
def person_detail(
    person_id: uuid.UUID, caller: PeopleRead, request: Request, uow: UowDep
) -> Response:
    """Who, where they live, their ways in, and the assisted face-recognition steps."""
    return person_page(request, caller, uow, person_id)
