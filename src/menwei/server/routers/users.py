"""User accounts, for administrators: create, list, read, reset a password."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from menwei.server.deps import Caller, Permit, UowDep, forget_principals
from menwei.server.pagination import Page, Paging, page_of, paging
from menwei.server.policy import AccountRole
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import accounts
from menwei.store.records import UserAccount

router = APIRouter(prefix=API_PREFIX + "/users", tags=["users"])

UsersRead = Annotated[Caller, Depends(Permit("users:read"))]
UsersWrite = Annotated[Caller, Depends(Permit("users:write"))]
PagingDep = Annotated[Paging, Depends(paging)]

UserRole = Literal[
    "platform_admin",
    "processor_admin",
    "community_staff",
    "committee_member",
    "resident",
    "supervisor",
]


class UserCreate(ApiModel):
    login: Annotated[str, Field(min_length=3, max_length=100, pattern=r"^[\w.@\-]+$")]
    password: Annotated[str, Field(min_length=10, max_length=200)]
    role: UserRole
    display_name: Annotated[str, Field(max_length=100)] = ""
    locale: Literal["zh-CN", "en"] = "zh-CN"
    processor_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    community_ids: Annotated[list[uuid.UUID], Field(max_length=500, default_factory=list)]


class PasswordReset(ApiModel):
    password: Annotated[str, Field(min_length=10, max_length=200)]


class UserPublic(BaseModel):
    """Never the password hash."""

    id: uuid.UUID
    login: str
    role: str
    display_name: str
    locale: str
    processor_id: uuid.UUID | None
    person_id: uuid.UUID | None
    community_ids: list[uuid.UUID]
    disabled: bool
    created_at: datetime | None
    last_login_at: datetime | None


def user_public(a: UserAccount) -> UserPublic:
    return UserPublic(
        id=a.id,
        login=a.login,
        role=a.role,
        display_name=a.display_name,
        locale=a.locale,
        processor_id=a.processor_id,
        person_id=a.person_id,
        community_ids=sorted(a.staff_of | a.committee_of | a.supervises),
        disabled=a.disabled,
        created_at=a.created_at,
        last_login_at=a.last_login_at,
    )


@router.get("")
def list_users(caller: UsersRead, uow: UowDep, paged: PagingDep) -> Page[UserPublic]:
    return page_of(accounts.list_accounts(uow, caller.principal), paged, user_public)


@router.post("", status_code=201)
def create_user(body: UserCreate, caller: UsersWrite, uow: UowDep) -> UserPublic:
    spec = accounts.AccountSpec(
        login=body.login,
        password=body.password,
        role=AccountRole(body.role),
        display_name=body.display_name,
        locale=body.locale,
        processor_id=body.processor_id,
        person_id=body.person_id,
        community_ids=frozenset(body.community_ids),
    )
    return user_public(accounts.create_account(uow, spec, caller.principal))


@router.get("/{user_id}")
def get_user(user_id: uuid.UUID, caller: UsersRead, uow: UowDep) -> UserPublic:
    return user_public(accounts.get_account(uow, caller.principal, user_id))


@router.post("/{user_id}/password", status_code=204)
def reset_password(
    user_id: uuid.UUID, body: PasswordReset, caller: UsersWrite, uow: UowDep, request: Request
) -> Response:
    """Set a new password; every session and token of the account ends."""
    accounts.reset_password(uow, caller.principal, user_id, body.password)
    forget_principals(request)
    return Response(status_code=204)
