"""First sign-in with a one-time invitation code from the property office.

The office issues a code for a resident (creating the resident's account if there is none);
the resident types it with their user name once, chooses a password, and is signed in. Codes
are single-use, expire after a week, and are stored only as a SHA-256 hash, as a revocable
one-time secret of the account beside its API tokens (a code can never act as a bearer token:
those need their own prefix). Issuing a new code revokes the earlier one.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from menwei.server.auth.passwords import WeakPassword, check_strength, hash_password
from menwei.server.auth.throttle import LoginThrottle
from menwei.server.auth.tokens import token_hash
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.domain.errors import (
    Conflict,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from menwei.server.policy import AccountRole
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import account_guard
from menwei.server.services.accounts import now
from menwei.store.records import ApiToken, UserAccount
from menwei.store.uow import UnitOfWork

INVITATION = "invitation"
VALID_FOR = timedelta(days=7)
#: No 0/O, 1/I/L: the code is read aloud and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12

router = APIRouter(prefix=API_PREFIX, tags=["invitations"])
InvitationsIssue = Annotated[Caller, Depends(InCommunity("invitations:issue"))]


class InvitationRequest(ApiModel):
    login: Annotated[str, Field(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")]
    display_name: Annotated[str, Field(max_length=100)] = ""


class InvitationIssued(BaseModel):
    login: str
    code: str = Field(description="Shown once, to hand to the resident; only its hash is kept.")
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Issued:
    login: str
    code: str
    expires_at: datetime


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise(code: str) -> str:
    """What the resident typed, without spaces, dashes or case."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(name: str, code: str) -> str:
    """The stored form of a one-time code of kind ``name``: a code of one kind never works
    as another."""
    return token_hash(f"{name}:{normalise(code)}")


def add_code(
    uow: UnitOfWork, account_id: uuid.UUID, name: str, code: str, expires_at: datetime
) -> None:
    """Keep a one-time code of kind ``name`` for the account, as its hash only."""
    uow.accounts.add_token(
        ApiToken(
            id=uuid.uuid4(),
            account_id=account_id,
            token_sha256=code_hash(name, code),
            name=name,
            expires_at=expires_at,
        )
    )


def issue(
    uow: UnitOfWork, caller: Caller, person_id: uuid.UUID, login: str, display_name: str = ""
) -> Issued:
    """A fresh code for the person's resident account, created here if it does not exist.

    Only a person without an account in use gets one: a code never re-opens an account the
    person already holds (that is account recovery, which ends every session and is recorded)."""
    code = new_code()
    at = now()
    with uow:
        person = uow.people.get(person_id, caller.scope)
        if person.community_id != caller.community_id:
            raise NotFound()
        account = account_guard.account_of_person(uow, person.id)
        if account is not None and (
            account.login != login.strip() or account_guard.in_use(uow, account)
        ):
            raise account_guard.person_has_account()
        if account is None and uow.accounts.by_login(login.strip()) is not None:
            raise Conflict(reason=f"login {login}")
        if account is None:
            account = UserAccount(
                id=uuid.uuid4(),
                login=login.strip(),
                password_hash=hash_password(secrets.token_urlsafe(32)),
                role=AccountRole.RESIDENT.value,
                display_name=display_name or person.name,
                person_id=person.id,
            )
            uow.accounts.save(account)
        elif account.person_id != person.id or account.role != AccountRole.RESIDENT.value:
            raise Conflict(reason=f"login {login}")
        for token in uow.accounts.tokens_of(account.id):
            if token.name == INVITATION:
                uow.accounts.revoke_token(token.id, at)
        add_code(uow, account.id, INVITATION, code, at + VALID_FOR)
        uow.commit()
    return Issued(login=account.login, code=code, expires_at=at + VALID_FOR)


class InvalidInvitation(Unauthenticated):
    code = "invalid_invitation"

    def __init__(self) -> None:
        super().__init__()


def _strong(password: str) -> str:
    try:
        check_strength(password)
    except WeakPassword:
        raise InvalidRequest(
            code="weak_password",
            details={"field": "password"},
        ) from None
    return hash_password(password)


def redeem(
    uow: UnitOfWork, throttle: LoginThrottle, *, login: str, code: str, password: str, client: str
) -> UserAccount:
    """Set the first password with a valid code; the code is spent whatever happens next."""
    return set_password_with_code(
        uow,
        throttle,
        name=INVITATION,
        digest=code_hash(INVITATION, code),
        login=login,
        password=password,
        client=client,
        spend=lambda account, token, at: uow.accounts.revoke_token(token.id, at),
    )


def set_password_with_code(
    uow: UnitOfWork,
    throttle: LoginThrottle,
    *,
    name: str,
    digest: str,
    login: str,
    password: str,
    client: str,
    spend: Callable[[UserAccount, ApiToken, datetime], None],
) -> UserAccount:
    """Set ``login``'s password with its usable one-time code ``name`` (by ``digest``).

    A wrong code counts against the throttle like a wrong password and answers as an invalid
    invitation; ``spend`` voids the code (and whatever else the step ends) in the same
    transaction that stores the new password.
    """
    locked = throttle.locked_for(login, client)
    if locked > 0:
        raise RateLimited(minutes=max(1, round(locked / 60)))
    at = now()
    with uow:
        account = uow.accounts.by_login(login.strip())
        match = None
        for token in uow.accounts.tokens_of(account.id) if account else []:
            same = hmac.compare_digest(token.token_sha256, digest)
            if token.name == name and same and token.usable_at(at):
                match = token
        if account is None or match is None or account.disabled:
            throttle.fail(login, client)
            raise InvalidInvitation()
        password_hash = _strong(password)
        uow.accounts.save(replace(account, password_hash=password_hash))
        spend(account, match, at)
        uow.accounts.record_login(account.id, at)
        uow.commit()
    throttle.succeed(login)
    return account


@router.post("/communities/{community_id}/people/{person_id}/invitation", status_code=201)
def issue_invitation(
    person_id: uuid.UUID, body: InvitationRequest, caller: InvitationsIssue, uow: UowDep
) -> InvitationIssued:
    """A one-time code for the resident's first sign-in; issuing again voids the earlier code."""
    issued = issue(uow, caller, person_id, body.login, body.display_name)
    return InvitationIssued(login=issued.login, code=issued.code, expires_at=issued.expires_at)
