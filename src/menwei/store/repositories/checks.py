"""Checks a row passes before it is written, so bad input gets a message and not a 500.

SQLite stores a 500-character name in a ``VARCHAR(100)`` without complaint; PostgreSQL refuses
it with a driver error. Checking against the column's own declared length gives both dialects
the same behaviour and the caller a ``ValueTooLong`` naming the field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from menwei.store.errors import NotFound, ValueTooLong


def check_lengths(row: Any) -> None:
    """Raise ``ValueTooLong`` for the first text attribute longer than its column."""
    for column in inspect(type(row)).columns:
        limit = getattr(column.type, "length", None)
        if not isinstance(column.type, String) or not limit:
            continue
        value = getattr(row, column.key, None)
        if isinstance(value, str) and len(value) > limit:
            raise ValueTooLong(column.key, limit)


def require(session: Session, row_type: type[Any], key: Any, kind: str) -> Any:
    """The row with primary key ``key``, or ``NotFound`` naming ``kind`` (never a driver error)."""
    row = session.get(row_type, key)
    if row is None:
        raise NotFound(kind, key)
    return row
