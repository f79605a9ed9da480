"""Processing notices (公示的处理规则) and face consent: give, refuse, list, withdraw.

Reading a community's notice needs no login: it is displayed to everyone before anyone is asked.
Consent is given per person, by the person, by the linked guardian of a child under 14, or with
staff help (the staff account is recorded). Withdrawal erases the face template and answers
with the signed deletion receipt as a JSON download.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from menwei.privacy.receipts import DeletionReceipt
from menwei.server import app_state
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.domain.errors import NotFound
from menwei.server.errors import request_locale
from menwei.server.privacy_schemas import (
    consent_answer_json,
    consent_json,
    notice_json,
    public_summary_json,
)
from menwei.server.routers import API_PREFIX
from menwei.server.routers.transparency_schemas import AnswersPublic
from menwei.server.schemas import ApiModel
from menwei.server.services import privacy, withdrawal

router = APIRouter(prefix=API_PREFIX, tags=["consent"])

NoticesWrite = Annotated[Caller, Depends(InCommunity("notices:write"))]
ConsentWrite = Annotated[Caller, Depends(InCommunity("consent:write"))]
ConsentRead = Annotated[Caller, Depends(InCommunity("consent:read"))]

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class NoticeFields(ApiModel):
    """What the community words itself; the processor's details come from its records."""

    responsible_contact: Text
    supervisor: Text
    purpose: Text | None = None
    method: Text | None = None
    retention_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    moved_out_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    alternatives: Text | None = None
    how_to_withdraw: Text | None = None
    how_to_access: Text | None = None
    how_to_delete: Text | None = None


class ConsentAnswer(ApiModel):
    give: bool = Field(description="true to consent, false to decline (recorded; not asked again)")


class Withdrawal(ApiModel):
    written_request: Annotated[str, Field(max_length=200)] | None = Field(
        default=None, description="staff only: the reference of the person's written request"
    )


def receipt_download(receipt: DeletionReceipt) -> Response:
    """The deletion receipt as a file the person keeps; ``menwei receipt verify`` checks it."""
    body = json.dumps(receipt.document(), ensure_ascii=False, indent=2, sort_keys=True)
    name = f"deletion-receipt-{receipt.receipt_id}.json"
    return Response(
        body.encode("utf-8"),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/communities/{community_id}/notice")
def current_notice(community_id: uuid.UUID, request: Request, uow: UowDep) -> dict[str, Any]:
    """The notice in force, in the reader's language. Public: no login needed."""
    found = privacy.notices(uow, community_id)
    if not found:
        raise NotFound()
    return notice_json(privacy.notice_public(found[0], request_locale(request)))


@router.get("/communities/{community_id}/transparency")
def transparency(community_id: uuid.UUID, uow: UowDep) -> dict[str, Any]:
    """For the public page: who processes face data here, whether it is on, the filing level."""
    return public_summary_json(privacy.public_summary(uow, community_id))


@router.get("/communities/{community_id}/transparency/answers")
def transparency_answers(community_id: uuid.UUID, request: Request, uow: UowDep) -> AnswersPublic:
    """The nine residents' questions answered from the records, as the public page and the
    door posters show them. Public."""
    from menwei.server.services import transparency

    found = transparency.answers(uow, community_id, at=app_state.clock(request)())
    return AnswersPublic.model_validate(found)


@router.get("/communities/{community_id}/notice/history")
def notice_history(community_id: uuid.UUID, request: Request, uow: UowDep) -> list[dict[str, Any]]:
    """Every published version, newest first. Public."""
    locale = request_locale(request)
    return [
        notice_json(privacy.notice_public(n, locale)) for n in privacy.notices(uow, community_id)
    ]


@router.post("/communities/{community_id}/notices", status_code=201)
def publish_notice(
    body: NoticeFields, caller: NoticesWrite, request: Request, uow: UowDep
) -> dict[str, Any]:
    notice = privacy.publish_notice(uow, caller, body.model_dump(), at=privacy.now())
    return notice_json(privacy.notice_public(notice, request_locale(request)))


@router.post("/communities/{community_id}/people/{person_id}/consent", status_code=201)
def answer(
    person_id: uuid.UUID, body: ConsentAnswer, caller: ConsentWrite, request: Request, uow: UowDep
) -> dict[str, Any]:
    kit = app_state.privacy_kit(request)
    return consent_answer_json(privacy.answer_consent(uow, kit, caller, person_id, give=body.give))


@router.get("/communities/{community_id}/people/{person_id}/consents")
def consents(person_id: uuid.UUID, caller: ConsentRead, uow: UowDep) -> list[dict[str, Any]]:
    return [consent_json(c) for c in privacy.consents_of(uow, caller, person_id)]


@router.post("/communities/{community_id}/people/{person_id}/consent/withdraw")
def withdraw(
    person_id: uuid.UUID, body: Withdrawal, caller: ConsentWrite, request: Request, uow: UowDep
) -> Response:
    """One action, one transaction: consent withdrawn, template shredded, cards keep working.

    The gates learn it from their change feed on their next pull."""
    kit = app_state.privacy_kit(request)
    receipt = withdrawal.withdraw(uow, kit, caller, person_id, written_request=body.written_request)
    return receipt_download(receipt)
