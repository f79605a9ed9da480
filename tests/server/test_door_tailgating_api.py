"""Each door's tailgating rule through the API, and on to the door's gates by sync."""

from __future__ import annotations

import json

from menwei.gate.records import build_snapshot

PULL = "/api/v1/device/changes"


def _door(world) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/communities/{world.a.community_id}/doors/{world.a.gate_id}"


def test_a_changed_rule_reaches_the_doors_gate_on_its_next_pull(client, world) -> None:  # type: ignore[no-untyped-def]
    first = client.get(PULL, headers=world.auth("device_a")).json()
    door = next(c for c in first["changes"] if c["kind"] == "door")
    assert door["payload"]["tailgating"] == "alert"
    changed = client.patch(
        _door(world), json={"tailgating": "hold"}, headers=world.auth("community_staff")
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["tailgating"], changed.json()["tailgating_in_effect"]) == (
        "hold",
        "hold",
    )
    later = client.get(f"{PULL}?cursor={first['cursor']}", headers=world.auth("device_a")).json()
    (record,) = [c for c in later["changes"] if c["kind"] == "door"]
    assert record["payload"]["tailgating"] == "hold"
    everything = client.get(PULL, headers=world.auth("device_a")).json()
    snapshot = build_snapshot(
        [
            (c["kind"], c["id"], json.dumps(c["payload"]).encode())
            for c in everything["changes"]
            if c["action"] == "upsert"
        ]
    )
    assert snapshot.door().tailgating.value == "hold"


def test_a_door_without_a_camera_watches_nothing_whatever_it_is_set_to(client, world) -> None:  # type: ignore[no-untyped-def]
    changed = client.patch(
        _door(world),
        json={"accepts": ["card", "qr"], "tailgating": "hold"},
        headers=world.auth("community_staff"),
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["tailgating"], changed.json()["tailgating_in_effect"]) == (
        "hold",
        "off",
    )


def test_an_unknown_rule_is_refused_in_both_languages_and_nothing_changes(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    refused = client.patch(_door(world), json={"tailgating": "lock_everyone_out"}, headers=staff)
    assert refused.status_code == 422
    assert "tailgating" in json.dumps(refused.json()["error"])
    assert client.get(_door(world), headers=staff).json()["tailgating"] == "alert"


def test_the_committee_reads_the_rule_but_cannot_change_it(client, world) -> None:  # type: ignore[no-untyped-def]
    refused = client.patch(
        _door(world), json={"tailgating": "off"}, headers=world.auth("committee_member")
    )
    assert refused.status_code == 403
    read = client.get(_door(world), headers=world.auth("committee_member"))
    assert read.json()["tailgating"] == "alert"
