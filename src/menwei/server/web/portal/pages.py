"""The resident portal: sign in, read the notice, answer the consent question, see my data.

Consent is its own step, after the notice, with "agree" and "disagree" of equal weight;
disagreeing leads straight to the card, PIN and QR options and is never asked again.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.server import app_state
from menwei.server.auth.client_address import client_address
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import (
    SESSION_COOKIE,
    Caller,
    Permit,
    SettingsDep,
    UowDep,
    forget_principals,
    set_session_cookie,
)
from menwei.server.domain.errors import ApiError
from menwei.server.errors import status_of
from menwei.server.privacy_schemas import (
    NoticeOut,
    PublicSummaryOut,
    audit_entry_json,
    my_data_json,
)
from menwei.server.services import accounts, places, privacy, withdrawal
from menwei.server.services.transparency import local
from menwei.server.web.console.frame import landing_path
from menwei.server.web.face_off import face_off_page
from menwei.server.web.forms import CsrfField, translated
from menwei.server.web.templating import page_locale, render

router = APIRouter(tags=["pages"], include_in_schema=False)

Resident = Annotated[Caller, Depends(Permit("me:privacy"))]
Host = Annotated[Caller, Depends(Permit("me:passes"))]
PASS_HOURS = (4, 24, 72)


def _community_id(caller: Caller) -> Any:
    ids = sorted(caller.principal.community_ids)
    return ids[0] if ids else None


def _refused(request: Request, template: str, error: ApiError, **values: Any) -> Response:
    """The form again, with why it was refused in the page's language and what was typed."""
    text = error.render(page_locale(request))
    return render(request, template, status_code=status_of(error), error=text, **values)


@router.get("/signin")
def signin_form(request: Request) -> Response:
    return render(request, "signin.html")


