"""Login throttling: after repeated failures an account (and the address trying it) is locked.

Kept in memory per server process: a lockout that survives a restart is not worth a table, and
a process restart is rarer than the attacker's patience. Keys are the login name and the client
address, so a spray across many names from one address is stopped too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class LoginThrottle:
    """Counts failures per key within a window and locks the key for a while once over the limit."""

    def __init__(
        self,
        max_failures: int,
        lockout_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def locked_for(self, *keys: str) -> float:
        """Seconds left on the longest lock among ``keys``; 0 when none is locked."""
        now = self._clock()
        with self._lock:
            remaining = [self._records[k].locked_until - now for k in keys if k in self._records]
        return max([0.0, *remaining])

    def fail(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures = [t for t in record.failures if now - t < self.lockout_seconds]
                record.failures.append(now)
                if len(record.failures) >= self.max_failures:
                    record.locked_until = now + self.lockout_seconds
                    record.failures.clear()

    def succeed(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)
