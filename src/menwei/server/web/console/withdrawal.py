"""The office records a withdrawal made on paper or in person, after a confirmation step, and
prints the deletion receipt for the person; anyone can check a printed receipt by its QR code."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from menwei.privacy.errors import PrivacyError
from menwei.privacy.receipts import DeletionReceipt
from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.domain.errors import NotFound
from menwei.server.policy import AccountRole
from menwei.server.services import paper_withdrawal as paper
from menwei.server.services import privacy, withdrawal
from menwei.server.services.transparency import local
from menwei.server.web.console.frame import community_zone, render_console
from menwei.server.web.forms import CsrfField, translated
from menwei.server.web.templating import page_locale, render

router = APIRouter(tags=["pages"], include_in_schema=False)
PERSON = "/office/c/{community_id}/people/{person_id}/withdraw"
RECEIPT = "/office/c/{community_id}/receipts/{receipt_id}"

ConsentHelp = Annotated[Caller, Depends(InCommunity("consent:write"))]


def _staff(caller: Caller) -> None:
    """The office page is for staff; a resident withdraws from their own 我的数据 page."""
    if caller.principal.role is AccountRole.RESIDENT:
        raise NotFound()


def _confirm(
    request: Request,
    caller: Caller,
    uow: UowDep,
    person_id: uuid.UUID,
    *,
    reference: str = "",
    problem: str = "",
    status_code: int = 200,
) -> Response:
    acting = privacy.acting_for(uow, caller, person_id)
    return render_console(
        request,
        caller,
        uow,
        "withdraw_confirm.html",
        status_code=status_code,
        person=acting.person,
        reference=reference,
        problem=problem,
        action=PERSON.format(community_id=caller.community_id, person_id=person_id),
        back=f"/office/c/{caller.community_id}/people/{person_id}",
    )


@router.get(PERSON)
def withdraw_confirm(
    person_id: uuid.UUID, caller: ConsentHelp, request: Request, uow: UowDep
) -> Response:
    """What will happen, and the paper's reference, before anything is deleted."""
    _staff(caller)
    return _confirm(request, caller, uow, person_id)


@router.post(PERSON)
def withdraw_on_paper(
    person_id: uuid.UUID,
    caller: ConsentHelp,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    reference: Annotated[str, Form(max_length=200)] = "",
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Withdraw and erase as one action, recorded with the paper's reference; then the receipt."""
    check_csrf(request, csrf)
    _staff(caller)
    reference = reference.strip()
    if not reference or confirmed != "yes":
        problem = translated(
            request,
            "Enter the reference of the signed paper request and tick the confirmation.",
        )
        return _confirm(
            request, caller, uow, person_id, reference=reference, problem=problem, status_code=422
        )
    try:
        receipt = withdrawal.withdraw(
            uow, app_state.privacy_kit(request), caller, person_id, written_request=reference
        )
    except PrivacyError as refused:
        return _confirm(
            request,
            caller,
            uow,
            person_id,
            reference=reference,
            problem=refused.message(page_locale(request)),
            status_code=409,
        )
    target = RECEIPT.format(community_id=caller.community_id, receipt_id=receipt.receipt_id)
    return RedirectResponse(target, status_code=303)


def _readable(uow: UowDep, receipt: DeletionReceipt, zone: str) -> dict[str, Any]:
    return {
        "id": str(receipt.receipt_id),
        "processor": receipt.processor,
        "deleted_at": local(receipt.deleted_at, zone),
        "issued_at": local(receipt.issued_at, zone),
        "versions": len(receipt.face_template_versions),
        "key_destroyed": receipt.key_destroyed,
        "doors": paper.doors_told(uow, receipt),
        "fingerprint": paper.grouped(paper.fingerprint(receipt)),
    }


@router.get(RECEIPT)
def receipt_page(
    receipt_id: uuid.UUID,
    caller: ConsentHelp,
    request: Request,
    uow: UowDep,
    download: str = "",
) -> Response:
    """The receipt in plain words, to print and hand over; the signed JSON alongside."""
    _staff(caller)
    assert caller.community_id is not None
    receipt = paper.stored_receipt(uow, receipt_id, caller.community_id)
    if download == "json":
        from menwei.server.routers.consent import receipt_download

        return receipt_download(receipt)
    import segno

    digest = paper.fingerprint(receipt)
    verify = str(request.url_for("receipt_check", receipt_id=receipt_id)) + f"?fp={digest}"
    qr = segno.make(verify, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=True)
    zone = community_zone(uow, caller).key
    return render_console(
        request,
        caller,
        uow,
        "receipt_print.html",
        r=_readable(uow, receipt, zone),
        qr_svg=qr,
        verify_url=verify,
        json_url=f"{RECEIPT.format(community_id=caller.community_id, receipt_id=receipt_id)}"
        "?download=json",
        signed=json.dumps(receipt.document(), ensure_ascii=False, indent=2, sort_keys=True),
    )


@router.get("/receipts/{receipt_id}")
def receipt_check(
    receipt_id: uuid.UUID,
    request: Request,
    uow: UowDep,
    fp: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Public: is this a receipt the system issued, unaltered, with this fingerprint?"""
    receipt = paper.stored_receipt(uow, receipt_id)
    result = paper.check(receipt, fp)
    deleted_at = local(receipt.deleted_at, paper.zone_of(uow, receipt))
    return render(
        request, "receipt_check.html", result=result, receipt_id=receipt_id, deleted_at=deleted_at
    )
