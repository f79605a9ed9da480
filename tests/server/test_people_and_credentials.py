"""People, households, cards, PINs and visitor passes through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta


def _base(world) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/communities/{world.a.community_id}"


def test_staff_register_a_person_who_moves_in_and_later_out(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    created = client.post(
        f"{_base(world)}/people",
        json={"name": "张伟", "role": "tenant", "date_of_birth": "1990-02-03"},
        headers=staff,
    )
    assert created.status_code == 201, created.text
    person_id = created.json()["id"]
    moved = client.post(
        f"{_base(world)}/people/{person_id}/households",
        json={"unit_id": str(world.a.unit_id), "moved_in": "2024-01-01"},
        headers=staff,
    )
    assert moved.status_code == 201
    out = client.post(
        f"{_base(world)}/people/{person_id}/households/{moved.json()['id']}/move-out",
        json={"moved_out": "2025-06-30"},
        headers=staff,
    )
    assert out.status_code == 200
    assert out.json()["moved_out"] == "2025-06-30"
    too_early = client.post(
        f"{_base(world)}/people/{person_id}/households/{moved.json()['id']}/move-out",
        json={"moved_out": "2020-01-01"},
        headers=staff,
    )
    assert too_early.status_code == 422
    assert too_early.json()["error"]["code"] == "invalid_configuration"


def test_people_are_listed_by_name_search_and_paged(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    for name in ("王刚", "王敏", "赵磊"):
        client.post(f"{_base(world)}/people", json={"name": name, "role": "owner"}, headers=staff)
    page = client.get(f"{_base(world)}/people?name=王&limit=1", headers=staff).json()
    assert len(page["items"]) == 1
    assert page["has_more"] is True
    everyone = client.get(f"{_base(world)}/people?role=owner", headers=staff).json()
    assert {p["name"] for p in everyone["items"]} == {"李娜", "王刚", "王敏", "赵磊"}


def test_a_person_of_another_community_is_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        f"{_base(world)}/people/{world.b.resident_id}", headers=world.auth("platform_admin")
    )
    assert response.status_code == 404
    deleted = client.delete(
        f"/api/v1/communities/{world.b.community_id}/people/{world.b.resident_id}",
        headers=world.auth("community_staff"),
    )
    assert deleted.status_code == 404


def test_a_hostile_name_is_stored_as_text_and_an_overlong_one_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    hostile = "Robert'); DROP TABLE people;--"
    created = client.post(
        f"{_base(world)}/people", json={"name": hostile, "role": "visitor"}, headers=staff
    )
    assert created.status_code == 201
    assert created.json()["name"] == hostile
    long = client.post(
        f"{_base(world)}/people", json={"name": "名" * 101, "role": "owner"}, headers=staff
    )
    assert long.status_code == 422
    assert long.json()["error"]["details"]["fields"][0]["field"] == "name"


def test_a_card_and_a_pin_are_issued_and_the_pin_never_shown(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    person = f"{_base(world)}/people/{world.a.resident_id}"
    card = client.post(f"{person}/cards", json={"uid": "04:a2:1b:9c"}, headers=staff)
    assert card.status_code == 201, card.text
    assert card.json()["card_uid"] == "04A21B9C"
    pin = client.post(f"{person}/pins", json={"pin": "204816"}, headers=staff)
    assert pin.status_code == 201
    listed = client.get(f"{person}/credentials", headers=staff)
    assert {c["kind"] for c in listed.json()} == {"card", "pin"}
    assert "204816" not in listed.text
    assert "scrypt" not in listed.text


def test_a_short_pin_is_refused_with_the_field_named(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"{_base(world)}/people/{world.a.resident_id}/pins",
        json={"pin": "1234"},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["fields"][0]["field"] == "pin"


def test_the_same_card_twice_in_one_community_is_a_conflict(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    person = f"{_base(world)}/people/{world.a.resident_id}"
    client.post(f"{person}/cards", json={"uid": "A1B2C3D4"}, headers=staff)
    again = client.post(f"{person}/cards", json={"uid": "a1b2c3d4"}, headers=staff)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_revoking_a_credential_records_when(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    card = client.post(
        f"{_base(world)}/people/{world.a.resident_id}/cards",
        json={"uid": "DEADBEEF"},
        headers=staff,
    ).json()
    revoked = client.post(f"{_base(world)}/credentials/{card['id']}/revoke", headers=staff)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    missing = client.post(f"{_base(world)}/credentials/{uuid.uuid4()}/revoke", headers=staff)
    assert missing.status_code == 404


def test_a_resident_issues_a_visitor_pass_for_the_main_gate(client, world) -> None:  # type: ignore[no-untyped-def]
    until = (datetime.now(UTC) + timedelta(hours=4)).isoformat()
    response = client.post(
        "/api/v1/me/passes",
        json={"visitor_name": "陈静", "door_ids": [str(world.a.gate_id)], "valid_until": until},
        headers=world.auth("resident"),
    )
    assert response.status_code == 201, response.text
    issued = response.json()
    assert issued["token"]
    assert issued["qr_svg"].startswith("<svg")
    assert issued["max_uses"] == 1
    visitor = client.get(
        f"{_base(world)}/people/{issued['visitor_id']}", headers=world.auth("community_staff")
    ).json()
    assert visitor["role"] == "visitor"


def test_a_resident_cannot_open_another_communitys_door_to_a_visitor(client, world) -> None:  # type: ignore[no-untyped-def]
    until = (datetime.now(UTC) + timedelta(hours=4)).isoformat()
    response = client.post(
        "/api/v1/me/passes",
        json={"visitor_name": "陈静", "door_ids": [str(world.b.gate_id)], "valid_until": until},
        headers=world.auth("resident"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "door_not_allowed"


def test_a_pass_that_ends_before_it_starts_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    start = datetime.now(UTC) + timedelta(days=1)
    response = client.post(
        f"{_base(world)}/passes",
        json={
            "visitor_name": "快递员",
            "door_ids": [str(world.a.gate_id)],
            "valid_from": start.isoformat(),
            "valid_until": (start - timedelta(hours=1)).isoformat(),
        },
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_configuration"


def test_a_pass_the_gate_reads_back_names_the_doors_and_the_window(client, world, app) -> None:  # type: ignore[no-untyped-def]
    from menwei.core import qr_refusal, read_qr_pass
    from menwei.core.reason import Reason
    from menwei.server.services.credentials import pass_key_ring

    until = datetime.now(UTC) + timedelta(hours=2)
    issued = client.post(
        f"{_base(world)}/passes",
        json={
            "visitor_name": "维修师傅",
            "door_ids": [str(world.a.gate_id)],
            "valid_until": until.isoformat(),
            "max_uses": 2,
        },
        headers=world.auth("community_staff"),
    ).json()
    ring = pass_key_ring(app.state.settings)
    qr_pass = read_qr_pass(issued["token"], ring.current(world.a.community_id).public_key)
    assert qr_pass.door_ids == {world.a.gate_id}
    assert qr_refusal(qr_pass, door_id=world.a.gate_id, at=datetime.now(UTC)) is None
    later = until + timedelta(minutes=1)
    assert qr_refusal(qr_pass, door_id=world.a.gate_id, at=later) is Reason.QR_EXPIRED
