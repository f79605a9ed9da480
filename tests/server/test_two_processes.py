"""Two server processes over one database behave as one server: what one revokes, the other
refuses. Each app below is a separate server (its own engine, caches and listener), as two
``menwei serve`` processes behind the proxy would be.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from tests.server.conftest import make_settings

from menwei.server import create_app
from menwei.server.auth.cache import PrincipalCache
from menwei.server.policy import AccountRole, Principal
from menwei.settings import Settings

#: long enough that only the database's notification can explain a prompt refusal on B
LONG_CACHE = 300.0


def _refused_within(client: TestClient, headers: dict[str, str], path: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get(path, headers=headers).status_code == 401:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def pair(
    settings: Settings, database_dialect: str, tmp_path
) -> Iterator[tuple[TestClient, TestClient]]:  # type: ignore[no-untyped-def]
    ttl = LONG_CACHE if database_dialect == "postgresql" else 0.3
    shared = make_settings(settings.resolved_database_url, tmp_path, principal_cache_seconds=ttl)
    apps = [create_app(shared), create_app(shared)]
    with ExitStack() as stack:
        clients = [
            stack.enter_context(TestClient(app, raise_server_exceptions=False)) for app in apps
        ]
        for app in apps:
            listener = app.state.principal_listener
            assert listener is None or listener.wait_connected(10)
        yield clients[0], clients[1]
    for app in apps:
        app.state.engine.dispose()


def test_a_token_signed_out_on_one_process_is_refused_on_the_other(
    pair, world, database_dialect
) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    headers = world.auth("community_staff")
    assert b.get("/api/v1/me", headers=headers).status_code == 200  # now cached on B
    assert a.post("/api/v1/auth/logout", headers=headers).status_code == 204
    # PostgreSQL: B hears the commit; SQLite (one process per database file): the short lifetime.
    assert _refused_within(b, headers, "/api/v1/me", 2.0)
    assert a.get("/api/v1/me", headers=headers).status_code == 401


def test_a_device_revoked_on_one_process_cannot_sync_on_the_other(pair, world) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    device = world.auth("device_a")
    assert b.get("/api/v1/device/changes", headers=device).status_code == 200
    revoked = a.post(
        f"/api/v1/communities/{world.a.community_id}/devices/{world.a.device_id}/revoke",
        headers=world.auth("community_staff"),
    )
    assert revoked.status_code == 200, revoked.text
    assert _refused_within(b, device, "/api/v1/device/changes", 2.0)


def test_a_revocation_during_a_look_up_is_not_undone_by_its_late_answer() -> None:
    cache = PrincipalCache(ttl=60)
    who = Principal(kind="user", id=uuid.uuid4(), role=AccountRole.COMMUNITY_STAFF, name="x")
    generation = cache.generation  # a request starts reading the database...
    cache.clear()  # ...another request revokes the token and clears the cache...
    cache.put("b:digest", who, generation)  # ...and the first one's stale answer arrives
    assert cache.get("b:digest") is None
    cache.put("b:digest", who, cache.generation)
    assert cache.get("b:digest") == who
