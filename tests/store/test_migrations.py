"""The migration history: one head, a schema equal to the models, and upgrades keep data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from menwei.store.engine import make_engine
from menwei.store.migrate import current_revision, downgrade, heads, upgrade
from menwei.store.schema import load_metadata


def test_history_has_exactly_one_head() -> None:
    assert len(heads()) == 1


def test_the_first_revision_is_0001_core() -> None:
    from alembic.script import ScriptDirectory

    from menwei.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    bases = script.get_bases()
    assert bases == ["0001_core"]


def test_migrated_schema_equals_the_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, load_metadata())
    finally:
        engine.dispose()
    assert differences == []


def test_upgrading_twice_changes_nothing(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == heads()[0]


def test_a_database_at_the_first_revision_keeps_its_rows_through_the_upgrade(
    empty_database_url: str,
) -> None:
    upgrade(empty_database_url, "0001_core")
    processor_id, community_id = uuid.uuid4(), uuid.uuid4()
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO processors (id, name, kind, contact, responsible_person, "
                    "responsible_contact, created_at) VALUES (:id, '阳光物业', "
                    "'property_company', '0571', '', '', :at)"
                ),
                {"id": _uuid_param(connection, processor_id), "at": datetime.now(UTC)},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO communities (id, processor_id, name, address, timezone, "
                    "face_enabled, created_at) VALUES (:id, :p, '太阳国际公寓', '', "
                    "'Asia/Shanghai', false, :at)"
                ),
                {
                    "id": _uuid_param(connection, community_id),
                    "p": _uuid_param(connection, processor_id),
                    "at": datetime.now(UTC),
                },
            )
        upgrade(empty_database_url)
        with engine.connect() as connection:
            names = connection.execute(sa.text("SELECT name FROM communities")).scalars().all()
        assert names == ["太阳国际公寓"]
        assert current_revision(empty_database_url) == heads()[0]
    finally:
        engine.dispose()


def test_downgrading_to_nothing_removes_every_table(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    engine = make_engine(empty_database_url)
    try:
        left = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    assert left == set()


def _uuid_param(connection: sa.Connection, value: uuid.UUID) -> object:
    """How a UUID is written by hand: native on PostgreSQL, 32 hex characters on SQLite."""
    return value if connection.dialect.name == "postgresql" else value.hex


def test_a_drafted_revision_against_a_current_database_finds_nothing_to_do(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The models and the history agree, so a draft would contain no operations."""
    import shutil

    import menwei.store.migrate as migrate

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    upgrade(empty_database_url)
    head = heads()[0]
    migrate.draft_revision(empty_database_url, "nothing", "9999_nothing")
    (drafted,) = (scripts / "versions").glob("9999_nothing*.py")
    text = drafted.read_text(encoding="utf-8")
    assert f"Revises: {head}" in text
    assert "op." not in text
