"""A gate's token lasts a set time from its last sync; each sync renews it; a lapsed one is
refused with the reason, and the gate says what to do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from menwei.gate.errors import SyncError
from menwei.gate.sync import SyncClient
from menwei.store.tables import DeviceRow

CHANGES = "/api/v1/device/changes"


def _last_synced(app, device_id, days_ago: float) -> None:  # type: ignore[no-untyped-def]
    at = datetime.now(UTC) - timedelta(days=days_ago)
    with app.state.engine.begin() as connection:
        connection.execute(
            sa.update(DeviceRow)
            .where(DeviceRow.id == device_id)
            .values(last_seen_at=at, created_at=at - timedelta(days=1))
        )
    app.state.principals.clear()


def test_a_token_unused_past_its_lifetime_is_refused_saying_what_to_do(client, app, world) -> None:
    _last_synced(app, world.a.device_id, days_ago=31)
    answer = client.get(CHANGES, headers={**world.auth("device_a"), "Accept-Language": "en"})
    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error["code"] == "device_token_expired"
    assert error["details"] == {"lifetime_days": 30}
    assert "register the device again" in error["message"]


def test_each_sync_renews_the_token(client, app, world) -> None:
    _last_synced(app, world.a.device_id, days_ago=29)
    device = world.auth("device_a")
    page = client.get(CHANGES, headers=device)
    assert page.status_code == 200
    ack = client.post(f"{CHANGES}/ack", json={"cursor": page.json()["cursor"]}, headers=device)
    assert ack.status_code == 200, ack.text
    with app.state.engine.connect() as connection:
        seen = connection.scalar(
            sa.select(DeviceRow.last_seen_at).where(DeviceRow.id == world.a.device_id)
        )
    assert datetime.now(UTC) - seen.replace(tzinfo=UTC) < timedelta(minutes=1)


def test_the_gate_names_an_expired_token_and_the_way_out(app, world) -> None:
    _last_synced(app, world.a.device_id, days_ago=45)
    with TestClient(app) as http:

        def through_the_app(request: httpx.Request) -> httpx.Response:
            answer = http.request(request.method, str(request.url), headers=dict(request.headers))
            return httpx.Response(answer.status_code, content=answer.content)

        transport = httpx.MockTransport(through_the_app)
        gate = SyncClient("http://testserver", world.a.device_token, transport=transport)
        with pytest.raises(SyncError, match=r"token has expired.*register the device again"):
            gate.pull(None)
        gate.close()


def test_the_lifetime_is_a_setting(client, app, world) -> None:
    app.state.settings.device_token_days = 60
    _last_synced(app, world.a.device_id, days_ago=45)
    assert client.get(CHANGES, headers=world.auth("device_a")).status_code == 200
