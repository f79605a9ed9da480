"""Accounts: sign-in, sessions and tokens, and turning a credential into a ``Principal``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from menwei.server.auth.passwords import (
    WeakPassword,
    check_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from menwei.server.auth.throttle import LoginThrottle
from menwei.server.auth.tokens import (
    DEVICE_TOKEN_PREFIX,
    SESSION_PREFIX,
    USER_TOKEN_PREFIX,
    new_token,
    token_hash,
)
from menwei.server.domain.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    RateLimited,
    Unauthenticated,
)
from menwei.server.policy import USER_ROLES, AccountRole, Principal
from menwei.server.services import account_guard
from menwei.store.ports import UnitOfWorkPort
from menwei.store.records import ApiToken, Device, LoginSession, UserAccount
from menwei.store.scope import CommunityScope
from menwei.text import Bilingual


def now() -> datetime:
    return datetime.now(UTC)


def principal_of(uow: UnitOfWorkPort, account: UserAccount) -> Principal:
    """The role and reach of an account, resolved once per request."""
    role = AccountRole(account.role)
    communities: frozenset[uuid.UUID] = frozenset()
    if role is AccountRole.PROCESSOR_ADMIN and account.processor_id is not None:
        communities = uow.places.community_ids_of_processor(account.processor_id)
    elif role is AccountRole.COMMUNITY_STAFF:
        communities = account.staff_of
    elif role is AccountRole.COMMITTEE_MEMBER:
        communities = account.committee_of
    elif role is AccountRole.SUPERVISOR:
        communities = account.supervises
    elif role is AccountRole.RESIDENT and account.person_id is not None:
        person = uow.people.get(account.person_id, CommunityScope.all())
        communities = frozenset({person.community_id})
    return Principal(
        kind="user",
        id=account.id,
        role=role,
        name=account.display_name or account.login,
        processor_id=account.processor_id,
        community_ids=communities,
        person_id=account.person_id,
        locale=account.locale,
    )


#: How long a gate's token lasts without a sync, unless the settings say otherwise.
DEVICE_TOKEN_DAYS = 30


class DeviceTokenExpired(Unauthenticated):
    """A gate's token lapsed: the gate did not sync within the token's lifetime."""

    code = "device_token_expired"

    def __init__(self, days: int) -> None:
        super().__init__(
            headers={"WWW-Authenticate": "Bearer"},
            details={"lifetime_days": days},
            days=days,
        )


def device_token_expires_at(device: Device, days: int) -> datetime:
    """A gate's token lasts ``days`` from its last sync (each sync renews it), or from its
    registration before the first."""
    renewed = device.last_seen_at or device.created_at or now()
    return renewed + timedelta(days=days)


def principal_for_bearer(
    uow: UnitOfWorkPort, token: str, *, device_token_days: int = DEVICE_TOKEN_DAYS
) -> Principal | None:
    """The caller behind an ``Authorization: Bearer`` token, or ``None`` if it opens nothing.

    A gate's token that lapsed is refused with ``DeviceTokenExpired``, which says what to do.
    """
    digest = token_hash(token)
    at = now()
    if token.startswith(DEVICE_TOKEN_PREFIX):
        device = uow.devices.by_token_hash(digest)
        if device is None:
            return None
        if at >= device_token_expires_at(device, device_token_days):
            raise DeviceTokenExpired(device_token_days)
        return Principal(
            kind="device",
            id=device.id,
            role=AccountRole.DEVICE,
            name=device.name,
            community_ids=frozenset({device.community_id}),
            door_ids=device.door_ids,
        )
    if not token.startswith(USER_TOKEN_PREFIX):
        return None
    record = uow.accounts.token_by_hash(digest)
    if record is None or not record.usable_at(at):
        return None
    account = uow.accounts.get(record.account_id)
    if account.disabled:
        return None
    return principal_of(uow, account)


def principal_for_session(uow: UnitOfWorkPort, cookie: str) -> Principal | None:
    record = uow.accounts.session_by_hash(token_hash(cookie), now())
    if record is None:
        return None
    account = uow.accounts.get(record.account_id)
    if account.disabled:
        return None
    return principal_of(uow, account)


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    """A token or session secret, returned to its owner once and never again."""

    secret: str
    expires_at: datetime
    account: UserAccount


def _authenticate(
    uow: UnitOfWorkPort, throttle: LoginThrottle, login: str, password: str, client: str
) -> UserAccount:
    locked = throttle.locked_for(login, client)
    if locked > 0:
        minutes = max(1, round(locked / 60))
        raise RateLimited(minutes=minutes, headers={"Retry-After": str(int(locked) + 1)})
    account = uow.accounts.by_login(login.strip())
    if not verify_password(account.password_hash if account else None, password):
        throttle.fail(login, client)
        raise Unauthenticated(code="invalid_credentials")
    assert account is not None
    if account.disabled:
        raise Forbidden(code="account_disabled")
    throttle.succeed(login)
    if needs_rehash(account.password_hash):
        account = uow.accounts.save(replace(account, password_hash=hash_password(password)))
    uow.accounts.record_login(account.id, now())
    return account


def sign_in(
    uow: UnitOfWorkPort,
    throttle: LoginThrottle,
    *,
    login: str,
    password: str,
    client: str,
    session_hours: int,
) -> IssuedSecret:
    """Check a password and open a browser session; the cookie value is returned once."""
    with uow:
        account = _authenticate(uow, throttle, login, password, client)
        secret = new_token(SESSION_PREFIX)
        expires = now() + timedelta(hours=session_hours)
        uow.accounts.add_session(
            LoginSession(
                id=uuid.uuid4(),
                account_id=account.id,
                token_sha256=token_hash(secret),
                expires_at=expires,
            )
        )
        uow.commit()
    return IssuedSecret(secret, expires, account)


def issue_api_token(
    uow: UnitOfWorkPort,
    throttle: LoginThrottle,
    *,
    login: str,
    password: str,
    client: str,
    name: str,
    days: int,
) -> IssuedSecret:
    """Check a password and issue a bearer token for API clients; stored only as a hash."""
    with uow:
        account = _authenticate(uow, throttle, login, password, client)
        secret = new_token(USER_TOKEN_PREFIX)
        expires = now() + timedelta(days=days)
        uow.accounts.add_token(
            ApiToken(
                id=uuid.uuid4(),
                account_id=account.id,
                token_sha256=token_hash(secret),
                name=name,
                expires_at=expires,
            )
        )
        uow.commit()
    return IssuedSecret(secret, expires, account)


def sign_out(uow: UnitOfWorkPort, *, cookie: str | None, bearer: str | None) -> None:
    with uow:
        if cookie:
            uow.accounts.end_session(token_hash(cookie))
        if bearer and bearer.startswith(USER_TOKEN_PREFIX):
            record = uow.accounts.token_by_hash(token_hash(bearer))
            if record is not None:
                uow.accounts.revoke_token(record.id, now())
        uow.commit()


# administration ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSpec:
    """What an administrator fills in for a new account."""

    login: str
    password: str
    role: AccountRole
    display_name: str = ""
    locale: str = "zh-CN"
    processor_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    community_ids: frozenset[uuid.UUID] = frozenset()


def _checked_password(password: str, *user_inputs: str) -> str:
    try:
        check_strength(password, user_inputs)
    except WeakPassword as error:
        raise InvalidRequest(
            code="weak_password",
            details={"field": "password", "problem": str(error)},
            message_id="weak_password_explained",
            problem=Bilingual("", str(error)),
        ) from None
    return hash_password(password)


def _may_manage(
    actor: Principal | None, spec_role: AccountRole, processor_id: uuid.UUID | None
) -> None:
    """Platform admins manage everyone; a processor admin only accounts of their processor."""
    if actor is None or actor.role is AccountRole.PLATFORM_ADMIN:
        return
    if actor.role is AccountRole.PROCESSOR_ADMIN:
        if spec_role is AccountRole.PLATFORM_ADMIN or processor_id != actor.processor_id:
            raise Forbidden()
        return
    raise Forbidden()


def _reach(spec: AccountSpec, role: AccountRole) -> frozenset[uuid.UUID]:
    """The communities the new account reaches through ``role``'s relation (staff of, committee
    of, supervises), or none when it holds another role."""
    return spec.community_ids if spec.role is role else frozenset()


def create_account(uow: UnitOfWorkPort, spec: AccountSpec, actor: Principal | None) -> UserAccount:
    """Create an account with its community reach; ``actor`` is ``None`` for the CLI."""
    if spec.role not in USER_ROLES:
        raise InvalidRequest(reason=f"role {spec.role}")
    _may_manage(actor, spec.role, spec.processor_id)
    with uow:
        if uow.accounts.by_login(spec.login.strip()) is not None:
            raise Conflict(reason=f"login {spec.login}")
        scope = CommunityScope.all()
        if actor is not None and actor.role is AccountRole.PROCESSOR_ADMIN:
            scope = CommunityScope.of(actor.community_ids)
        for community_id in spec.community_ids:
            uow.places.community(community_id, scope)
        if spec.processor_id is not None:
            uow.places.processor(spec.processor_id)
        if spec.person_id is not None:
            uow.people.get(spec.person_id, scope)
            account_guard.refuse_second_account(uow, spec.person_id)
        account = UserAccount(
            id=uuid.uuid4(),
            login=spec.login.strip(),
            password_hash=_checked_password(spec.password, spec.login, spec.display_name),
            role=spec.role.value,
            display_name=spec.display_name,
            locale=spec.locale,
            processor_id=spec.processor_id,
            person_id=spec.person_id,
            staff_of=_reach(spec, AccountRole.COMMUNITY_STAFF),
            committee_of=_reach(spec, AccountRole.COMMITTEE_MEMBER),
            supervises=_reach(spec, AccountRole.SUPERVISOR),
        )
        uow.accounts.save(account)
        uow.commit()
    return account


def list_accounts(uow: UnitOfWorkPort, actor: Principal) -> list[UserAccount]:
    with uow:
        if actor.role is AccountRole.PLATFORM_ADMIN:
            return uow.accounts.list()
        return uow.accounts.list(processor_id=actor.processor_id)


def get_account(uow: UnitOfWorkPort, actor: Principal, account_id: uuid.UUID) -> UserAccount:
    """An account the actor may manage; others look absent (404), not forbidden."""
    with uow:
        account = uow.accounts.get(account_id)
    if actor.role is not AccountRole.PLATFORM_ADMIN and account.processor_id != actor.processor_id:
        raise_not_found()
    return account


def raise_not_found() -> None:
    from menwei.server.domain.errors import NotFound

    raise NotFound()


def reset_password(
    uow: UnitOfWorkPort, actor: Principal | None, account_id: uuid.UUID, password: str
) -> None:
    """Set a new password and end every session and token of the account.

    A resident's password is never set by an administrator: that goes through recovery."""
    password_hash = _checked_password(password)
    with uow:
        account = uow.accounts.get(account_id)
        foreign = actor is not None and actor.processor_id != account.processor_id
        if foreign and actor is not None and actor.role is not AccountRole.PLATFORM_ADMIN:
            raise_not_found()
        account_guard.refuse_setting_resident_password(actor, account)
        uow.accounts.set_password_hash(account_id, password_hash)
        uow.commit()


def change_own_password(
    uow: UnitOfWorkPort,
    principal: Principal,
    *,
    current: str,
    new: str,
    keep_session: str | None,
    keep_token: str | None,
) -> None:
    """The account holder changes their own password; every other session and token ends.

    The session or token the change was made with stays open, so the person is not thrown out
    of the page they are on; anyone else holding the account is."""
    if principal.kind != "user":
        raise Forbidden()
    with uow:
        account = uow.accounts.get(principal.id)
        if not verify_password(account.password_hash, current):
            raise InvalidRequest(
                code="wrong_password",
                details={"field": "current_password"},
            )
        password_hash = _checked_password(new)
        uow.accounts.set_password_hash(
            account.id,
            password_hash,
            keep_session=token_hash(keep_session) if keep_session else None,
            keep_token=token_hash(keep_token) if keep_token else None,
        )
        uow.commit()


def account_by_login(uow: UnitOfWorkPort, login: str) -> UserAccount | None:
    with uow:
        return uow.accounts.by_login(login.strip())
