"""Access groups with schedules and members; gate devices whose token is shown only once."""

from __future__ import annotations

import uuid


def _base(world) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/communities/{world.a.community_id}"


def test_staff_create_a_group_with_a_weekday_schedule_and_members(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    created = client.post(
        f"{_base(world)}/groups",
        json={
            "name": "保洁员",
            "door_ids": [str(world.a.gate_id), str(world.a.unit_door_id)],
            "weekly": {"0": ["07:00-19:00"], "5": ["08:00-12:00", "22:00-02:00"]},
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    group = created.json()
    assert group["weekly"] == {"0": ["07:00-19:00"], "5": ["08:00-12:00", "22:00-02:00"]}
    added = client.post(
        f"{_base(world)}/groups/{group['id']}/members",
        json={"person_ids": [str(world.a.resident_id)]},
        headers=staff,
    )
    assert added.json() == [str(world.a.resident_id)]
    removed = client.delete(
        f"{_base(world)}/groups/{group['id']}/members/{world.a.resident_id}", headers=staff
    )
    assert removed.status_code == 204
    members = client.get(f"{_base(world)}/groups/{group['id']}/members", headers=staff)
    assert members.json() == []


def test_a_group_cannot_take_a_door_of_another_community(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"{_base(world)}/groups",
        json={"name": "越界", "door_ids": [str(world.b.gate_id)], "weekly": {"0": ["00:00-00:00"]}},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 404


def test_a_member_from_another_community_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    group = client.post(
        f"{_base(world)}/groups",
        json={"name": "访客", "door_ids": [str(world.a.gate_id)], "weekly": {}},
        headers=staff,
    ).json()
    response = client.post(
        f"{_base(world)}/groups/{group['id']}/members",
        json={"person_ids": [str(world.b.resident_id)]},
        headers=staff,
    )
    assert response.status_code == 404


def test_a_malformed_time_window_names_the_field(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"{_base(world)}/groups",
        json={"name": "夜班", "door_ids": [], "weekly": {"1": ["7am-7pm"]}},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["fields"][0]["field"] == "weekly.1.0"


def test_holidays_are_kept_per_community(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    saved = client.put(
        f"{_base(world)}/holidays", json={"days": {"2026-10-01": "国庆节"}}, headers=staff
    )
    assert saved.status_code == 200
    assert client.get(f"{_base(world)}/holidays", headers=staff).json() == {
        "days": {"2026-10-01": "国庆节"}
    }
    other = client.get(
        f"/api/v1/communities/{world.b.community_id}/holidays", headers=world.auth("staff_b")
    )
    assert other.json() == {"days": {}}


def test_a_registered_device_gets_its_token_once_and_it_uploads(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    registered = client.post(
        f"{_base(world)}/devices",
        json={"name": "1号楼门禁", "door_ids": [str(world.a.unit_door_id)]},
        headers=staff,
    )
    assert registered.status_code == 201, registered.text
    token = registered.json()["token"]
    assert token.startswith("mwd_")
    shown = client.get(f"{_base(world)}/devices/{registered.json()['id']}", headers=staff)
    assert "token" not in shown.json()
    listed = client.get(f"{_base(world)}/devices", headers=staff)
    assert token not in listed.text
    upload = client.post(
        "/api/v1/device/events",
        json={
            "events": [
                {
                    "idempotency_key": "unit-door:00000001",
                    "door_id": str(world.a.unit_door_id),
                    "occurred_at": "2026-03-01T08:00:00+08:00",
                    "direction": "in",
                    "credential_kind": "pin",
                    "outcome": "allow",
                    "reason_code": "granted",
                }
            ]
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert upload.json()["stored"] == 1


def test_a_device_cannot_be_registered_for_another_communitys_door(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"{_base(world)}/devices",
        json={"name": "越界闸机", "door_ids": [str(world.b.gate_id)]},
        headers=world.auth("processor_admin"),
    )
    assert response.status_code == 404


def test_a_device_token_cannot_read_the_staff_api(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{_base(world)}/people", headers=world.auth("device_a"))
    assert response.status_code == 403
    missing = client.get(
        f"{_base(world)}/devices/{uuid.uuid4()}", headers=world.auth("community_staff")
    )
    assert missing.status_code == 404
