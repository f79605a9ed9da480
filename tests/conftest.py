"""Database fixtures shared by every room's tests.

By default tests run on SQLite files under pytest's ``tmp_path``. With
``MENWEI_TEST_DATABASE_URL`` set (``scripts/test`` sets it to the local PostgreSQL server), the
same tests run on PostgreSQL: this test session creates a uniquely named throwaway database
(``menwei_t_<pid>_<random>``) through that URL and drops it at the end, so concurrent runs never
collide. When PostgreSQL is asked for but does not answer, database tests skip with a message.

Fixtures (names are stable; other rooms rely on them):

``database_url``
    URL of a migrated, empty database for this test. The schema is migrated once per test
    session; SQLite tests get a fresh copy of that migrated file, PostgreSQL tests get the
    session database with every table emptied.
``engine``
    A SQLAlchemy engine on ``database_url`` (SQLite pragmas applied), disposed after the test.
``session_factory``
    ``sessionmaker`` bound to ``engine``.
``uow``
    A ``menwei.store.UnitOfWork`` on ``engine``: ``with uow: ...; uow.commit()``.
``empty_database_url``
    URL of a database with no tables at all, for migration tests (a separate throwaway
    database on PostgreSQL, dropped after the test).
``database_dialect``
    ``"sqlite"`` or ``"postgresql"``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

POSTGRES_ENV = "MENWEI_TEST_DATABASE_URL"


def _postgres_server_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _admin_engine(server_url: str) -> sa.Engine:
    return sa.create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _create_postgres_database(server_url: str, prefix: str) -> str:
    """Create a uniquely named database next to ``server_url``'s and return its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        pytest.skip(
            f"PostgreSQL was asked for by {POSTGRES_ENV} but does not answer "
            f"({type(error.orig).__name__}); database tests are skipped."
        )
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    admin = _admin_engine(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def database_dialect() -> str:
    return "postgresql" if _postgres_server_url() else "sqlite"


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once per session: a SQLite file to copy, or a PG database."""
    from menwei.store.migrate import upgrade

    server_url = _postgres_server_url()
    if server_url:
        url = _create_postgres_database(server_url, "menwei_t")
        try:
            upgrade(url)
            yield url
        finally:
            _drop_postgres_database(server_url, url)
        return
    path = tmp_path_factory.mktemp("menwei-db") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    yield url


def _empty_all_tables(url: str) -> None:
    """Delete every row, children first; on tiny tables much faster than ``TRUNCATE``."""
    from menwei.store.engine import make_engine
    from menwei.store.schema import load_metadata

    engine = make_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            present = set(sa.inspect(connection).get_table_names())
            for table in reversed(load_metadata().sorted_tables):
                if table.name in present:
                    connection.execute(table.delete())
    finally:
        engine.dispose()


@pytest.fixture
def database_url(_migrated_template: str, tmp_path: Path) -> str:
    template = make_url(_migrated_template)
    if template.get_backend_name() == "postgresql":
        _empty_all_tables(_migrated_template)
        return _migrated_template
    source = Path(str(template.database))
    target = tmp_path / "menwei.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    from menwei.store.engine import make_engine

    created = make_engine(database_url)
    yield created
    created.dispose()


@pytest.fixture
def session_factory(engine: sa.Engine):  # type: ignore[no-untyped-def]
    from menwei.store.engine import make_session_factory

    return make_session_factory(engine)


@pytest.fixture
def uow(engine: sa.Engine):  # type: ignore[no-untyped-def]
    from menwei.store.uow import UnitOfWork

    return UnitOfWork.for_engine(engine)


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    server_url = _postgres_server_url()
    if server_url:
        url = _create_postgres_database(server_url, "menwei_e")
        try:
            yield url
        finally:
            _drop_postgres_database(server_url, url)
        return
    yield f"sqlite:///{tmp_path / 'empty.db'}"


#: What a skip reason says when a system package is missing (tests/web/browser.py, above,
#: tests/server/test_failover.py), by the package it names.
SKIPPED_FOR_MISSING = {
    "Chromium": "needs Chromium at",
    "a PostgreSQL server": "but does not answer",
    "the PostgreSQL server binaries": "needs the PostgreSQL server binaries",
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly which tests a missing system package skipped, and the command that adds it."""
    missing: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        for what, sign in SKIPPED_FOR_MISSING.items():
            if sign in reason:
                missing[what] = missing.get(what, 0) + 1
    if missing:
        terminalreporter.section("SKIPPED FOR MISSING SYSTEM PACKAGES", sep="!", red=True)
        for what, count in missing.items():
            terminalreporter.write_line(f"{count} tests needing {what} were skipped.", red=True)
        terminalreporter.write_line(
            "Install what is missing with: sudo bash scripts/system-deps  (then: make test)",
            bold=True,
        )
