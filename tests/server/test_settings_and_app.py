"""One settings object; it refuses default or weak secrets outside the demo."""

from __future__ import annotations

import pytest

from menwei.server import create_app
from menwei.settings import DEMO_SECRET, InsecureSettingsError, Settings


def test_the_server_refuses_the_demo_secret_outside_the_demo(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path, database_url="sqlite://")
    assert settings.secret_key == DEMO_SECRET
    with pytest.raises(InsecureSettingsError, match="MENWEI_SECRET_KEY"):
        create_app(settings)


def test_the_server_refuses_a_short_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InsecureSettingsError):
        Settings(data_dir=tmp_path, secret_key="short").check_secrets()


def test_the_demo_may_run_with_the_published_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    Settings(data_dir=tmp_path, demo=True).check_secrets()


def test_settings_come_from_the_environment(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MENWEI_PORT", "9123")
    monkeypatch.setenv("MENWEI_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("MENWEI_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.port == 9123
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'menwei.db'}"
    settings.check_secrets()
