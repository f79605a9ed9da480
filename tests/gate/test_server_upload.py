"""The gate's outbox uploaded to the real server's event ingest: each event stored once."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from menwei.gate.errors import SyncError
from menwei.gate.outbox import Outbox
from menwei.gate.sync import SyncClient

from ..server.conftest import make_settings, seed_world


@contextmanager
def serving(app) -> Iterator[str]:
    """The app behind a real uvicorn server on a free local port."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _event(door_id, n: int) -> tuple[str, dict]:
    return (
        "passage",
        {
            "door_id": str(door_id),
            "direction": "in",
            "credential_kind": "card" if n % 2 else "face",
            "person_id": None,
            "outcome": "deny",
            "reason_code": "unknown_card" if n % 2 else "unknown_face",
            "flag": None,
            "liveness": None if n % 2 else "not_checked",
        },
    )


def test_gate_events_reach_the_server_once_even_when_a_batch_is_sent_again(
    database_url: str, tmp_path: Path
) -> None:
    from menwei.server.app import create_app
    from menwei.store.uow import UnitOfWork

    app = create_app(make_settings(database_url, tmp_path))
    try:
        world = seed_world(UnitOfWork(app.state.session_factory))
        with serving(app) as url, httpx.Client(base_url=url) as http:
            client = SyncClient(url, world.a.device_token)
            outbox = Outbox(tmp_path / "outbox.db")
            outbox.add_many([_event(world.a.gate_id, n) for n in range(30)])
            first = outbox.pending(10)
            assert client.upload(first).acknowledged == [e.idempotency_key for e in first]
            assert outbox.upload(client.upload, batch_size=7) == 30
            page = http.get(
                f"/api/v1/communities/{world.a.community_id}/events?with_total=true&limit=5",
                headers=world.auth("community_staff"),
            ).json()
            assert page["total"] == 30
            client.close()
    finally:
        app.state.engine.dispose()


def test_events_decided_while_the_server_is_down_arrive_once_when_it_returns(
    database_url: str, tmp_path: Path
) -> None:
    from menwei.server.app import create_app
    from menwei.store.uow import UnitOfWork

    app = create_app(make_settings(database_url, tmp_path))
    outbox = Outbox(tmp_path / "outbox.db")
    try:
        world = seed_world(UnitOfWork(app.state.session_factory))
        outbox.add_many([_event(world.a.gate_id, n) for n in range(10)])
        with serving(app) as url:
            client = SyncClient(url, world.a.device_token)
            assert outbox.upload(client.upload, batch_size=4) == 10
        outbox.add_many([_event(world.a.gate_id, n) for n in range(10, 25)])
        with pytest.raises(SyncError, match="could not be reached"):
            outbox.upload(client.upload, batch_size=4)
        client.close()
        assert len(outbox) == 15
        with serving(app) as url, httpx.Client(base_url=url) as http:
            client = SyncClient(url, world.a.device_token)
            assert outbox.upload(client.upload, batch_size=4) == 15
            client.close()
            page = http.get(
                f"/api/v1/communities/{world.a.community_id}/events?with_total=true&limit=5",
                headers=world.auth("community_staff"),
            ).json()
        assert page["total"] == 25
    finally:
        outbox.close()
        app.state.engine.dispose()


def test_an_event_naming_a_foreign_person_is_kept_aside_and_the_following_ones_arrive(
    database_url: str, tmp_path: Path
) -> None:
    from menwei.server.app import create_app
    from menwei.store.uow import UnitOfWork

    app = create_app(make_settings(database_url, tmp_path))
    outbox = Outbox(tmp_path / "outbox.db")
    try:
        world = seed_world(UnitOfWork(app.state.session_factory))
        foreign = [
            ("passage", {**body, "person_id": str(world.b.resident_id)})
            for _, body in (_event(world.a.gate_id, n) for n in range(5))
        ]
        outbox.add_many(foreign)
        outbox.add_many([_event(world.a.gate_id, n) for n in range(5, 12)])
        with serving(app) as url, httpx.Client(base_url=url) as http:
            client = SyncClient(url, world.a.device_token)
            assert outbox.upload(client.upload, batch_size=3) == 7
            assert outbox.upload(client.upload, batch_size=3) == 0
            client.close()
            page = http.get(
                f"/api/v1/communities/{world.a.community_id}/events?with_total=true&limit=5",
                headers=world.auth("community_staff"),
            ).json()
        assert page["total"] == 7
        assert len(outbox) == 0
        kept = outbox.refused()
        assert len(kept) == 5
        assert {r.reason_code for r in kept} == {"person_not_in_community"}
        assert {r.body["person_id"] for r in kept} == {str(world.b.resident_id)}
    finally:
        outbox.close()
        app.state.engine.dispose()
