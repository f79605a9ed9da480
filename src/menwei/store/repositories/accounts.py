"""User accounts with their community scopes, API tokens and login sessions.

Only hashes are stored: argon2 strings for passwords (made by the server), SHA-256 digests for
tokens and session cookies. Lookups go by digest, so the secret itself never reaches SQL.
"""

from __future__ import annotations

import builtins
import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.records import ApiToken, LoginSession, UserAccount
from menwei.store.repositories.checks import require
from menwei.store.tables import (
    AccountCommunityRow,
    ApiTokenRow,
    CommunityRow,
    LoginSessionRow,
    PersonRow,
    ProcessorRow,
    UserAccountRow,
)

_RELATIONS = {"staff": "staff_of", "committee": "committee_of", "supervised": "supervises"}


def _token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        account_id=row.account_id,
        token_sha256=row.token_sha256,
        name=row.name,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _session_record(row: LoginSessionRow) -> LoginSession:
    return LoginSession(
        id=row.id,
        account_id=row.account_id,
        token_sha256=row.token_sha256,
        expires_at=row.expires_at,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
    )


class AccountRepository:
    """Accounts are installation-wide; their community scopes come along when one is read."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _account(self, row: UserAccountRow) -> UserAccount:
        scopes: dict[str, set[uuid.UUID]] = {name: set() for name in _RELATIONS.values()}
        for community_id, relation in self._session.execute(
            select(AccountCommunityRow.community_id, AccountCommunityRow.relation).where(
                AccountCommunityRow.account_id == row.id
            )
        ).all():
            scopes[_RELATIONS[relation]].add(community_id)
        return UserAccount(
            id=row.id,
            login=row.login,
            password_hash=row.password_hash,
            role=row.role,
            display_name=row.display_name,
            locale=row.locale,
            processor_id=row.processor_id,
            person_id=row.person_id,
            staff_of=frozenset(scopes["staff_of"]),
            committee_of=frozenset(scopes["committee_of"]),
            supervises=frozenset(scopes["supervises"]),
            disabled=row.disabled,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
        )

    def save(self, account: UserAccount) -> UserAccount:
        """Create or update an account and replace its community scopes."""
        if account.processor_id is not None:
            require(self._session, ProcessorRow, account.processor_id, "processor")
        if account.person_id is not None:
            require(self._session, PersonRow, account.person_id, "person")
        for community_id in sorted(account.staff_of | account.committee_of | account.supervises):
            require(self._session, CommunityRow, community_id, "community")
        if account.person_id is not None:
            other = self._session.scalar(
                select(UserAccountRow.id).where(
                    UserAccountRow.person_id == account.person_id, UserAccountRow.id != account.id
                )
            )
            if other is not None:
                raise RecordConflict(message_id="conflict.person_has_account")
        row = self._session.get(UserAccountRow, account.id)
        values = {
            "login": account.login,
            "password_hash": account.password_hash,
            "role": account.role,
            "display_name": account.display_name,
            "locale": account.locale,
            "processor_id": account.processor_id,
            "person_id": account.person_id,
            "disabled": account.disabled,
        }
        if row is None:
            row = UserAccountRow(id=account.id, **values)
            self._session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        try:
            self._session.flush()
        except IntegrityError:
            raise RecordConflict(
                message_id="conflict.login_taken",
                values={"account_login": account.login},
            ) from None
        self._session.execute(
            delete(AccountCommunityRow).where(AccountCommunityRow.account_id == account.id)
        )
        for relation, attribute in _RELATIONS.items():
            for community_id in sorted(getattr(account, attribute)):
                self._session.add(
                    AccountCommunityRow(
                        account_id=account.id, community_id=community_id, relation=relation
                    )
                )
        self._session.flush()
        return account

    def get(self, account_id: uuid.UUID) -> UserAccount:
        row = self._session.get(UserAccountRow, account_id)
        if row is None:
            raise RecordNotFound("account", account_id)
        return self._account(row)

    def by_login(self, login: str) -> UserAccount | None:
        row = self._session.scalar(select(UserAccountRow).where(UserAccountRow.login == login))
        return None if row is None else self._account(row)

    def by_person(self, person_id: uuid.UUID) -> UserAccount | None:
        """The person's account; the schema holds at most one."""
        row = self._session.scalar(
            select(UserAccountRow).where(UserAccountRow.person_id == person_id)
        )
        return None if row is None else self._account(row)

    def end_everything(
        self,
        account_id: uuid.UUID,
        at: datetime,
        *,
        keep_session: str | None = None,
        keep_token: str | None = None,
    ) -> None:
        """End every session and revoke every token of the account, but for the one session or
        token (by digest) the owner is using right now."""
        self._session.execute(
            delete(LoginSessionRow).where(
                LoginSessionRow.account_id == account_id,
                LoginSessionRow.token_sha256 != (keep_session or ""),
            )
        )
        self._session.execute(
            update(ApiTokenRow)
            .where(
                ApiTokenRow.account_id == account_id,
                ApiTokenRow.revoked_at.is_(None),
                ApiTokenRow.token_sha256 != (keep_token or ""),
            )
            .values(revoked_at=at)
        )

    def list(self, *, processor_id: uuid.UUID | None = None) -> builtins.list[UserAccount]:
        query = select(UserAccountRow)
        if processor_id is not None:
            query = query.where(UserAccountRow.processor_id == processor_id)
        rows = self._session.scalars(query.order_by(UserAccountRow.login)).all()
        return [self._account(row) for row in rows]

    def set_password_hash(
        self,
        account_id: uuid.UUID,
        password_hash: str,
        *,
        keep_session: str | None = None,
        keep_token: str | None = None,
    ) -> None:
        """A new hash, and every session and token of the account ended: whoever knew the old
        password is out. Only the owner's current session or token (by digest) may stay."""
        result = self._session.execute(
            update(UserAccountRow)
            .where(UserAccountRow.id == account_id)
            .values(password_hash=password_hash)
            .returning(UserAccountRow.id)
        ).first()
        if result is None:
            raise RecordNotFound("account", account_id)
        self.end_everything(
            account_id, datetime.now(UTC), keep_session=keep_session, keep_token=keep_token
        )

    def record_login(self, account_id: uuid.UUID, at: datetime) -> None:
        self._session.execute(
            update(UserAccountRow).where(UserAccountRow.id == account_id).values(last_login_at=at)
        )

    # API tokens -------------------------------------------------------------------------
    def add_token(self, token: ApiToken) -> ApiToken:
        require(self._session, UserAccountRow, token.account_id, "account")
        self._session.add(
            ApiTokenRow(
                id=token.id,
                account_id=token.account_id,
                token_sha256=token.token_sha256,
                name=token.name,
                expires_at=token.expires_at,
            )
        )
        self._session.flush()
        return token

    def token_by_hash(self, token_sha256: str) -> ApiToken | None:
        row = self._session.scalar(
            select(ApiTokenRow).where(ApiTokenRow.token_sha256 == token_sha256)
        )
        return None if row is None else _token(row)

    def tokens_of(self, account_id: uuid.UUID) -> builtins.list[ApiToken]:
        rows = self._session.scalars(
            select(ApiTokenRow)
            .where(ApiTokenRow.account_id == account_id)
            .order_by(ApiTokenRow.created_at)
        ).all()
        return [_token(row) for row in rows]

    def touch_token(self, token_id: uuid.UUID, at: datetime) -> None:
        self._session.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=at)
        )

    def revoke_token(self, token_id: uuid.UUID, at: datetime) -> None:
        self._session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    # login sessions ---------------------------------------------------------------------
    def add_session(self, login_session: LoginSession) -> LoginSession:
        require(self._session, UserAccountRow, login_session.account_id, "account")
        self._session.add(
            LoginSessionRow(
                id=login_session.id,
                account_id=login_session.account_id,
                token_sha256=login_session.token_sha256,
                expires_at=login_session.expires_at,
            )
        )
        self._session.flush()
        return login_session

    def session_by_hash(self, token_sha256: str, at: datetime) -> LoginSession | None:
        """The live session with this digest; an expired one is treated as absent."""
        row = self._session.scalar(
            select(LoginSessionRow).where(
                LoginSessionRow.token_sha256 == token_sha256, LoginSessionRow.expires_at > at
            )
        )
        return None if row is None else _session_record(row)

    def touch_session(self, session_id: uuid.UUID, at: datetime) -> None:
        self._session.execute(
            update(LoginSessionRow).where(LoginSessionRow.id == session_id).values(last_seen_at=at)
        )

    def end_session(self, token_sha256: str) -> None:
        self._session.execute(
            delete(LoginSessionRow).where(LoginSessionRow.token_sha256 == token_sha256)
        )

    def purge_expired_sessions(self, at: datetime) -> int:
        result = self._session.execute(
            delete(LoginSessionRow).where(LoginSessionRow.expires_at <= at)
        )
        return int(getattr(result, "rowcount", 0) or 0)
