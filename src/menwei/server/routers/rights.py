"""Rights requests: residents open them, staff see the deadlines and resolve or refuse."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from menwei.privacy.rights import RequestKind
from menwei.server import app_state
from menwei.server.deps import Caller, InCommunity, Permit, UowDep
from menwei.server.privacy_schemas import request_json
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import rights

router = APIRouter(prefix=API_PREFIX, tags=["rights requests"])

Me = Annotated[Caller, Depends(Permit("me:privacy"))]
RequestsRead = Annotated[Caller, Depends(InCommunity("requests:read"))]
RequestsResolve = Annotated[Caller, Depends(InCommunity("requests:resolve"))]


class NewRequest(ApiModel):
    kind: RequestKind
    details: Annotated[str, Field(max_length=2000)] = ""
    wrong: Annotated[str, Field(max_length=200)] = ""
    correct: Annotated[str, Field(max_length=200)] = ""


class Refusal(ApiModel):
    reason: Annotated[str, Field(max_length=2000)]


@router.post("/me/requests", status_code=201)
def open_request(body: NewRequest, caller: Me, request: Request, uow: UowDep) -> dict[str, Any]:
    kit = app_state.privacy_kit(request)
    opened = rights.open_mine(
        uow,
        kit,
        caller,
        kind=body.kind,
        details=body.details,
        wrong=body.wrong,
        correct=body.correct,
    )
    return request_json(opened)


@router.get("/me/requests")
def my_requests(caller: Me, uow: UowDep) -> list[dict[str, Any]]:
    return [request_json(r) for r in rights.mine(uow, caller)]


@router.get("/communities/{community_id}/requests")
def open_requests(caller: RequestsRead, uow: UowDep) -> list[dict[str, Any]]:
    return [request_json(r) for r in rights.open_in_community(uow, caller)]


@router.post("/communities/{community_id}/requests/{request_id}/fulfil")
def fulfil(
    request_id: uuid.UUID, caller: RequestsResolve, request: Request, uow: UowDep
) -> dict[str, Any]:
    return request_json(rights.resolve(uow, app_state.privacy_kit(request), caller, request_id))


@router.post("/communities/{community_id}/requests/{request_id}/refuse")
def refuse(
    request_id: uuid.UUID, body: Refusal, caller: RequestsResolve, request: Request, uow: UowDep
) -> dict[str, Any]:
    """Refusing needs a reason: the person reads it."""
    kit = app_state.privacy_kit(request)
    return request_json(rights.refuse(uow, kit, caller, request_id, reason=body.reason))
