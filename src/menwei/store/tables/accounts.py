"""User accounts, their scopes, API tokens and login sessions.

Passwords are kept only as argon2 hash strings and tokens only as SHA-256 digests: a copy of
the database lets no one log in.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from menwei.store.base import Base
from menwei.store.tables.types import EntityId, UtcDateTime, new_id, utcnow

SCOPE_RELATIONS = ("staff", "committee", "supervised")


class UserAccountRow(Base):
    """Someone who logs in: an administrator, staff, committee member, resident or supervisor."""

    __tablename__ = "user_accounts"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    processor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("processors.id", ondelete="CASCADE"), nullable=True, index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True, index=True, unique=True
    )
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class AccountCommunityRow(Base):
    """A community an account may act in: as staff, as committee member, or as supervisor."""

    __tablename__ = "account_communities"
    __table_args__ = (
        CheckConstraint("relation IN ('staff', 'committee', 'supervised')", name="relation"),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[str] = mapped_column(String(20), primary_key=True)


class ApiTokenRow(Base):
    """A bearer token for the API, stored as the SHA-256 of its secret."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LoginSessionRow(Base):
    """A browser session behind a cookie, stored as the SHA-256 of the cookie's secret."""

    __tablename__ = "login_sessions"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LoginFailureRow(Base):
    """One failed sign-in, kept for the throttle's window and shared by every server process.

    The login is kept as the SHA-256 of its lower-cased form: what someone typed may be a
    phone number or a mistyped password, and the throttle needs only to compare it.
    """

    __tablename__ = "login_failures"

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    login_sha256: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
