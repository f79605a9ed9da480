"""Checks a row passes before it is written, so bad input gets a message and not a 500.

SQLite stores a 500-character name in a ``VARCHAR(100)`` without complaint; PostgreSQL refuses
it with a driver error. Checking against the column's own declared length gives both dialects
the same behaviour and the caller a ``ValueTooLong`` naming the field.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from menwei.store.errors import ControlCharacters, RecordNotFound, ValueTooLong

#: C0 controls and DEL, but tab and line breaks, which multi-line texts (notices) may hold.
CONTROL_RANGES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
CONTROL = re.compile(f"[{CONTROL_RANGES}]")
#: The same, plus lone UTF-16 surrogates: a JSON body may carry one, and PostgreSQL refuses it.
CONTROL_OR_SURROGATE = re.compile(rf"[{CONTROL_RANGES}\ud800-\udfff]")


def check_lengths(row: Any) -> None:
    """Raise ``ValueTooLong`` for the first text attribute longer than its column, and
    ``ControlCharacters`` for one holding a control character."""
    for column in inspect(type(row)).columns:
        if not isinstance(column.type, String):
            continue
        value = getattr(row, column.key, None)
        if not isinstance(value, str):
            continue
        if CONTROL.search(value):
            raise ControlCharacters(column.key)
        limit = getattr(column.type, "length", None)
        if limit and len(value) > limit:
            raise ValueTooLong(column.key, limit)


def refuse_nul(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
) -> None:
    """A NUL in any query parameter (a login looked up, a filter) is refused before the driver
    sees it: PostgreSQL would fail with a bare error, SQLite would quietly compare it."""
    if _holds_nul(parameters):
        raise ControlCharacters("text")


def _holds_nul(value: Any) -> bool:
    """Whether a parameter set (a value, a row of them, or rows of rows) holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(item) for item in value)
    return False


def require(session: Session, row_type: type[Any], key: Any, kind: str) -> Any:
    """The row with primary key ``key``, or ``NotFound`` naming ``kind`` (never a driver error)."""
    row = session.get(row_type, key)
    if row is None:
        raise RecordNotFound(kind, key)
    return row
