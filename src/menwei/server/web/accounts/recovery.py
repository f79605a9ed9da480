"""Account recovery after a lost phone: started by staff at the office, finished by the person.

Staff start it for a person who stands at the counter. That ends every session and token of
the person's account at once, writes an entry the person sees on their own audit page, and
gives a one-time code to hand over in person. The person then sets a new password themselves
with the code; staff never choose or learn it. The code is single-use, lasts a day and is
stored only as a hash.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from menwei.privacy.audit import AuditAction
from menwei.server.app_state import privacy_kit
from menwei.server.auth.client_address import client_address
from menwei.server.auth.throttle import LoginThrottle
from menwei.server.deps import Caller, InCommunity, UowDep, forget_principals
from menwei.server.domain.errors import NotFound
from menwei.server.policy import AccountRole
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services.accounts import now
from menwei.server.web.accounts.invitations import (
    add_code,
    code_hash,
    new_code,
    set_password_with_code,
)
from menwei.store.uow import UnitOfWork

RECOVERY = "recovery"
VALID_FOR = timedelta(days=1)

router = APIRouter(prefix=API_PREFIX, tags=["account recovery"])
RecoveryStart = Annotated[Caller, Depends(InCommunity("invitations:issue"))]


class RecoveryRequest(ApiModel):
    office_record: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="How the person was identified at the counter (e.g. the paper form number)."
    )


class RecoveryStarted(BaseModel):
    login: str
    code: str = Field(description="Hand it to the person in person; only its hash is kept.")
    expires_at: datetime


class RecoveryFinish(ApiModel):
    login: Annotated[str, Field(min_length=1, max_length=100)]
    code: Annotated[str, Field(min_length=1, max_length=40)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


def start(
    uow: UnitOfWork,
    caller: Caller,
    kit_of,
    person_id: uuid.UUID,
    office_record: str,
) -> RecoveryStarted:
    """End everything the account holds, record it for the person to see, issue a code."""
    code, at = new_code(), now()
    with uow:
        person = uow.people.get(person_id, caller.scope)
        if person.community_id != caller.community_id:
            raise NotFound()
        account = uow.accounts.by_person(person.id)
        if account is None or account.role != AccountRole.RESIDENT.value:
            raise NotFound()
        uow.accounts.end_everything(account.id, at)
        add_code(uow, account.id, RECOVERY, code, at + VALID_FOR)
        kit_of().chain(uow.privacy).append(
            at=at,
            actor=f"staff:{caller.principal.name}",
            action=AuditAction.ACCOUNT_RECOVERY,
            person_id=person.id,
            community_id=person.community_id,
            detail={"office_record": office_record, "staff_account": str(caller.principal.id)},
        )
        uow.commit()
    return RecoveryStarted(login=account.login, code=code, expires_at=at + VALID_FOR)


def finish(
    uow: UnitOfWork, throttle: LoginThrottle, *, login: str, code: str, password: str, client: str
) -> None:
    """The person sets their new password with the code; the code is spent."""
    set_password_with_code(
        uow,
        throttle,
        name=RECOVERY,
        digest=code_hash(RECOVERY, code),
        login=login,
        password=password,
        client=client,
        spend=lambda account, _token, at: uow.accounts.end_everything(account.id, at),
    )


@router.post("/communities/{community_id}/people/{person_id}/recovery", status_code=201)
def start_recovery(
    person_id: uuid.UUID,
    body: RecoveryRequest,
    caller: RecoveryStart,
    uow: UowDep,
    request: Request,
) -> RecoveryStarted:
    """Start account recovery at the office: every session and token ends now; the person sets
    the new password themselves with the code handed to them."""
    started = start(uow, caller, lambda: privacy_kit(request), person_id, body.office_record)
    forget_principals(request)
    return started


@router.post("/auth/recover", status_code=204)
def finish_recovery(body: RecoveryFinish, request: Request, uow: UowDep) -> None:
    """Set your new password with the recovery code the office handed you."""
    client = client_address(request, request.app.state.settings.trusted_proxies)
    finish(
        uow,
        request.app.state.throttle,
        login=body.login,
        code=body.code,
        password=body.password,
        client=client,
    )
