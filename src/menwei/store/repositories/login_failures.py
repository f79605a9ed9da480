"""Failed sign-ins, counted per account (by digest) and per address, each in its own short
transaction so that a failure is counted although the request's own transaction rolls back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from menwei.store.tables.accounts import LoginFailureRow


@dataclass(frozen=True, slots=True)
class FailureCount:
    """How many failures fall in the window, and when the last of them was."""

    count: int
    last: datetime | None


class LoginFailureLog:
    """The ``login_failures`` rows; the login is only ever known here as its SHA-256 digest."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory

    def for_login(self, login_sha256: str, *, since: datetime) -> FailureCount:
        """Failures of one account since ``since``."""
        with self._sessions() as session:
            count, last = session.execute(
                select(func.count(), func.max(LoginFailureRow.failed_at)).where(
                    LoginFailureRow.login_sha256 == login_sha256,
                    LoginFailureRow.failed_at >= since,
                )
            ).one()
        return FailureCount(count, last)

    def accounts_from(self, client: str, *, since: datetime) -> FailureCount:
        """Distinct accounts that failed from one address since ``since``."""
        with self._sessions() as session:
            accounts, last = session.execute(
                select(
                    func.count(func.distinct(LoginFailureRow.login_sha256)),
                    func.max(LoginFailureRow.failed_at),
                ).where(LoginFailureRow.client == client, LoginFailureRow.failed_at >= since)
            ).one()
        return FailureCount(accounts, last)

    def add(self, login_sha256: str, client: str, *, at: datetime, forget_before: datetime) -> None:
        """Count one failure, and forget the failures older than ``forget_before``."""
        with self._sessions() as session, session.begin():
            session.add(LoginFailureRow(login_sha256=login_sha256, client=client, failed_at=at))
            session.execute(
                delete(LoginFailureRow).where(LoginFailureRow.failed_at < forget_before)
            )

    def forgive(self, login_sha256: str) -> None:
        """Forget one account's failures (its address's count stays)."""
        with self._sessions() as session, session.begin():
            session.execute(
                delete(LoginFailureRow).where(LoginFailureRow.login_sha256 == login_sha256)
            )
