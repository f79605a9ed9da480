"""A short-lived cache of who a token belongs to, so a read does not cost three auth queries.

Entries live ``ttl`` seconds (``principal_cache_seconds``, 5 by default). Anything that ends a
token in this process — sign out, password reset, device revocation, an account change — clears
the cache at once. On PostgreSQL every other server process clears its cache too, the moment the
change commits: triggers on the identity tables send ``NOTIFY menwei_principals`` and each
process listens (``menwei.server.auth.invalidation``). While a process is not listening (SQLite,
or its listening connection is down during a database failover) the cache is off, so a
revocation is never missed; on SQLite, one process serves the database. Keys are SHA-256
digests, never the secrets themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from menwei.server.policy import Principal


class PrincipalCache:
    def __init__(
        self,
        ttl: float = 5.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        *,
        enabled: bool = True,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self._enabled = enabled

    @property
    def generation(self) -> int:
        """Take before a database look-up and give to ``put``: a clear in between wins."""
        return self._generation

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._entries[digest]
                return None
            return entry[1]

    def put(self, digest: str, principal: Principal, generation: int | None = None) -> None:
        """Remember ``principal`` unless the cache was cleared since ``generation`` was read.

        A look-up that started before a revocation committed may still carry the old answer;
        storing it after the clear would let the revoked token work for another ``ttl``.
        """
        with self._lock:
            if not self._enabled:
                return
            if generation is not None and generation != self._generation:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[digest] = (self._clock() + self.ttl, principal)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1

    def set_enabled(self, enabled: bool) -> None:
        """Turn caching on (changes will be heard) or off and empty (they might not be)."""
        with self._lock:
            self._enabled = enabled
            self._entries.clear()
            self._generation += 1
