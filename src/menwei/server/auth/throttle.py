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

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from menwei.store.tables.accounts import LoginFailureRow

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
        session_factory: sessionmaker[Session],
        *,
        max_failures: int,
        lockout_seconds: float,
        spray_accounts: int = SPRAY_ACCOUNTS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = session_factory
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
        with self._sessions() as session:
            count, last = session.execute(
                select(func.count(), func.max(LoginFailureRow.failed_at)).where(
                    LoginFailureRow.login_sha256 == login_digest(login),
                    LoginFailureRow.failed_at >= since,
                )
            ).one()
            accounts, last_from_client = session.execute(
                select(
                    func.count(func.distinct(LoginFailureRow.login_sha256)),
                    func.max(LoginFailureRow.failed_at),
                ).where(LoginFailureRow.client == client, LoginFailureRow.failed_at >= since)
            ).one()
        waits = [0.0]
        if last is not None:
            waits.append((_aware(last) - now).total_seconds() + self.delay_after(count))
        if last_from_client is not None and accounts >= self.spray_accounts:
            waits.append((_aware(last_from_client) - now).total_seconds() + self.lockout_seconds)
        return max(waits)

    def fail(self, login: str, client: str) -> None:
        """Count a failure, and forget the ones older than the window."""
        now = self._clock()
        with self._sessions() as session, session.begin():
            session.add(
                LoginFailureRow(login_sha256=login_digest(login), client=client, failed_at=now)
            )
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.failed_at < now - WINDOW))

    def succeed(self, login: str) -> None:
        """The right password: the account's failures are forgiven (the address's stay)."""
        with self._sessions() as session, session.begin():
            session.execute(
                delete(LoginFailureRow).where(LoginFailureRow.login_sha256 == login_digest(login))
            )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
