"""Who may do what, in one table, and whose data they may touch: the only place roles are checked.

Every route names one permission (``Permit("doors:write")`` in ``deps``). ``POLICY`` maps each
permission to the roles that hold it; the scope resolver below then decides whether the caller
may touch the community (or door, or person) the request is about. Handlers never check roles.
A route with no entry here is refused by the tests, so a new route cannot slip through open.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class AccountRole(StrEnum):
    PLATFORM_ADMIN = "platform_admin"  # runs the installation
    PROCESSOR_ADMIN = "processor_admin"  # the property company / committee / government body
    COMMUNITY_STAFF = "community_staff"  # property office staff of some communities
    COMMITTEE_MEMBER = "committee_member"  # 业委会成员: reads and votes
    RESIDENT = "resident"  # their own data only
    SUPERVISOR = "supervisor"  # 监管: aggregates across supervised communities, never personal data
    DEVICE = "device"  # a gate agent, scoped to its own doors


USER_ROLES = frozenset(AccountRole) - {AccountRole.DEVICE}

_ADMINS = frozenset({AccountRole.PLATFORM_ADMIN, AccountRole.PROCESSOR_ADMIN})
_OFFICE = _ADMINS | {AccountRole.COMMUNITY_STAFF}
_READERS = _OFFICE | {AccountRole.COMMITTEE_MEMBER}

#: permission -> roles that hold it. Scope (which community, which door) is checked separately.
POLICY: Mapping[str, frozenset[AccountRole]] = {
    "me:read": USER_ROLES,
    "processors:read": _ADMINS,
    "processors:write": frozenset({AccountRole.PLATFORM_ADMIN}),
    "communities:read": _READERS | {AccountRole.SUPERVISOR},
    "communities:write": _ADMINS,
    "communities:stats": _READERS | {AccountRole.SUPERVISOR},
    "buildings:read": _READERS,
    "buildings:write": _OFFICE,
    "units:read": _READERS,
    "units:write": _OFFICE,
    # who may see person ids at all (group member lists, who asked a question): never the
    # committee, which sees counts only
    "people:read": _OFFICE,
    "people:write": _OFFICE,
    "households:read": _OFFICE,
    "households:write": _OFFICE,
    "credentials:read": _OFFICE,
    "credentials:write": _OFFICE,
    "passes:issue": _OFFICE,
    "me:passes": frozenset({AccountRole.RESIDENT}),
    "doors:read": _READERS,
    "doors:write": _OFFICE,
    "groups:read": _READERS,
    "groups:write": _OFFICE,
    "devices:read": _OFFICE,
    "devices:write": _OFFICE,
    "events:read": _OFFICE,
    "events:export": _OFFICE,
    "events:ingest": frozenset({AccountRole.DEVICE}),
    "device:sync": frozenset({AccountRole.DEVICE}),
    "imports:write": _OFFICE,
    "users:read": _ADMINS,
    "users:write": _ADMINS,
    "notices:write": _OFFICE,
    "consent:read": _OFFICE | {AccountRole.RESIDENT},
    "consent:write": _OFFICE | {AccountRole.RESIDENT},
    "face:enrol": _OFFICE | {AccountRole.RESIDENT},
    "face:read": _OFFICE,
    "me:privacy": frozenset({AccountRole.RESIDENT}),
    "requests:read": _OFFICE,
    "requests:resolve": _OFFICE,
    "compliance:read": _READERS,  # the owners' committee reads where the community stands
    "compliance:write": _OFFICE,
    "invitations:issue": _OFFICE,
    # governance: the supervisor reads aggregates only (``supervision:read``), never these records
    "votes:read": _READERS | {AccountRole.RESIDENT},
    "votes:write": _READERS,
    "votes:cast": frozenset({AccountRole.RESIDENT}),
    "ballots:read": _OFFICE,
    # paper ballots are entered by the owners' committee of the community, never the property
    # company whose proposal may be the one being voted on
    "ballots:record": frozenset({AccountRole.COMMITTEE_MEMBER}),
    "public_notices:read": _READERS,
    "public_notices:write": _READERS,
    "questions:ask": frozenset({AccountRole.RESIDENT}),
    "questions:read": _READERS,
    "questions:answer": _READERS,
    "supervision:read": frozenset({AccountRole.SUPERVISOR, AccountRole.PLATFORM_ADMIN}),
    # a supervisor's order switches a community's face recognition off (never on)
    "supervision:order": frozenset({AccountRole.SUPERVISOR}),
    # an official answers public questions of supervised communities; never sees private ones
    "questions:answer_public": frozenset({AccountRole.SUPERVISOR}),
    "supervisors:write": frozenset({AccountRole.PLATFORM_ADMIN}),  # label a supervisor's level
}

#: Routes anyone may call: probes, metrics, the login itself and the API description.
PUBLIC_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/auth/login",
        "/api/v1/auth/token",
        "/api/v1/auth/logout",
        "/api/v1/auth/recover",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/api/v1/communities/{community_id}/notice",
        "/api/v1/communities/{community_id}/notice/history",
        "/api/v1/communities/{community_id}/transparency",
        "/api/v1/communities/{community_id}/transparency/answers",
        "/api/v1/communities/{community_id}/votes/public",
        "/api/v1/communities/{community_id}/questions/public",
        "/api/v1/communities/{community_id}/public-notices/public",
        "/signin",
        "/signout",
        "/invite",
        "/lang/{locale}",
        "/c/{community_id}",
        "/c/{community_id}/poster/{door_id}",
        # the door tablet's page shell: it holds nothing until a registration code signs it in,
        # and every frame it sends is checked against that device's token
        "/kiosk",
        "/receipts/{receipt_id}",
        "/c/{community_id}/mine/{where}",
    }
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller, as far as authorisation cares: a role and the scope it reaches."""

    kind: str  # "user" or "device"
    id: uuid.UUID
    role: AccountRole
    name: str = ""
    processor_id: uuid.UUID | None = None
    community_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    person_id: uuid.UUID | None = None
    door_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    locale: str | None = None


def holds(principal: Principal, permission: str) -> bool:
    """Whether the caller's role holds ``permission``; unknown permissions are held by nobody."""
    return principal.role in POLICY.get(permission, frozenset())


def reaches_community(
    principal: Principal, community_id: uuid.UUID, processor_id: uuid.UUID | None
) -> bool:
    """Whether the caller may see anything of ``community_id`` (run by ``processor_id``).

    Platform admins reach every community; a processor admin the communities of their own
    processor; staff, committee members, supervisors and residents the ones they are assigned
    to; a device the community of its doors.
    """
    if principal.role is AccountRole.PLATFORM_ADMIN:
        return True
    if principal.role is AccountRole.PROCESSOR_ADMIN:
        return processor_id is not None and processor_id == principal.processor_id
    return community_id in principal.community_ids


def reaches_processor(principal: Principal, processor_id: uuid.UUID) -> bool:
    if principal.role is AccountRole.PLATFORM_ADMIN:
        return True
    return principal.role is AccountRole.PROCESSOR_ADMIN and principal.processor_id == processor_id


def reaches_door(principal: Principal, door_id: uuid.UUID) -> bool:
    """A device reaches only its own doors; this is what scopes its event uploads."""
    if principal.role is AccountRole.DEVICE:
        return door_id in principal.door_ids
    return True


def reaches_person(principal: Principal, person_id: uuid.UUID) -> bool:
    """A resident reaches only themself; every other role is limited by community scope instead."""
    if principal.role is AccountRole.RESIDENT:
        return principal.person_id == person_id
    return True
