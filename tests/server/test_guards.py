"""The outermost guards: a body cap before any parsing, and no personal data in an error's log."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from menwei.server.guards import DEFAULT_BODY_LIMIT
from menwei.store.engine import make_engine

SECRET_NAME = "欧阳秘密"


def test_an_oversized_json_body_is_refused_by_its_length_before_sign_in(client, world) -> None:
    body = b'{"login": "' + b"a" * (DEFAULT_BODY_LIMIT + 10) + b'", "password": "x"}'
    answer = client.post(
        "/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"
    assert answer.json()["error"]["details"] == {"limit": DEFAULT_BODY_LIMIT}


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(client, world) -> None:
    sent = {"bytes": 0}

    def chunks() -> Iterator[bytes]:
        # 64 chunks of 64 KiB: 4 MiB, four times the limit, without a Content-Length.
        for _ in range(64):
            sent["bytes"] += 65536
            yield b" " * 65536

    answer = client.post(
        "/api/v1/auth/login",
        content=chunks(),
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"
    assert "1 MiB" in answer.json()["error"]["message"]


def test_a_json_body_under_the_limit_is_read_as_before(client, world) -> None:
    answer = client.post("/api/v1/auth/login", json={"login": "nobody", "password": "x" * 150})
    assert answer.status_code == 401


def test_an_unexpected_database_error_logs_neither_values_nor_a_traceback(
    app, world, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """Force a real database error on a search for a known name; the name is nowhere logged."""
    engine = app.state.engine
    caplog.set_level(logging.DEBUG)
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE people RENAME TO people_away"))
    try:
        # The default client re-raises what reaches the server's last handler: nothing may.
        with TestClient(app) as client:
            answer = client.get(
                f"/api/v1/communities/{world.a.community_id}/people",
                params={"name": SECRET_NAME},
                headers={**world.auth("community_staff"), "Accept-Language": "en"},
            )
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE people_away RENAME TO people"))
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error"
    assert SECRET_NAME not in answer.text
    lines = [r for r in caplog.records if r.name == "menwei.server" and r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in lines] == [
        "unexpected ProgrammingError on GET /api/v1/communities/{community_id}/people"
    ] or [r.getMessage() for r in lines] == [
        "unexpected OperationalError on GET /api/v1/communities/{community_id}/people"
    ]
    assert all(r.exc_info is None for r in caplog.records)
    logged = caplog.text + "".join(capfd.readouterr())
    assert SECRET_NAME not in logged
    assert "Traceback" not in logged


def test_a_failed_statement_never_quotes_its_values(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with pytest.raises(sa.exc.DBAPIError) as raised, engine.connect() as connection:
            connection.execute(
                sa.text("SELECT name FROM no_such_table WHERE name = :name"), {"name": SECRET_NAME}
            )
    finally:
        engine.dispose()
    assert SECRET_NAME not in str(raised.value)
    assert "hidden due to hide_parameters" in str(raised.value)
