"""Signing in and out: a session cookie for pages, a bearer token for API clients."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from menwei.server.auth import csrf
from menwei.server.auth.client_address import client_address
from menwei.server.deps import (
    SESSION_COOKIE,
    Caller,
    Permit,
    SettingsDep,
    UowDep,
    bearer_token,
    forget_principals,
    set_session_cookie,
)
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import accounts

router = APIRouter(prefix=API_PREFIX + "/auth", tags=["auth"])
me_router = APIRouter(prefix=API_PREFIX, tags=["auth"])

Me = Annotated[Caller, Depends(Permit("me:read"))]


class LoginRequest(ApiModel):
    login: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class TokenRequest(LoginRequest):
    name: str = Field(default="api", max_length=100)


class AccountPublic(BaseModel):
    id: uuid.UUID
    login: str
    role: str
    display_name: str
    locale: str


class SignedIn(BaseModel):
    account: AccountPublic
    expires_at: datetime


class SessionOpened(SignedIn):
    csrf_token: str = Field(
        description="Send in the X-CSRF-Token header with every change made with this session's "
        "cookie."
    )


class TokenIssued(SignedIn):
    token: str = Field(description="Shown once; only its hash is stored.")
    token_type: str = "bearer"  # noqa: S105 (the OAuth token type name)


class MePublic(BaseModel):
    kind: str
    id: uuid.UUID
    role: str
    name: str
    community_ids: list[uuid.UUID]
    person_id: uuid.UUID | None


def _public(account: accounts.UserAccount) -> AccountPublic:
    return AccountPublic(
        id=account.id,
        login=account.login,
        role=account.role,
        display_name=account.display_name,
        locale=account.locale,
    )


def _client(request: Request) -> str:
    return client_address(request, request.app.state.settings.trusted_proxies)


@router.post("/login")
def login(
    body: LoginRequest, request: Request, response: Response, uow: UowDep, settings: SettingsDep
) -> SessionOpened:
    """Open a browser session: an HttpOnly, SameSite=Lax cookie (Secure outside the demo)."""
    issued = accounts.sign_in(
        uow,
        request.app.state.throttle,
        login=body.login,
        password=body.password,
        client=_client(request),
        session_hours=settings.session_hours,
    )
    set_session_cookie(response, issued.secret, settings)
    nonce = csrf.ensure_nonce(request)
    csrf.set_nonce_cookie(request, response, nonce)
    return SessionOpened(
        account=_public(issued.account),
        expires_at=issued.expires_at,
        csrf_token=csrf.csrf_token(request, nonce, session=issued.secret),
    )


@router.post("/token")
def token(body: TokenRequest, request: Request, uow: UowDep, settings: SettingsDep) -> TokenIssued:
    """Issue a bearer token for an API client; keep it secret, it is not shown again."""
    issued = accounts.issue_api_token(
        uow,
        request.app.state.throttle,
        login=body.login,
        password=body.password,
        client=_client(request),
        name=body.name,
        days=settings.api_token_days,
    )
    return TokenIssued(
        account=_public(issued.account), expires_at=issued.expires_at, token=issued.secret
    )


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, uow: UowDep) -> Response:
    """End this session (or revoke this bearer token). Harmless when not signed in."""
    accounts.sign_out(uow, cookie=request.cookies.get(SESSION_COOKIE), bearer=bearer_token(request))
    forget_principals(request)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@me_router.get("/me")
def me(caller: Me) -> MePublic:
    principal = caller.principal
    return MePublic(
        kind=principal.kind,
        id=principal.id,
        role=principal.role.value,
        name=principal.name,
        community_ids=sorted(principal.community_ids),
        person_id=principal.person_id,
    )


class PasswordChange(ApiModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


@me_router.post("/me/password", status_code=204)
def change_password(body: PasswordChange, request: Request, caller: Me, uow: UowDep) -> Response:
    """Change your own password; every other session and token of the account ends."""
    accounts.change_own_password(
        uow,
        caller.principal,
        current=body.current_password,
        new=body.new_password,
        keep_session=request.cookies.get(SESSION_COOKIE),
        keep_token=bearer_token(request),
    )
    forget_principals(request)
    return Response(status_code=204)
