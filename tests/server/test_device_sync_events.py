"""The gate's own event shapes: the liveness verdict, and door alarms that name no credential."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

INGEST = "/api/v1/device/events"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _event(door_id: uuid.UUID, n: int, **fields: object) -> dict[str, object]:
    return {
        "idempotency_key": f"gate-a:alarm:{n:08d}",
        "door_id": str(door_id),
        "occurred_at": (T0 + timedelta(seconds=n)).isoformat(),
        "direction": "in",
        "credential_kind": "face",
        "outcome": "allow",
        "reason_code": "granted",
        **fields,
    }


def _second(event: dict[str, str]) -> int:
    return datetime.fromisoformat(event["occurred_at"]).second


def test_each_liveness_verdict_is_accepted_from_a_gate(client, world) -> None:  # type: ignore[no-untyped-def]
    batch = {
        "events": [
            _event(world.a.gate_id, n, liveness=verdict)
            for n, verdict in enumerate(["pass", "fail", "not_checked", None])
        ]
    }
    response = client.post(INGEST, json=batch, headers=world.auth("device_a"))
    assert response.json() == {"received": 4, "stored": 4, "duplicates": 0, "refused": []}
    staff = world.auth("community_staff")
    events = f"/api/v1/communities/{world.a.community_id}/events"
    page = client.get(events, headers=staff).json()
    kept = {_second(e): e["liveness"] for e in page["items"]}
    assert kept == {0: "pass", 1: "fail", 2: "not_checked", 3: None}
    failed = client.get(f"{events}?liveness=fail", headers=staff).json()["items"]
    assert [_second(e) for e in failed] == [1]
    exported = client.get(f"{events}.csv?liveness=not_checked", headers=staff).text.splitlines()
    assert exported[0].split(",")[-1] == "liveness"
    assert [line.split(",")[-1] for line in exported[1:]] == ["not_checked"]


def test_an_unknown_liveness_verdict_is_refused_naming_the_field(client, world) -> None:  # type: ignore[no-untyped-def]
    batch = {"events": [_event(world.a.gate_id, 1, liveness="maybe")]}
    response = client.post(INGEST, json=batch, headers=world.auth("device_a"))
    assert response.status_code == 422
    assert "liveness" in str(response.json()["error"]["details"])


def test_tailgating_and_held_open_alarms_are_stored_once_with_their_flag(client, world) -> None:  # type: ignore[no-untyped-def]
    alarms = [
        _event(
            world.a.gate_id,
            n,
            credential_kind="none",
            outcome="deny",
            reason_code=flag,
            flag=flag,
        )
        for n, flag in enumerate(["tailgating", "door_held_open"])
    ]
    for _ in range(2):
        client.post(INGEST, json={"events": alarms}, headers=world.auth("device_a"))
    page = client.get(
        f"/api/v1/communities/{world.a.community_id}/events",
        headers=world.auth("community_staff"),
    ).json()
    stored = sorted((e["flag"], e["credential_kind"], e["outcome"]) for e in page["items"])
    assert stored == [("door_held_open", "none", "deny"), ("tailgating", "none", "deny")]
