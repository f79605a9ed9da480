"""The fast path for storing a batch of events: one small statement per batch, both dialects.

Gates upload in batches, and ingestion is the store's hottest write. Building the statement
through the ORM costs more than running it, so this module sends one hand-written
``INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`` per batch: on PostgreSQL
with one array per column (``unnest``), so the SQL text stays short and the driver's parsed
query cache applies; on SQLite as a multi-row ``VALUES`` with positional parameters. Values go
through the columns' own type processors, so what is written is exactly what the ORM writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect

from menwei.store.tables import EventRow
from menwei.store.tables.types import utcnow

COLUMNS = (
    "idempotency_key",
    "community_id",
    "door_id",
    "device_id",
    "occurred_at",
    "direction",
    "credential_kind",
    "person_id",
    "outcome",
    "reason_code",
    "flag",
    "liveness",
    "received_at",
)
_PG_ARRAY_TYPES = (
    "varchar[]",
    "uuid[]",
    "uuid[]",
    "uuid[]",
    "timestamptz[]",
    "varchar[]",
    "varchar[]",
    "uuid[]",
    "varchar[]",
    "varchar[]",
    "varchar[]",
    "varchar[]",
    "timestamptz[]",
)
#: rows per SQLite statement: 13 x 400 parameters stays far below SQLite's limit of 32,766
SQLITE_ROWS_PER_STATEMENT = 400

Processor = Callable[[Any], Any] | None


@cache
def _processors(dialect_name: str, dialect: Dialect) -> tuple[Processor, ...]:
    table = EventRow.__table__
    # dialect_impl: for a TypeDecorator, its own step followed by the dialect's (SQLite's
    # DATETIME string format, for one), exactly as the ORM applies them
    return tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in COLUMNS
    )


@cache
def _sqlite_statement(rows: int) -> str:
    one = "(" + ",".join("?" * len(COLUMNS)) + ")"
    # only constants and placeholders are formatted into the text; values are parameters
    return (
        f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES {','.join([one] * rows)} "  # noqa: S608
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
    )


_PG_STATEMENT = (
    f"INSERT INTO events ({', '.join(COLUMNS)}) "  # noqa: S608
    f"SELECT * FROM unnest({', '.join(f'%s::{t}' for t in _PG_ARRAY_TYPES)}) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
)


def _rows(connection: Connection, values: Sequence[Sequence[Any]]) -> list[list[Any]]:
    processors = _processors(connection.dialect.name, connection.dialect)
    return [
        [
            value if process is None else process(value)
            for process, value in zip(processors, row, strict=True)
        ]
        for row in values
    ]


def insert_events(connection: Connection, values: Sequence[Sequence[Any]]) -> list[int]:
    """Insert rows (tuples in ``COLUMNS`` order, ``received_at`` may be ``None``); new ids."""
    now = utcnow()
    values = [(*row[:-1], row[-1] or now) for row in values]
    rows = _rows(connection, values)
    if connection.dialect.name == "postgresql":
        columns = [list(column) for column in zip(*rows, strict=True)]
        result = connection.exec_driver_sql(_PG_STATEMENT, tuple(columns))
        return [row[0] for row in result]
    ids: list[int] = []
    for start in range(0, len(rows), SQLITE_ROWS_PER_STATEMENT):
        chunk = rows[start : start + SQLITE_ROWS_PER_STATEMENT]
        flat = tuple(value for row in chunk for value in row)
        result = connection.exec_driver_sql(_sqlite_statement(len(chunk)), flat)
        ids.extend(row[0] for row in result)
    return ids
