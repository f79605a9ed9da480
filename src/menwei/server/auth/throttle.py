"""Login throttling, kept in the database so every server process and a restart share it.

Per account, failures grow the wait: the first ``max_failures`` are free, then each further
failure doubles it (30 s, 1 min, 2 min … up to ``lockout_seconds``). Someone guessing at an
account is slowed to a crawl, while the account's owner waits at most the current delay, not a
fixed 15 minutes someone else can renew at will.

Per address, a lock only for failures spread over many accounts (``spray_accounts`` distinct
logins within the window): a password spray. Five residents behind one NAT who mistype their
own passwords never lock each other out.

Failures are rows of ``login_failures`` written in their own short transaction, so a failed
sign-in is counted although the request's own transaction rolls back. The login is stored as a
SHA-256 digest only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from menwei.store.repositories.login_failures import LoginFailureLog

#: The first wait after the free failures; each further failure doubles it.
FIRST_DELAY_SECONDS = 30.0
#: How long a failure counts: long enough to remember a slow guesser, short enough to forget.
WINDOW = timedelta(hours=1)
#: Distinct logins failed from one address within the window before the address is locked.
SPRAY_ACCOUNTS = 10


def login_digest(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()


class LoginThrottle:
    """Growing delays per account, and a lock per address for failures across many accounts."""

    def __init__(
        self,
        failures: LoginFailureLog,
        *,
        max_failures: int,
        lockout_seconds: float,
        spray_accounts: int = SPRAY_ACCOUNTS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._failures = failures
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self.spray_accounts = spray_accounts
        self._clock = clock

    def delay_after(self, failures: int) -> float:
        """Seconds an account waits after ``failures`` recent failures (0 while they are free)."""
        extra = failures - self.max_failures
        if extra < 0:
            return 0.0
        return min(self.lockout_seconds, FIRST_DELAY_SECONDS * 2 ** min(extra, 30))

    def locked_for(self, login: str, client: str) -> float:
        """Seconds until ``login`` may be tried from ``client`` again; 0 when it may now."""
        now = self._clock()
        since = now - WINDOW
        digest = login_digest(login)
        account = self._failures.for_login(digest, since=since)
        spray = self._failures.accounts_from(client, since=since)
        waits = [0.0]
        if account.last is not None:
            waits.append(
                (_aware(account.last) - now).total_seconds() + self.delay_after(account.count)
            )
        if spray.last is not None and spray.count >= self.spray_accounts:
            waits.append((_aware(spray.last) - now).total_seconds() + self.lockout_seconds)
        return max(waits)

    def fail(self, login: str, client: str) -> None:
        """Count a failure, and forget the ones older than the window."""
        now = self._clock()
        self._failures.add(login_digest(login), client, at=now, forget_before=now - WINDOW)

    def succeed(self, login: str) -> None:
        """The right password: the account's failures are forgiven (the address's stay)."""
        self._failures.forgive(login_digest(login))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
