"""Assisted enrolment: staff help a resident (often elderly) on the office's phone.

The notice is shown for the resident to read (or to be read to them), the answer is the
resident's own, pressed by them, and the consent record names the staff member who helped.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.privacy_schemas import NoticeOut
from menwei.server.services import places, privacy
from menwei.server.services.transparency import local
from menwei.server.web.face_off import face_off_page
from menwei.server.web.forms import CsrfField
from menwei.server.web.templating import page_locale, render

PREFIX = "/office/c/{community_id}/people/{person_id}"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

ConsentHelp = Annotated[Caller, Depends(InCommunity("consent:write"))]
Inviting = Annotated[Caller, Depends(InCommunity("invitations:issue"))]
EnrolHelp = Annotated[Caller, Depends(InCommunity("face:enrol"))]


def _base(community_id: uuid.UUID, person_id: uuid.UUID) -> str:
    return f"/office/c/{community_id}/people/{person_id}"


@router.get("/consent")
def assisted_question(
    person_id: uuid.UUID, caller: ConsentHelp, request: Request, uow: UowDep
) -> Response:
    """The notice, then the resident's own choice between two equal buttons."""
    acting = privacy.acting_for(uow, caller, person_id)
    base = _base(acting.person.community_id, person_id)
    off = face_off_page(request, uow, acting.person.community_id, base)
    if off is not None:
        return off
    found = privacy.notices(uow, acting.person.community_id)
    shown = privacy.notice_public(found[0], page_locale(request)) if found else None
    notice = None if shown is None else NoticeOut.of(shown)
    return render(
        request,
        "assisted_consent.html",
        person=acting.person,
        notice=notice,
        action=_base(acting.person.community_id, person_id) + "/consent",
    )


@router.post("/consent")
def assisted_answer(
    person_id: uuid.UUID,
    caller: ConsentHelp,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    answer: Annotated[str, Form(pattern="^(agree|disagree)$")],
) -> Response:
    """Recorded as staff-assisted, naming the staff account; refusal ends here."""
    check_csrf(request, csrf)
    kit = app_state.privacy_kit(request)
    privacy.answer_consent(uow, kit, caller, person_id, give=answer == "agree")
    assert caller.community_id is not None
    if answer == "agree":
        return RedirectResponse(_base(caller.community_id, person_id) + "/enrol", status_code=303)
    return render(request, "assisted_refused.html")


@router.get("/enrol")
def assisted_enrol(
    person_id: uuid.UUID, caller: EnrolHelp, request: Request, uow: UowDep
) -> Response:
    """The same camera page as the resident's own, enrolling the helped person."""
    acting = privacy.acting_for(uow, caller, person_id)
    base = _base(acting.person.community_id, person_id)
    off = face_off_page(request, uow, acting.person.community_id, base)
    if off is not None:
        return off
    if not privacy.face_data_record(uow, person_id).consent_live:
        return RedirectResponse(base + "/consent", status_code=303)
    return render(
        request,
        "enrol.html",
        community_id=acting.person.community_id,
        person_id=person_id,
        done_url=_base(acting.person.community_id, person_id) + "/enrolled",
    )


@router.get("/enrolled")
def assisted_done(person_id: uuid.UUID, caller: EnrolHelp, request: Request) -> Response:
    return render(request, "assisted_done.html")


@router.get("/invitation")
def invitation_form(
    person_id: uuid.UUID, caller: Inviting, request: Request, uow: UowDep
) -> Response:
    """The office prepares a resident's first sign-in: a user name and a one-time code."""
    acting = privacy.acting_for(uow, caller, person_id)
    base = _base(acting.person.community_id, person_id)
    return render(
        request, "office_invitation.html", person=acting.person, action=base + "/invitation"
    )


@router.post("/invitation")
def invitation_issue(
    person_id: uuid.UUID,
    caller: Inviting,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    login: Annotated[str, Form(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")],
) -> Response:
    """The code is shown once, to hand over on paper; issuing again voids the earlier one."""
    from menwei.server.web.accounts import invitations

    check_csrf(request, csrf)
    issued = invitations.issue(uow, caller, person_id, login)
    acting = privacy.acting_for(uow, caller, person_id)
    return render(
        request,
        "office_invitation.html",
        person=acting.person,
        issued=issued,
        valid_until=local(issued.expires_at, places.get_community(uow, caller).timezone),
        action=_base(acting.person.community_id, person_id) + "/invitation",
    )
