"""A gate may only name people of its own community in the events it uploads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

INGEST = "/api/v1/device/events"
T0 = datetime(2026, 4, 1, 7, 30, tzinfo=UTC)


def _event(door_id: uuid.UUID, n: int, person_id: uuid.UUID | None) -> dict[str, object]:
    return {
        "idempotency_key": f"scope-a:{n:08d}",
        "door_id": str(door_id),
        "occurred_at": (T0 + timedelta(seconds=n)).isoformat(),
        "direction": "in",
        "credential_kind": "card",
        "outcome": "allow",
        "reason_code": "granted",
        "person_id": None if person_id is None else str(person_id),
    }


def _stored(client, world) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    items = client.get(
        f"/api/v1/communities/{world.a.community_id}/events?limit=100",
        headers=world.auth("community_staff"),
    ).json()["items"]
    return {item["occurred_at"]: item["person_id"] for item in items}


def test_an_event_naming_a_person_of_another_community_is_refused_alone(client, world) -> None:  # type: ignore[no-untyped-def]
    gate = world.a.gate_id
    batch = {
        "events": [
            _event(gate, 1, world.a.resident_id),
            _event(gate, 2, world.b.resident_id),
            _event(gate, 3, None),
        ]
    }
    response = client.post(INGEST, json=batch, headers=world.auth("device_a"))
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert (receipt["received"], receipt["stored"], receipt["duplicates"]) == (3, 2, 0)
    assert [(r["idempotency_key"], r["code"]) for r in receipt["refused"]] == [
        ("scope-a:00000002", "person_not_in_community")
    ]
    assert "小区" in receipt["refused"][0]["message"]
    stored = _stored(client, world)
    assert sorted(stored.values(), key=str) == sorted([str(world.a.resident_id), None], key=str)
    assert str(world.b.resident_id) not in stored.values()


def test_a_refused_event_stays_refused_when_the_batch_is_sent_again(client, world) -> None:  # type: ignore[no-untyped-def]
    batch = {
        "events": [
            _event(world.a.gate_id, 1, world.a.resident_id),
            _event(world.a.gate_id, 2, world.b.resident_id),
        ]
    }
    client.post(INGEST, json=batch, headers=world.auth("device_a"))
    again = client.post(
        INGEST, json=batch, headers={**world.auth("device_a"), "Accept-Language": "en"}
    )
    receipt = again.json()
    assert (receipt["received"], receipt["stored"], receipt["duplicates"]) == (2, 0, 1)
    assert [r["idempotency_key"] for r in receipt["refused"]] == ["scope-a:00000002"]
    assert "not of this device's community" in receipt["refused"][0]["message"]
    assert len(_stored(client, world)) == 1


def test_an_event_naming_a_person_erased_since_is_kept_without_the_name(client, world) -> None:  # type: ignore[no-untyped-def]
    gone = uuid.uuid4()
    response = client.post(
        INGEST,
        json={"events": [_event(world.a.gate_id, 1, gone), _event(world.a.gate_id, 2, None)]},
        headers=world.auth("device_a"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 2 and response.json()["refused"] == []
    assert list(_stored(client, world).values()) == [None, None]
