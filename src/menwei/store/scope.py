"""The caller's reach: which communities a query may see. Applied inside the SQL, never after.

The server resolves a caller (role, account, device) to a ``CommunityScope`` once; every
repository read that can return another tenant's rows takes one and adds it to its ``WHERE``
clause, so a row outside the scope is never loaded at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import InstrumentedAttribute


@dataclass(frozen=True, slots=True)
class CommunityScope:
    """Either every community (``everything``) or exactly the ones in ``community_ids``."""

    community_ids: frozenset[uuid.UUID]
    everything: bool = False

    @classmethod
    def all(cls) -> CommunityScope:
        """The platform administrator's scope, and the one internal jobs run with."""
        return cls(frozenset(), everything=True)

    @classmethod
    def of(cls, community_ids: Iterable[uuid.UUID]) -> CommunityScope:
        return cls(frozenset(community_ids))

    def allows(self, community_id: uuid.UUID) -> bool:
        return self.everything or community_id in self.community_ids

    def clause(self, column: InstrumentedAttribute[uuid.UUID]) -> ColumnElement[bool]:
        """The ``WHERE`` condition limiting ``column`` (a community id column) to this scope."""
        if self.everything:
            return true()
        if not self.community_ids:
            return false()
        return column.in_(sorted(self.community_ids))
