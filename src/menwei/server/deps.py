"""The request's dependencies, as ``Annotated`` aliases: the one place callers are checked.

``Permit("doors:write")`` authenticates the caller and checks the role against ``POLICY``;
``InCommunity("doors:write")`` does that and then checks that the ``community_id`` in the path is
within the caller's reach. Handlers receive a ``Caller`` and never look at roles themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Path, Request, Response

from menwei.server.auth.cache import PrincipalCache
from menwei.server.auth.csrf import check_same_site
from menwei.server.auth.tokens import SESSION_COOKIE, token_hash
from menwei.server.domain.caller import Caller, scope_of
from menwei.server.domain.errors import Forbidden, NotFound, Unauthenticated
from menwei.server.policy import POLICY, Principal, holds
from menwei.server.services.accounts import principal_for_bearer, principal_for_session
from menwei.settings import Settings
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


def set_session_cookie(response: Response, secret: str, settings: Settings) -> None:
    """The session cookie, one way for the API and the pages: HttpOnly, SameSite=Lax, Secure
    outside the demo, for as long as the session lasts."""
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work; the service function opens and commits it."""
    return UnitOfWork(request.app.state.session_factory)


async def get_read_uow(request: Request) -> UnitOfWork:
    """A unit of work on the read standby (``read_database_url``), else on the primary.

    Only for pages that write nothing and may be a few seconds stale: a standby refuses
    writes, and it replays the primary's changes a moment after they commit.
    """
    return UnitOfWork(request.app.state.read_session_factory)


SettingsDep = Annotated[Settings, Depends(get_settings)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
ReadUowDep = Annotated[UnitOfWork, Depends(get_read_uow)]


def forget_principals(request: Request) -> None:
    """Call after anything that ends a token or changes an account's reach."""
    request.app.state.principals.clear()


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _look_up(request: Request, token: str | None, secret: str) -> Principal | None:
    uow = UnitOfWork(request.app.state.session_factory)
    with uow:
        if token:
            days = request.app.state.settings.device_token_days
            return principal_for_bearer(uow, token, device_token_days=days)
        return principal_for_session(uow, secret)


async def authenticate(request: Request) -> Principal:
    """Who is calling: a bearer token (API, devices) or a session cookie (pages).

    A change made with the cookie must also pass ``check_same_site``; bearer tokens are never
    sent by a browser on its own, so they need no CSRF token.

    Async on purpose: a cached caller costs no thread hop, and only a cache miss goes to the
    database, in a worker thread.
    """
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token = bearer_token(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    secret = token or cookie
    if not secret:
        raise Unauthenticated(headers={"WWW-Authenticate": "Bearer"})
    cache: PrincipalCache = request.app.state.principals
    digest = ("b:" if token else "c:") + token_hash(secret)
    principal = cache.get(digest)
    if principal is None:
        generation = cache.generation
        principal = await anyio.to_thread.run_sync(_look_up, request, token, secret)
        if principal is None:
            raise Unauthenticated(headers={"WWW-Authenticate": "Bearer"})
        cache.put(digest, principal, generation)
    if token is None:
        await check_same_site(request)
    request.state.principal = principal
    request.state.locale = principal.locale
    return principal


class Permit:
    """Dependency: the caller holds ``permission`` (403 otherwise). Installation-wide routes."""

    def __init__(self, permission: str) -> None:
        if permission not in POLICY:
            raise KeyError(f"permission {permission!r} has no entry in POLICY")
        self.permission = permission

    async def __call__(self, request: Request) -> Caller:
        principal = await authenticate(request)
        if not holds(principal, self.permission):
            raise Forbidden()
        return Caller(principal, scope_of(principal))


class InCommunity(Permit):
    """Dependency: ``Permit`` plus the path's ``community_id`` within the caller's reach.

    A community outside the reach answers 404, exactly as one that does not exist, so staff of
    one community cannot even learn which other communities exist.
    """

    async def __call__(  # type: ignore[override]
        self, request: Request, community_id: Annotated[uuid.UUID, Path()]
    ) -> Caller:
        caller = await super().__call__(request)
        if not caller.scope.allows(community_id):
            raise NotFound()
        return Caller(caller.principal, CommunityScope.of([community_id]), community_id)


def permitted(permission: str) -> object:
    return Annotated[Caller, Depends(Permit(permission))]


def in_community(permission: str) -> object:
    return Annotated[Caller, Depends(InCommunity(permission))]


@dataclass(frozen=True, slots=True)
class RouteEntry:
    """One route of the app and the permission it demands (``None`` for a public route)."""

    path: str
    methods: frozenset[str]
    permission: str | None
    in_community: bool


def _permits(dependant: object) -> list[Permit]:
    found: list[Permit] = []
    for sub in getattr(dependant, "dependencies", []) or []:
        call = getattr(sub, "call", None)
        if isinstance(call, Permit):
            found.append(call)
        found.extend(_permits(sub))
    return found


def route_table(app: object) -> list[RouteEntry]:
    """Every HTTP route with its permission: what the role x route test matrix runs over."""
    from fastapi import routing

    routes = app.routes  # type: ignore[attr-defined]
    iterate = getattr(routing, "iter_route_contexts", None)
    contexts = list(iterate(routes)) if iterate is not None else list(routes)
    table = []
    for route in contexts:
        methods = getattr(route, "methods", None)
        path = getattr(route, "path", None)
        if not methods or path is None:
            continue
        permits = _permits(getattr(route, "dependant", None))
        table.append(
            RouteEntry(
                path=path,
                methods=frozenset(methods) - {"HEAD"},
                permission=permits[0].permission if permits else None,
                in_community=any(isinstance(p, InCommunity) for p in permits),
            )
        )
    return table
