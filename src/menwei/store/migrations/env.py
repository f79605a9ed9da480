"""Alembic environment for menwei. The URL or an open connection comes from the caller.

``menwei.store.migrate`` builds the Alembic config in code, so no ``alembic.ini`` is needed at
run time. SQLite migrations run in batch mode (table copy), with foreign keys switched off for
the copy so that recreating a parent table never cascades into its children.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from menwei.store.engine import make_engine
from menwei.store.schema import load_metadata

target_metadata = load_metadata()

#: names the migration lock on PostgreSQL: several server processes start at once and each
#: migrates first; the lock makes them take turns, so the later ones find nothing left to do
MIGRATION_LOCK = 0x6D656E776569  # "menwei"


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.execute(text("PRAGMA foreign_keys=OFF"))
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()
    if sqlite:
        connection.execute(text("PRAGMA foreign_keys=ON"))
        connection.commit()


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.attributes["url"])
    try:
        with engine.connect() as fresh:
            _run(fresh)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=context.config.attributes["url"],
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
