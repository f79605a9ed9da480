"""``menwei db upgrade`` and ``menwei db current`` on a real, initially empty database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from menwei.cli import app
from menwei.settings import get_settings
from menwei.store.migrate import current_revision, heads

runner = CliRunner()


@pytest.fixture
def empty_database(empty_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("MENWEI_DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    yield empty_database_url
    get_settings.cache_clear()


def test_a_fresh_database_is_reported_behind_then_upgraded_to_the_newest(
    empty_database: str,
) -> None:
    behind = runner.invoke(app, ["db", "current", "--check"])
    assert behind.exit_code == 1
    assert "menwei db upgrade" in behind.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert current_revision(empty_database) == heads()[0]
    assert heads()[0] in upgraded.output
    up_to_date = runner.invoke(app, ["db", "current", "--check"])
    assert up_to_date.exit_code == 0, up_to_date.output
    assert "up to date" in up_to_date.output


def test_upgrading_twice_changes_nothing_and_says_so(empty_database: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0
    assert "already at" in again.output


def test_an_unknown_revision_is_refused_with_a_message(empty_database: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--revision", "no_such_revision"])
    assert result.exit_code == 1
    assert "no_such_revision" in result.output
    assert "Traceback" not in result.output
    assert current_revision(empty_database) is None


def test_an_unreachable_server_is_named_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "MENWEI_DATABASE_URL", "postgresql+psycopg://menwei:s3cret-pw@127.0.0.1:1/menwei"
    )
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["db", "current"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "Cannot reach the database" in result.output
    assert "s3cret-pw" not in result.output
