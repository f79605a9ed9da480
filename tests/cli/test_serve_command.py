"""``menwei serve`` refuses to start with the published demo secret."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from menwei.cli import app
from menwei.settings import get_settings


def test_serve_refuses_the_demo_secret_and_says_how_to_set_one(  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.delenv("MENWEI_SECRET_KEY", raising=False)
    monkeypatch.setenv("MENWEI_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "MENWEI_SECRET_KEY" in result.output
    assert not (tmp_path / "menwei.db").exists()
