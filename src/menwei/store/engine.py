"""Engines and sessions from a database URL: SQLite by default, PostgreSQL for deployments.

SQLite gets the settings a small always-on server needs: write-ahead logging so readers never
block the writer, commits synced to disk (an acknowledged event upload must survive a power
cut), foreign keys enforced, and a busy timeout instead of immediate "database is locked"
errors when the gate upload and the admin console write at the same moment.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from menwei.privacy.private_files import owner_only_sqlite
from menwei.store.errors import DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit survives a power cut too. A gate deletes events from its outbox once
        # the server has acknowledged them, so an acknowledged commit must never roll back.
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def _close_connections_when_collected(engine: Engine) -> Engine:
    """Close an engine's idle connections when the engine itself is garbage collected.

    A command that builds an engine and forgets ``dispose()`` would otherwise leave its
    PostgreSQL connections to be torn down by the garbage collector, unclosed and with a
    ``ResourceWarning``. The finalizer holds the current pool, never the engine.
    """
    pools = [engine.pool]

    def follow(disposed: Engine) -> None:
        pools[0] = disposed.pool

    event.listen(engine, "engine_disposed", follow)
    weakref.finalize(engine, lambda: pools[0].dispose())
    return engine


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` (``sqlite:///…`` or ``postgresql+psycopg://…``), ready to use.

    For a SQLite file the parent folder is created, so a fresh data directory just works.
    Bound values never appear in error messages (``hide_parameters``).
    """
    parsed = make_url(url)
    # A failed statement's message then omits its values: they are residents' names, phone
    # numbers and search terms, and the message reaches logs and tracebacks.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
                # Names, phones, card numbers, PIN hashes: readable by the server's user only.
                owner_only_sqlite(Path(database).expanduser())
            except OSError as error:
                raise DatabaseUnavailable(
                    message_id="database_unavailable.cannot_create_folder",
                    values={"error_strerror": error.strerror},
                ) from None
        kwargs.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        return _guarded(engine)
    if parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
        return _guarded(create_engine(parsed, **kwargs))
    raise DatabaseUnavailable(
        message_id="database_unavailable.unsupported_url",
        values={"parsed_get_backend_name": parsed.get_backend_name()},
    )


def _guarded(engine: Engine) -> Engine:
    """Every engine refuses NUL in query parameters, the same on both dialects."""
    from menwei.store.repositories.checks import refuse_nul

    event.listen(engine, "before_cursor_execute", refuse_nul)
    return _close_connections_when_collected(engine)


def _check_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    from menwei.store.repositories.checks import check_lengths

    for row in (*session.new, *session.dirty):
        check_lengths(row)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit, so repositories can return them.

    Every row is checked before it is flushed (text lengths against their columns), so both
    dialects refuse bad input the same way, with a ``StoreError`` rather than a driver error.
    """
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
    event.listen(factory, "before_flush", _check_before_flush)
    return factory


def url_for_environment(database_url: str | None, data_dir: Path) -> str:
    """``MENWEI_DATABASE_URL`` when set, else a SQLite file ``menwei.db`` in the data directory."""
    return database_url or f"sqlite:///{data_dir / 'menwei.db'}"


def database_answers(engine: Engine) -> bool:
    """Whether the database answers a trivial query now (the readiness probe asks this)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
