"""Doors through the API: created, changed, and refused when faces would be the only way in."""

from __future__ import annotations

import uuid


def _doors(world) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/communities/{world.a.community_id}/doors"


def test_staff_add_a_door_that_takes_faces_and_cards(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        _doors(world),
        json={"name": "东门", "kind": "gate", "direction": "in", "accepts": ["face", "card"]},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 201, response.text
    door = response.json()
    assert door["accepts"] == ["card", "face"]
    fetched = client.get(f"{_doors(world)}/{door['id']}", headers=world.auth("committee_member"))
    assert fetched.json()["name"] == "东门"


def test_a_face_only_door_is_refused_with_the_rule_cited(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        _doors(world),
        json={"name": "刷脸门", "kind": "turnstile", "accepts": ["face"]},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "face_only_door"
    assert "R1" in error["message"]
    assert "刷脸门" in error["message"]
    listed = client.get(_doors(world), headers=world.auth("community_staff")).json()
    assert "刷脸门" not in [d["name"] for d in listed["items"]]


def test_removing_the_last_non_face_credential_from_a_door_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    path = f"{_doors(world)}/{world.a.gate_id}"
    response = client.patch(
        path,
        json={"accepts": ["face"]},
        headers={**world.auth("community_staff"), "Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert "Face may never be the only way in (R1)" in response.json()["error"]["message"]
    unchanged = client.get(path, headers=world.auth("community_staff")).json()
    assert set(unchanged["accepts"]) == {"card", "qr", "face"}


def test_a_door_can_drop_faces_altogether(client, world) -> None:  # type: ignore[no-untyped-def]
    path = f"{_doors(world)}/{world.a.gate_id}"
    response = client.patch(
        path, json={"accepts": ["card", "qr"]}, headers=world.auth("community_staff")
    )
    assert response.status_code == 200
    assert response.json()["accepts"] == ["card", "qr"]


def test_a_door_of_another_community_is_not_found_through_this_one(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        f"{_doors(world)}/{world.b.gate_id}", headers=world.auth("platform_admin")
    )
    assert response.status_code == 404


def test_staff_of_b_cannot_read_or_change_a_door_of_a(client, world) -> None:  # type: ignore[no-untyped-def]
    path = f"{_doors(world)}/{world.a.gate_id}"
    assert client.get(path, headers=world.auth("staff_b")).status_code == 404
    patched = client.patch(path, json={"name": "x"}, headers=world.auth("staff_b"))
    assert patched.status_code == 404
    assert client.delete(path, headers=world.auth("staff_b")).status_code == 404


def test_a_committee_member_reads_doors_but_cannot_change_them(client, world) -> None:  # type: ignore[no-untyped-def]
    path = f"{_doors(world)}/{world.a.gate_id}"
    assert client.get(path, headers=world.auth("committee_member")).status_code == 200
    response = client.patch(path, json={"name": "x"}, headers=world.auth("committee_member"))
    assert response.status_code == 403


def test_deleting_a_door_removes_it_and_a_second_delete_is_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    path = f"{_doors(world)}/{world.a.unit_door_id}"
    assert client.delete(path, headers=world.auth("community_staff")).status_code == 204
    assert client.delete(path, headers=world.auth("community_staff")).status_code == 404


def test_a_door_in_a_building_of_another_community_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        _doors(world),
        json={
            "name": "外楼门",
            "kind": "unit_door",
            "accepts": ["card"],
            "building_id": str(world.b.building_id),
        },
        headers=world.auth("processor_admin"),
    )
    assert response.status_code == 404


def test_doors_are_paged_with_a_total(client, world) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        client.post(
            _doors(world),
            json={"name": f"车库{n}", "kind": "garage_barrier", "accepts": ["card"]},
            headers=world.auth("community_staff"),
        )
    page = client.get(
        f"{_doors(world)}?limit=2&offset=1", headers=world.auth("community_staff")
    ).json()
    assert page["total"] == 5
    assert len(page["items"]) == 2
    assert page["offset"] == 1
    assert str(uuid.UUID(page["items"][0]["id"]))
