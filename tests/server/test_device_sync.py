"""A gate pulls its community's changes as gate records, and the gate's own parser reads them."""

from __future__ import annotations

import json

from menwei.gate.records import build_snapshot

PULL = "/api/v1/device/changes"


def _records(page: dict) -> list[tuple[str, str, bytes]]:  # type: ignore[type-arg]
    return [
        (c["kind"], c["id"], json.dumps(c["payload"]).encode())
        for c in page["changes"]
        if c["action"] == "upsert"
    ]


def test_a_first_pull_gives_the_gate_everything_it_decides_with(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    base = f"/api/v1/communities/{world.a.community_id}"
    client.post(
        f"{base}/people/{world.a.resident_id}/cards", json={"uid": "0A0B0C0D"}, headers=staff
    )
    client.post(
        f"{base}/groups",
        json={"name": "住户", "door_ids": [str(world.a.gate_id)], "weekly": {"0": ["06:00-23:00"]}},
        headers=staff,
    )
    page = client.get(PULL, headers=world.auth("device_a")).json()
    kinds = {c["kind"] for c in page["changes"]}
    assert {"policy", "qr_key", "door", "person", "membership", "card", "group"} <= kinds
    doors = [c["id"] for c in page["changes"] if c["kind"] == "door"]
    assert doors == [str(world.a.gate_id)]  # its own door only, not the unit door
    person = next(c for c in page["changes"] if c["kind"] == "person")
    assert set(person["payload"]) == {"id", "community_id", "name", "role"}
    snapshot = build_snapshot(_records(page))
    assert snapshot.door().id == world.a.gate_id
    assert snapshot.state is not None
    assert int(page["cursor"]) > 0
    assert page["more"] is False


def test_a_later_pull_gives_only_what_changed_and_deletions(client, world) -> None:  # type: ignore[no-untyped-def]
    first = client.get(PULL, headers=world.auth("device_a")).json()
    staff = world.auth("community_staff")
    base = f"/api/v1/communities/{world.a.community_id}"
    card = client.post(
        f"{base}/people/{world.a.resident_id}/cards", json={"uid": "11223344"}, headers=staff
    ).json()
    client.post(f"{base}/credentials/{card['id']}/revoke", headers=staff)
    later = client.get(f"{PULL}?cursor={first['cursor']}", headers=world.auth("device_a")).json()
    assert [(c["kind"], c["id"]) for c in later["changes"]] == [("card", card["id"])]
    assert later["changes"][0]["payload"]["validity"]["revoked_at"] is not None
    client.delete(f"{base}/people/{world.a.resident_id}", headers=staff)
    gone = client.get(f"{PULL}?cursor={later['cursor']}", headers=world.auth("device_a")).json()
    assert {(c["kind"], c["action"]) for c in gone["changes"]} >= {
        ("person", "delete"),
        ("membership", "delete"),
    }


def test_a_device_never_sees_another_communitys_changes(client, world) -> None:  # type: ignore[no-untyped-def]
    page = client.get(PULL, headers=world.auth("device_a")).json()
    ids = {c["id"] for c in page["changes"]}
    assert str(world.b.resident_id) not in ids
    assert str(world.b.gate_id) not in ids


def test_an_acknowledgement_records_the_devices_cursor(client, world) -> None:  # type: ignore[no-untyped-def]
    page = client.get(PULL, headers=world.auth("device_a")).json()
    ack = client.post(
        f"{PULL}/ack",
        json={"cursor": page["cursor"], "applied": []},
        headers=world.auth("device_a"),
    )
    assert ack.json() == {"ok": True}
    device = client.get(
        f"/api/v1/communities/{world.a.community_id}/devices/{world.a.device_id}",
        headers=world.auth("community_staff"),
    ).json()
    assert device["last_seen_at"] is not None


def test_a_malformed_cursor_is_a_validation_error(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{PULL}?cursor=-1", headers=world.auth("device_a"))
    assert response.status_code == 422
    assert response.json()["error"]["details"]["fields"][0]["field"] == "cursor"


def test_an_acknowledgement_reports_the_door_driver(client, world) -> None:  # type: ignore[no-untyped-def]
    page = client.get(PULL, headers=world.auth("device_a")).json()
    url = f"/api/v1/communities/{world.a.community_id}/devices/{world.a.device_id}"
    staff = world.auth("community_staff")
    assert client.get(url, headers=staff).json()["door_driver"] is None
    bad = client.post(
        f"{PULL}/ack",
        json={"cursor": page["cursor"], "applied": [], "door_driver": "<script>"},
        headers=world.auth("device_a"),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["fields"][0]["field"] == "door_driver"
    ack = client.post(
        f"{PULL}/ack",
        json={"cursor": page["cursor"], "applied": [], "door_driver": "uhppote+osdp"},
        headers=world.auth("device_a"),
    )
    assert ack.status_code == 200
    assert client.get(url, headers=staff).json()["door_driver"] == "uhppote+osdp"
