"""A short-lived cache of who a token belongs to, so a read does not cost three auth queries.

Entries live ``ttl`` seconds (5 by default). Anything that ends a token in this process — sign
out, password reset, device revocation, an account change — clears the cache at once; another
server process sees such a change within ``ttl`` seconds. Keys are SHA-256 digests, never the
secrets themselves.
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
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._entries[digest]
                return None
            return entry[1]

    def put(self, digest: str, principal: Principal) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[digest] = (self._clock() + self.ttl, principal)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
