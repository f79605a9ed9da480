"""Engines from a URL: SQLite gets its safety settings; anything else gets a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

import menwei.store
from menwei.store.engine import make_engine, url_for_environment
from menwei.store.errors import DatabaseUnavailable


def test_sqlite_runs_with_wal_synced_commits_foreign_keys_and_a_busy_timeout(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'deep' / 'er' / 'menwei.db'}")
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() >= 5000
            assert pragma("PRAGMA synchronous").scalar() == 2  # FULL: commits reach the disk
    finally:
        engine.dispose()
    assert (tmp_path / "deep" / "er" / "menwei.db").exists()


def test_foreign_keys_are_enforced(engine: sa.Engine, database_dialect: str) -> None:
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO buildings (id, community_id, name) VALUES (:id, :c, 'x')"),
            {"id": "0" * 32, "c": "f" * 32}
            if database_dialect == "sqlite"
            else {
                "id": "00000000-0000-0000-0000-000000000000",
                "c": "ffffffff-ffff-ffff-ffff-ffffffffffff",
            },
        )


def test_without_a_configured_url_the_database_is_a_file_in_the_data_directory(
    tmp_path: Path,
) -> None:
    assert url_for_environment(None, tmp_path) == f"sqlite:///{tmp_path / 'menwei.db'}"
    given = "postgresql+psycopg://menwei@db/menwei"
    assert url_for_environment(given, tmp_path) == given


def test_an_unsupported_database_is_refused_with_a_message() -> None:
    with pytest.raises(DatabaseUnavailable) as refused:
        make_engine("mysql+pymysql://root@localhost/menwei")
    assert "PostgreSQL" in refused.value.message("en")


def test_an_unwritable_data_directory_is_refused_with_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseUnavailable) as refused:
        make_engine(f"sqlite:///{blocker / 'menwei.db'}")
    assert "MENWEI_DATA_DIR" in refused.value.message()


def test_the_public_names_are_importable_and_listed() -> None:
    for name in menwei.store.__all__:
        assert getattr(menwei.store, name) is not None
    assert "UnitOfWork" in menwei.store.__all__


def test_a_forgotten_engine_closes_its_connections_when_collected(database_url: str) -> None:
    import gc
    import warnings

    def use_and_forget() -> None:
        forgotten = make_engine(database_url)
        with forgotten.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        use_and_forget()
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
