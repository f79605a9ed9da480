"""The office's credentials page: cards, PINs, QR passes and enrolled faces of the community.

A PIN is never shown, only whether one is set; a face shows only that it is enrolled and the
state of the consent behind it, never anything of the template. Cards and PINs are issued
here; faces only through enrolment, with consent.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from menwei.core import (
    Card,
    CredentialKind,
    FaceCredential,
    Person,
    PinCredential,
    QrPass,
    holder_id,
)
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import credentials, people
from menwei.server.web.console.access_forms import (
    CHOOSE_ONE,
    NOT_FOUND,
    REFUSALS,
    message,
    refusal_text,
)
from menwei.server.web.console.frame import render_console
from menwei.server.web.forms import CsrfField, Text, parse_uuid
from menwei.server.web.paging import page_count, page_number, pager

PREFIX = "/office/c/{community_id}/credentials"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

Reading = Annotated[Caller, Depends(InCommunity("credentials:read"))]
Writing = Annotated[Caller, Depends(InCommunity("credentials:write"))]
Filter = Annotated[str, Query(max_length=100)]

PAGE_SIZE = 50
KINDS = ("card", "pin", "qr", "face")
STATUSES = ("active", "revoked", "expired")
CARD_PATTERN = re.compile(r"^[0-9A-Fa-f:\- ]{4,64}$")
PIN_PATTERN = re.compile(r"^[0-9]{6,12}$")

BAD_CARD = message(
    "A card number has 4 to 64 characters: digits, letters A to F, spaces, colons or dashes, "
    "as printed on the card or shown by the reader."
)
BAD_PIN = message("A PIN is 6 to 12 digits.")
NO_PERSON = message("Choose the person first.")
BAD_FILTER = message("That filter is not recognised; showing everything instead.")
DONE = {
    "card": message("The card was issued. It works at the doors after the next sync."),
    "pin": message("The PIN was set. It is not shown again; any earlier PIN no longer works."),
    "revoked": message("The credential was revoked. It stops working after the next sync."),
}


@dataclass(frozen=True, slots=True)
class Row:
    """One credential as the list shows it."""

    id: uuid.UUID
    kind: str
    holder: Person | None
    holder_id: uuid.UUID
    detail: str  # the card number; empty for the others
    status: str
    valid_from: str
    valid_until: str
    consent_withdrawn: bool


def _status(credential: Any, at: datetime) -> str:
    validity = credential.validity
    if validity.revoked_at is not None and validity.revoked_at <= at:
        return "revoked"
    if validity.valid_until is not None and validity.valid_until <= at:
        return "expired"
    return "active"


def _day(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d")


def _row(credential: Any, holder: Person | None, at: datetime) -> Row:
    if isinstance(credential, Card):
        kind, detail, holder_id = "card", credential.uid, credential.person_id
    elif isinstance(credential, PinCredential):
        kind, detail, holder_id = "pin", "", credential.person_id
    elif isinstance(credential, QrPass):
        kind, detail, holder_id = "qr", "", credential.holder_id
    else:
        assert isinstance(credential, FaceCredential)
        kind, detail, holder_id = "face", "", credential.person_id
    return Row(
        id=credential.id,
        kind=kind,
        holder=holder,
        holder_id=holder_id,
        detail=detail,
        status=_status(credential, at),
        valid_from=_day(credential.validity.valid_from),
        valid_until=_day(credential.validity.valid_until),
        consent_withdrawn=isinstance(credential, FaceCredential)
        and credential.consent_withdrawn_at is not None,
    )


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}/credentials"


def _person_of_community(uow: UowDep, caller: Caller, person_id: uuid.UUID | None) -> Person | None:
    """The person, if they belong to this community (another community's look absent)."""
    if person_id is None:
        return None
    try:
        person = people.get_person(uow, caller, person_id)
    except REFUSALS:
        return None
    return person if person.community_id == caller.community_id else None


def _page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    kind: str = "",
    status: str = "",
    person: str = "",
    page: int = 1,
    problems: dict[str, str] | None = None,
    refusal: str = "",
    typed: dict[str, str] | None = None,
    done: str = "",
    status_code: int = 200,
) -> Response:
    notes = []
    if kind not in ("", *KINDS) or status not in ("", *STATUSES):
        notes.append(BAD_FILTER)
        kind, status = "", ""
    chosen = None
    if person:
        chosen = _person_of_community(uow, caller, parse_uuid(person))
        if chosen is None:
            notes.append(NOT_FOUND)
    at = datetime.now(UTC)
    found = credentials.in_community(uow, caller, kind=CredentialKind(kind) if kind else None)
    rows = [_row(credential, holder, at) for credential, holder in found]
    if chosen is not None:
        rows = [row for row in rows if row.holder_id == chosen.id]
    if status:
        rows = [row for row in rows if row.status == status]
    rows.sort(key=lambda row: (row.holder.name if row.holder else "", row.kind, row.valid_from))
    pages = page_count(len(rows), PAGE_SIZE)
    page = min(max(page, 1), pages)
    filters = {"kind": kind, "status": status, "person": str(chosen.id) if chosen else ""}
    kept = {name: value for name, value in filters.items() if value}
    people_list, _ = people.list_people(
        uow, caller, role=None, name_contains=None, limit=1000, offset=0
    )
    return render_console(
        request,
        caller,
        uow,
        "credentials_list.html",
        status_code=status_code,
        rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(rows),
        page=page,
        pages=pages,
        pager_links=pager(
            page, lambda n: f"{_base(caller)}?{urlencode({**kept, 'page': n})}", pages=pages
        ),
        filters=filters,
        kinds=KINDS,
        statuses=STATUSES,
        chosen=chosen,
        people=[p for p in people_list if p.role.value != "visitor"],
        notes=notes,
        problems=problems or {},
        refusal=refusal,
        typed=typed or {},
        done=DONE.get(done, ""),
        base=_base(caller),
    )


