"""A first sync reads a page's people, memberships and credentials a few queries at a time, not
one or more per person, and gives the gate the same records as before."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

PULL = "/api/v1/device/changes"


def _base(world) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/communities/{world.a.community_id}"


def _add_people(client, world, count: int, group_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    ids = []
    for n in range(count):
        person = client.post(
            f"{_base(world)}/people", json={"name": f"住户{n:03d}", "role": "owner"}, headers=staff
        ).json()
        client.post(
            f"{_base(world)}/people/{person['id']}/cards",
            json={"uid": uuid.uuid4().hex[:8].upper()},
            headers=staff,
        )
        ids.append(person["id"])
    added = client.post(
        f"{_base(world)}/groups/{group_id}/members", json={"person_ids": ids}, headers=staff
    )
    assert added.status_code == 200, added.text
    return ids


def _group(client, world, name: str) -> str:  # type: ignore[no-untyped-def]
    created = client.post(
        f"{_base(world)}/groups",
        json={"name": name, "door_ids": [str(world.a.gate_id)], "weekly": {"0": ["06:00-23:00"]}},
        headers=world.auth("community_staff"),
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]  # type: ignore[no-any-return]


@contextmanager
def _counting(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", note)


def _first_sync_statements(client, app, world) -> int:  # type: ignore[no-untyped-def]
    device = world.auth("device_a")
    assert client.get(PULL, headers=device).status_code == 200  # the device's token is cached now
    with _counting(app) as statements:
        page = client.get(f"{PULL}?limit=2000", headers=device)
    assert page.status_code == 200 and page.json()["more"] is False
    return len(statements)


def test_the_queries_of_a_first_sync_do_not_grow_with_the_people(client, app, world) -> None:  # type: ignore[no-untyped-def]
    group = _group(client, world, "住户")
    _add_people(client, world, 5, group)
    few = _first_sync_statements(client, app, world)
    _add_people(client, world, 30, group)
    many = _first_sync_statements(client, app, world)
    # One query per person (or per card) would add at least 60 here.
    assert many <= few + 4, (few, many)


def test_memberships_list_each_persons_groups_by_name(client, world) -> None:  # type: ignore[no-untyped-def]
    later = _group(client, world, "乙组")
    earlier = _group(client, world, "B-group")
    [alone] = _add_people(client, world, 1, later)
    [both] = _add_people(client, world, 1, earlier)
    client.post(
        f"{_base(world)}/groups/{later}/members",
        json={"person_ids": [both]},
        headers=world.auth("community_staff"),
    )
    page = client.get(PULL, headers=world.auth("device_a")).json()
    memberships = {
        c["id"]: c["payload"]["group_ids"] for c in page["changes"] if c["kind"] == "membership"
    }
    assert memberships[alone] == [later]
    assert memberships[both] == [earlier, later]  # "B-group" sorts before "乙组"
    assert memberships[str(world.a.resident_id)] == []
    cards = {c["payload"]["person_id"] for c in page["changes"] if c["kind"] == "card"}
    assert {alone, both} <= cards


def test_a_person_deleted_after_a_change_is_left_out_until_the_delete_arrives(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    group = _group(client, world, "住户")
    [person] = _add_people(client, world, 1, group)
    staff = world.auth("community_staff")
    first = client.get(PULL, headers=world.auth("device_a")).json()
    client.post(
        f"{_base(world)}/people/{person}/households",
        json={"unit_id": str(world.a.unit_id), "moved_in": "2024-01-01"},
        headers=staff,
    )
    client.delete(f"{_base(world)}/people/{person}", headers=staff)
    later = client.get(f"{PULL}?cursor={first['cursor']}", headers=world.auth("device_a")).json()
    about = {(c["kind"], c["action"]) for c in later["changes"] if c["id"] == person}
    assert ("person", "upsert") not in about
    assert ("person", "delete") in about
