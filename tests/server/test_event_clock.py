"""Events from a gate clock running ahead are refused; from one far behind, flagged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

INGEST = "/api/v1/device/events"


def _event(door_id: uuid.UUID, key: str, at: datetime) -> dict[str, object]:
    return {
        "idempotency_key": f"gate-a:{key}",
        "door_id": str(door_id),
        "occurred_at": at.isoformat(),
        "direction": "in",
        "credential_kind": "card",
        "outcome": "allow",
        "reason_code": "granted",
    }


def test_an_event_dated_2099_is_refused_and_never_heads_the_list(client, world) -> None:
    now = datetime.now(UTC)
    batch = {
        "events": [
            _event(world.a.gate_id, "future-2099", datetime(2099, 1, 1, tzinfo=UTC)),
            _event(world.a.gate_id, "an-hour-ahead", now + timedelta(hours=1)),
            _event(world.a.gate_id, "just-ahead", now + timedelta(minutes=3)),
            _event(world.a.gate_id, "just-now", now - timedelta(seconds=5)),
        ]
    }
    receipt = client.post(
        INGEST, json=batch, headers={**world.auth("device_a"), "Accept-Language": "en"}
    ).json()
    assert receipt["stored"] == 2
    refused = {r["idempotency_key"]: r for r in receipt["refused"]}
    assert set(refused) == {"gate-a:future-2099", "gate-a:an-hour-ahead"}
    assert {r["code"] for r in refused.values()} == {"occurred_in_future"}
    assert "clock" in refused["gate-a:future-2099"]["message"]
    staff = world.auth("community_staff")
    listed = client.get(f"/api/v1/communities/{world.a.community_id}/events", headers=staff)
    assert [e["occurred_at"][:4] for e in listed.json()["items"]] == [str(now.year)] * 2
    exported = client.get(
        f"/api/v1/communities/{world.a.community_id}/events.csv", headers=staff
    ).text
    assert "2099" not in exported


def test_an_event_older_than_any_outbox_holds_is_stored_flagged(client, world) -> None:
    batch = {"events": [_event(world.a.gate_id, "year-2001", datetime(2001, 1, 1, tzinfo=UTC))]}
    receipt = client.post(INGEST, json=batch, headers=world.auth("device_a")).json()
    assert receipt["stored"] == 1
    staff = world.auth("community_staff")
    listed = client.get(
        f"/api/v1/communities/{world.a.community_id}/events",
        params={"flag": "clock_suspect"},
        headers=staff,
    ).json()["items"]
    assert [e["flag"] for e in listed] == ["clock_suspect"]
