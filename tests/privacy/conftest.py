"""Fixtures for the privacy commands: a CLI runner and the environment the CLI reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from menwei.settings import get_settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def environment(monkeypatch, tmp_path, database_url) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """Point the CLI at the test database and a fresh key file; yields the key file's path."""
    key_file = tmp_path / "keys" / "master.key"
    monkeypatch.setenv("MENWEI_DATABASE_URL", database_url)
    monkeypatch.setenv("MENWEI_KEY_FILE", str(key_file))
    monkeypatch.setenv("MENWEI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MENWEI_KEK", raising=False)
    get_settings.cache_clear()
    yield key_file
    get_settings.cache_clear()
