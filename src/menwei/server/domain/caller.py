"""The authenticated caller a service acts for, as a plain value.

``server.deps`` builds one from a request once the role has been checked; services, the CLI and
tests build one directly. Nothing here knows how the caller proved who they are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from menwei.server.policy import AccountRole, Principal
from menwei.store.scope import CommunityScope


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated caller allowed this route, with the scope its reads are limited to."""

    principal: Principal
    scope: CommunityScope
    community_id: uuid.UUID | None = None

    @property
    def id(self) -> uuid.UUID:
        return self.principal.id


def scope_of(principal: Principal) -> CommunityScope:
    """Every community for a platform admin, else the communities the principal serves."""
    if principal.role is AccountRole.PLATFORM_ADMIN:
        return CommunityScope.all()
    return CommunityScope.of(principal.community_ids)
