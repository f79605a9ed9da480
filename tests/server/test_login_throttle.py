"""Login throttling: growing delays per account, an address lock only for a spray across many
accounts, X-Forwarded-For from named proxies only, and state shared through the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from tests.server.conftest import PASSWORD, make_settings

from menwei.server import create_app
from menwei.server.auth.throttle import WINDOW, LoginThrottle
from menwei.store.repositories.login_failures import LoginFailureLog


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(session_factory, clock: Clock) -> LoginThrottle:  # type: ignore[no-untyped-def]
    return LoginThrottle(
        LoginFailureLog(session_factory), max_failures=5, lockout_seconds=900, clock=clock
    )


def test_an_account_waits_longer_after_each_failure_past_the_free_ones(throttle, clock) -> None:
    for _ in range(4):
        throttle.fail("admin", "10.0.0.1")
    assert throttle.locked_for("admin", "10.0.0.1") == 0
    waits = []
    for _ in range(7):
        throttle.fail("admin", "10.0.0.1")
        waits.append(throttle.locked_for("admin", "10.0.0.9"))
    assert waits == [30, 60, 120, 240, 480, 900, 900]
    clock.advance(901)
    assert throttle.locked_for("admin", "10.0.0.1") == 0
    throttle.succeed("Admin ")
    throttle.fail("admin", "10.0.0.1")
    assert throttle.locked_for("admin", "10.0.0.1") == 0


def test_failures_on_one_account_never_lock_the_address_for_others(throttle) -> None:
    for _ in range(20):
        throttle.fail("lina", "203.0.113.7")
    assert throttle.locked_for("lina", "203.0.113.7") > 0
    assert throttle.locked_for("wangfang", "203.0.113.7") == 0


def test_an_address_trying_many_accounts_is_locked_for_all(throttle, clock) -> None:
    for n in range(10):
        throttle.fail(f"resident{n}", "198.51.100.4")
    assert throttle.locked_for("someone-else", "198.51.100.4") == 900
    assert throttle.locked_for("someone-else", "198.51.100.5") == 0
    clock.advance(WINDOW.total_seconds() + 1)
    assert throttle.locked_for("someone-else", "198.51.100.4") == 0


def test_two_server_processes_share_the_failures(database_url, tmp_path, world) -> None:
    apps = [create_app(make_settings(database_url, tmp_path / str(n))) for n in range(2)]
    try:
        with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
            for client in (first, second, first, second, first):
                answer = client.post(
                    "/api/v1/auth/login", json={"login": "supervisor", "password": "wrong-guess"}
                )
                assert answer.status_code == 401
            right = {"login": "supervisor", "password": PASSWORD}
            assert second.post("/api/v1/auth/login", json=right).status_code == 429
    finally:
        for app in apps:
            app.state.engine.dispose()


def _spray(client: TestClient, forwarded: str) -> int:
    status = 0
    for n in range(10):
        status = client.post(
            "/api/v1/auth/login",
            json={"login": f"nobody{n}", "password": "wrong-guess"},
            headers={"X-Forwarded-For": forwarded},
        ).status_code
    return status


def test_forwarded_addresses_are_believed_only_from_named_proxies(
    database_url, tmp_path, world
) -> None:
    # Without a trusted proxy, a sprayer cannot escape the lock by inventing addresses.
    plain = create_app(make_settings(database_url, tmp_path / "plain"))
    try:
        with TestClient(plain) as client:
            for n in range(10):
                client.post(
                    "/api/v1/auth/login",
                    json={"login": f"nobody{n}", "password": "wrong-guess"},
                    headers={"X-Forwarded-For": f"192.0.2.{n}"},
                )
            answer = client.post(
                "/api/v1/auth/login",
                json={"login": "resident", "password": PASSWORD},
                headers={"X-Forwarded-For": "192.0.2.200"},
            )
            assert answer.status_code == 429
    finally:
        plain.state.engine.dispose()


def test_behind_a_named_proxy_each_client_is_judged_by_its_own_address(
    database_url, tmp_path, world
) -> None:
    proxied = create_app(
        make_settings(database_url, tmp_path / "proxied2", trusted_proxies=["127.0.0.0/8"])
    )
    try:
        with TestClient(proxied, client=("127.0.0.1", 50000)) as client:
            assert _spray(client, "192.0.2.66, 127.0.0.1") == 401
            locked = client.post(
                "/api/v1/auth/login",
                json={"login": "resident", "password": PASSWORD},
                headers={"X-Forwarded-For": "192.0.2.66"},
            )
            assert locked.status_code == 429
            neighbour = client.post(
                "/api/v1/auth/login",
                json={"login": "resident", "password": PASSWORD},
                headers={"X-Forwarded-For": "192.0.2.67"},
            )
            assert neighbour.status_code == 200, neighbour.text
    finally:
        proxied.state.engine.dispose()
