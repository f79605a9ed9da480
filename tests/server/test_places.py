"""Processors, communities, buildings and units, each within the caller's reach."""

from __future__ import annotations

import uuid


def test_a_platform_admin_opens_a_processor_and_a_community(client, world) -> None:  # type: ignore[no-untyped-def]
    admin = world.auth("platform_admin")
    processor = client.post(
        "/api/v1/processors",
        json={"name": "西湖街道办事处", "kind": "government", "responsible_person": "周敏"},
        headers=admin,
    )
    assert processor.status_code == 201, processor.text
    community = client.post(
        "/api/v1/communities",
        json={"processor_id": processor.json()["id"], "name": "文三新村"},
        headers=admin,
    )
    assert community.status_code == 201
    assert community.json()["timezone"] == "Asia/Shanghai"
    listed = client.get("/api/v1/communities", headers=admin).json()
    assert listed["total"] == 3


def test_a_processor_admin_sees_only_their_own_processor_and_communities(client, world) -> None:  # type: ignore[no-untyped-def]
    admin = world.auth("processor_admin")
    processors = client.get("/api/v1/processors", headers=admin).json()
    assert [p["id"] for p in processors["items"]] == [str(world.a.processor_id)]
    other = client.get(f"/api/v1/processors/{world.b.processor_id}", headers=admin)
    assert other.status_code == 404
    communities = client.get("/api/v1/communities", headers=admin).json()
    assert [c["id"] for c in communities["items"]] == [str(world.a.community_id)]


def test_a_processor_admin_cannot_open_a_community_for_another_processor(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/communities",
        json={"processor_id": str(world.b.processor_id), "name": "越界小区"},
        headers=world.auth("processor_admin"),
    )
    assert response.status_code == 404


def test_staff_add_a_building_and_a_unit_with_its_floor_area(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    base = f"/api/v1/communities/{world.a.community_id}"
    building = client.post(f"{base}/buildings", json={"name": "2号楼"}, headers=staff)
    assert building.status_code == 201
    unit = client.post(
        f"{base}/units",
        json={"building_id": building.json()["id"], "number": "1502", "floor_area_m2": "120.35"},
        headers=staff,
    )
    assert unit.status_code == 201, unit.text
    assert unit.json()["floor_area_m2"] == "120.35"
    again = client.post(f"{base}/buildings", json={"name": "2号楼"}, headers=staff)
    assert again.status_code == 409


def test_a_unit_with_no_floor_area_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/units",
        json={"building_id": str(world.a.building_id), "number": "9", "floor_area_m2": "0"},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["fields"][0]["field"] == "floor_area_m2"


def test_a_unit_in_a_building_of_another_community_is_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/units",
        json={"building_id": str(world.b.building_id), "number": "9", "floor_area_m2": "80"},
        headers=world.auth("processor_admin"),
    )
    assert response.status_code == 404
    missing = client.get(
        f"/api/v1/communities/{world.a.community_id}/units/{uuid.uuid4()}",
        headers=world.auth("committee_member"),
    )
    assert missing.status_code == 404


def test_a_committee_member_reads_units_for_votes_but_not_people(client, world) -> None:  # type: ignore[no-untyped-def]
    base = f"/api/v1/communities/{world.a.community_id}"
    units = client.get(f"{base}/units", headers=world.auth("committee_member"))
    assert units.json()["items"][0]["floor_area_m2"] == "89.50"
    people = client.get(f"{base}/people", headers=world.auth("committee_member"))
    assert people.status_code == 403
