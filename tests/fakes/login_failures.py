"""Failed sign-ins in memory, for a ``LoginThrottle`` in tests that run without a database.

The real ``LoginFailureLog`` writes each failure in its own transaction, so a failure counts
although the request's own transaction rolls back; a list kept outside any unit of work does
the same here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from menwei.store.repositories.login_failures import FailureCount


@dataclass(frozen=True, slots=True)
class _Failure:
    login_sha256: str
    client: str
    at: datetime


class FakeLoginFailures:
    def __init__(self) -> None:
        self._failures: list[_Failure] = []

    def for_login(self, login_sha256: str, *, since: datetime) -> FailureCount:
        found = [f.at for f in self._failures if f.login_sha256 == login_sha256 and f.at >= since]
        return FailureCount(len(found), max(found, default=None))

    def accounts_from(self, client: str, *, since: datetime) -> FailureCount:
        found = [f for f in self._failures if f.client == client and f.at >= since]
        last = max((f.at for f in found), default=None)
        return FailureCount(len({f.login_sha256 for f in found}), last)

    def add(self, login_sha256: str, client: str, *, at: datetime, forget_before: datetime) -> None:
        self._failures = [f for f in self._failures if f.at >= forget_before]
        self._failures.append(_Failure(login_sha256, client, at))

    def forgive(self, login_sha256: str) -> None:
        self._failures = [f for f in self._failures if f.login_sha256 != login_sha256]