@router.post("/signin")
def signin(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    csrf: CsrfField,
    login: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    """Check the password, open a session, and go to the resident's own page."""
    check_csrf(request, csrf)
    try:
        issued = accounts.sign_in(
            uow,
            request.app.state.throttle,
            login=login,
            password=password,
            client=client_address(request, settings.trusted_proxies),
            session_hours=settings.session_hours,
        )
    except ApiError as error:
        return _refused(request, "signin.html", error, login=login)
    response = RedirectResponse(landing_path(issued.account.role), status_code=303)
    set_session_cookie(response, issued.secret, settings)
    return response


@router.get("/invite")
def invitation_form(request: Request) -> Response:
    return render(request, "invite.html")


@router.post("/invite")
def invitation(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    csrf: CsrfField,
    login: Annotated[str, Form(max_length=100)],
    code: Annotated[str, Form(max_length=40)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    """First sign-in: the office's one-time code and a password of the resident's choosing."""
    from menwei.server.web.accounts import invitations

    check_csrf(request, csrf)
    client = client_address(request, settings.trusted_proxies)
    try:
        invitations.redeem(
            uow,
            request.app.state.throttle,
            login=login,
            code=code,
            password=password,
            client=client,
        )
    except ApiError as error:
        return _refused(request, "invite.html", error, login=login)
    return signin(request, uow, settings, csrf, login, password)


Signed = Annotated[Caller, Depends(Permit("me:read"))]


@router.get("/account/password")
def password_form(request: Request, caller: Signed) -> Response:
    return render(request, "password.html")


@router.post("/account/password")
def password_change(
    request: Request,
    caller: Signed,
    uow: UowDep,
    csrf: CsrfField,
    current_password: Annotated[str, Form(max_length=200)],
    new_password: Annotated[str, Form(max_length=200)],
) -> Response:
    """Change one's own password; every other session and token of the account ends."""
    check_csrf(request, csrf)
    try:
        accounts.change_own_password(
            uow,
            caller.principal,
            current=current_password,
            new=new_password,
            keep_session=request.cookies.get(SESSION_COOKIE),
            keep_token=None,
        )
    except ApiError as error:
        return _refused(request, "password.html", error)
    forget_principals(request)
    return render(request, "password.html", done=True)


@router.post("/signout")
def signout(request: Request, uow: UowDep, csrf: CsrfField) -> Response:
    check_csrf(request, csrf)
    accounts.sign_out(uow, cookie=request.cookies.get(SESSION_COOKIE), bearer=None)
    forget_principals(request)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/my")
def my_home(caller: Resident, request: Request, uow: UowDep) -> Response:
    """The community's notice first; the consent question comes on its own page after it."""
    community_id = _community_id(caller)
    found = privacy.notices(uow, community_id) if community_id else []
    shown = privacy.notice_public(found[0], page_locale(request)) if found else None
    notice = None if shown is None else NoticeOut.of(shown)
    held = my_data_json(privacy.my_data(uow, caller))
    return render(request, "my_home.html", caller=caller, notice=notice, held=held)


@router.get("/my/consent")
def consent_question(caller: Resident, request: Request, uow: UowDep) -> Response:
    off = face_off_page(request, uow, _community_id(caller), "/my")
    return off or render(request, "consent.html", caller=caller)


@router.post("/my/consent")
def consent_answer(
    caller: Resident,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    answer: Annotated[str, Form(pattern="^(agree|disagree)$")],
) -> Response:
    """Record the resident's own answer; "disagree" goes straight to the other ways in."""
    check_csrf(request, csrf)
    give = answer == "agree"
    privacy.answer_consent(
        uow, app_state.privacy_kit(request), caller, privacy.own_person_id(caller), give=give
    )
    return RedirectResponse("/my/enrol" if give else "/my/alternatives", status_code=303)


@router.get("/my/enrol")
def enrol_page(caller: Resident, request: Request, uow: UowDep) -> Response:
    """The camera page; only after the resident's own live consent."""
    off = face_off_page(request, uow, _community_id(caller), "/my")
    if off is not None:
        return off
    if not privacy.my_data(uow, caller).face_data.consent_live:
        return RedirectResponse("/my", status_code=303)
    return render(
        request,
        "enrol.html",
        community_id=_community_id(caller),
        person_id=privacy.own_person_id(caller),
    )


@router.get("/my/alternatives")
def alternatives(caller: Resident, request: Request, uow: UowDep) -> Response:
    """Card, PIN and QR: the ways in that never need a face."""
    community_id = _community_id(caller)
    found = privacy.public_summary(uow, community_id) if community_id else None
    summary = None if found is None else PublicSummaryOut.of(found)
    held = my_data_json(privacy.my_data(uow, caller))
    return render(request, "alternatives.html", summary=summary, held=held)


@router.get("/my/data")
def my_data(caller: Resident, request: Request, uow: UowDep) -> Response:
    """What is held about me, every audit entry about me, my consents and credentials."""
    kit = app_state.privacy_kit(request)
    held = my_data_json(privacy.my_data(uow, caller))
    audit = [audit_entry_json(e) for e in privacy.my_audit(uow, kit, caller)]
    from zoneinfo import ZoneInfo

    from menwei.server.services import audit_readable

    zone = ZoneInfo(places.own_community_zone(uow, caller))
    lines = audit_readable.readable(uow, audit, str(privacy.own_person_id(caller)), zone)
    return render(request, "my_data.html", held=held, audit=audit, lines=lines)


@router.get("/my/erase")
def erase_confirm(caller: Resident, request: Request) -> Response:
    """What erasing does, in plain words, before anything changes."""
    return render(request, "erase_confirm.html")


@router.post("/my/erase")
def erase(
    caller: Resident,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Withdraw and erase; the signed receipt is shown and offered as a file to keep.
    Only from the confirmation page: a post without its confirmation shows that page again
    and changes nothing."""
    check_csrf(request, csrf)
    if confirmed != "yes":
        problem = translated(request, "Nothing was erased. Confirm below to erase your face data.")
        return render(request, "erase_confirm.html", problem=problem, status_code=422)
    receipt = withdrawal.erase_mine(uow, app_state.privacy_kit(request), caller)
    body = json.dumps(receipt.document(), ensure_ascii=False, indent=2, sort_keys=True)
    encoded = base64.b64encode(body.encode("utf-8")).decode("ascii")
    name = f"deletion-receipt-{receipt.receipt_id}.json"
    return render(
        request,
        "receipt.html",
        receipt=receipt,
        receipt_text=body,
        receipt_b64=encoded,
        receipt_name=name,
    )


def _pass_doors(uow: UowDep, caller: Caller) -> list[Any]:
    """The doors a resident may open to a guest, as the pass service decides them."""
    from menwei.server.services.credentials import resident_doors

    person_id = privacy.own_person_id(caller)
    with uow:
        host = uow.people.get(person_id, caller.scope)
        allowed = resident_doors(uow, host, caller.scope)
        doors = uow.places.doors(caller.scope, community_id=host.community_id)
    return [d for d in doors if d.id in allowed]


@router.get("/my/passes")
def passes_form(caller: Host, request: Request, uow: UowDep) -> Response:
    return render(request, "passes.html", doors=_pass_doors(uow, caller), hours=PASS_HOURS)


@router.post("/my/passes")
def issue_pass(
    caller: Host,
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    csrf: CsrfField,
    visitor_name: Annotated[str, Form(min_length=1, max_length=100)],
    hours: Annotated[int, Form()],
    door_ids: Annotated[list[uuid.UUID], Form(min_length=1, max_length=32)],
    visitor_phone: Annotated[str, Form(max_length=30, pattern=r"^[0-9+\- ]*$")] = "",
) -> Response:
    """A QR pass for a guest, shown as a code to send or show; it opens only the chosen doors."""
    import segno

    from menwei.server.services import credentials

    check_csrf(request, csrf)
    if hours not in PASS_HOURS:
        hours = PASS_HOURS[0]
    issued = credentials.issue_pass(
        uow,
        caller,
        pass_keys=credentials.pass_key_ring(settings),
        visitor_name=visitor_name.strip(),
        visitor_phone=visitor_phone,
        door_ids=frozenset(door_ids),
        valid_from=None,
        valid_until=datetime.now(UTC) + timedelta(hours=hours),
        max_uses=1,
    )
    qr = segno.make(issued.token, error="m").svg_inline(scale=5, omitsize=True)
    until = issued.qr_pass.validity.valid_until
    zone = places.own_community_zone(uow, caller)
    return render(
        request,
        "pass_issued.html",
        visitor=issued.visitor.name,
        qr_svg=qr,
        valid_until=local(until, zone),
    )
