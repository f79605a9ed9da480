"""Column types shared by the tables, identical in meaning on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

#: 64-bit keys on PostgreSQL; on SQLite an INTEGER PRIMARY KEY, the only kind it auto-increments.
BigIntKey = BigInteger().with_variant(Integer(), "sqlite")

#: Entity ids are UUIDs: a gate can refer to a record before it ever reaches the server.
EntityId = Uuid(as_uuid=True)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and always read back timezone-aware.

    SQLite has no time zones; without this, a value written aware would come back naive and
    comparisons with ``datetime.now(UTC)`` would fail at the worst moment.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is stored; attach tzinfo")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