@router.get("")
def credentials_list(
    caller: Reading,
    request: Request,
    uow: UowDep,
    kind: Filter = "",
    status: Filter = "",
    person: Filter = "",
    page: Filter = "1",
    done: Filter = "",
) -> Response:
    """Every credential of the community, filtered by kind, status and holder."""
    number = page_number(page)
    return _page(
        request, caller, uow, kind=kind, status=status, person=person, page=number, done=done
    )


def _back(caller: Caller, person_id: uuid.UUID, done: str) -> Response:
    query = urlencode({"person": str(person_id), "done": done})
    return RedirectResponse(f"{_base(caller)}?{query}", status_code=303)


@router.post("/cards")
def issue_card(
    caller: Writing,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    person: Text = "",
    card_uid: Text = "",
) -> Response:
    """A card for a person of this community; a number already in use is refused plainly."""
    check_csrf(request, csrf)
    problems: dict[str, str] = {}
    holder = _person_of_community(uow, caller, parse_uuid(person))
    if holder is None:
        problems["person"] = NO_PERSON if not person else NOT_FOUND
    if not CARD_PATTERN.match(card_uid.strip()):
        problems["card_uid"] = BAD_CARD
    if holder is None or problems:
        return _page(
            request, caller, uow, person=person, problems=problems,
            typed={"card_uid": card_uid[:64]}, status_code=422,
        )  # fmt: skip
    try:
        credentials.issue_card(
            uow, caller, holder.id, uid=card_uid.strip(), facility_code=None,
            valid_from=None, valid_until=None,
        )  # fmt: skip
    except REFUSALS as error:
        return _page(
            request, caller, uow, person=person, refusal=refusal_text(request, error),
            typed={"card_uid": card_uid[:64]}, status_code=409,
        )  # fmt: skip
    return _back(caller, holder.id, "card")


@router.post("/pins")
def set_pin(
    caller: Writing,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    person: Text = "",
    pin: Text = "",
) -> Response:
    """A new PIN replaces the earlier one; it is never echoed back, not even on an error."""
    check_csrf(request, csrf)
    problems: dict[str, str] = {}
    holder = _person_of_community(uow, caller, parse_uuid(person))
    if holder is None:
        problems["pin_person"] = NO_PERSON if not person else NOT_FOUND
    if not PIN_PATTERN.match(pin):
        problems["pin"] = BAD_PIN
    if holder is None or problems:
        return _page(request, caller, uow, person=person, problems=problems, status_code=422)
    try:
        credentials.set_pin(uow, caller, holder.id, pin=pin, valid_until=None)
    except REFUSALS as error:
        return _page(
            request, caller, uow, person=person, refusal=refusal_text(request, error),
            status_code=422,
        )  # fmt: skip
    return _back(caller, holder.id, "pin")


def _confirm_revoke(
    request: Request, caller: Caller, uow: UowDep, credential_id: uuid.UUID, status_code: int = 200
) -> Response:
    credential = credentials.get(uow, caller, credential_id)
    row = _row(credential, None, datetime.now(UTC))
    holder = _person_of_community(uow, caller, row.holder_id)
    return render_console(
        request,
        caller,
        uow,
        "credential_revoke.html",
        status_code=status_code,
        row=row,
        holder=holder,
        action=f"{_base(caller)}/{credential_id}/revoke",
        back=f"{_base(caller)}?person={row.holder_id}",
    )


@router.get("/{credential_id}/revoke")
def revoke_confirm(
    caller: Writing, request: Request, uow: UowDep, credential_id: uuid.UUID
) -> Response:
    """Whose credential, which one, and what revoking does, before anything changes."""
    try:
        return _confirm_revoke(request, caller, uow, credential_id)
    except REFUSALS as error:
        return _page(request, caller, uow, refusal=refusal_text(request, error), status_code=404)


@router.post("/{credential_id}/revoke")
def revoke(
    caller: Writing,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    credential_id: str,
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Revoked, not deleted: the record stays for the audit of who could open which door.
    Only after the confirmation page: an unconfirmed post shows that page again."""
    check_csrf(request, csrf)
    found = parse_uuid(credential_id)
    if found is None:
        return _page(
            request, caller, uow, refusal="", problems={"revoke": CHOOSE_ONE}, status_code=404
        )
    if confirmed != "yes":
        try:
            return _confirm_revoke(request, caller, uow, found, status_code=422)
        except REFUSALS as error:
            text = refusal_text(request, error)
            return _page(request, caller, uow, refusal=text, status_code=404)
    try:
        revoked = credentials.revoke(uow, caller, found)
    except REFUSALS as error:
        return _page(request, caller, uow, refusal=refusal_text(request, error), status_code=404)
    return _back(caller, holder_id(revoked), "revoked")
