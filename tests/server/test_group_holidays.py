"""A new holiday list reaches every access group with holiday hours, and the gates, at once."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from menwei.store.uow import UnitOfWork

from .conftest import World

PULL = "/api/v1/device/changes"


def _base(world: World, tenant: str = "a") -> str:
    return f"/api/v1/communities/{getattr(world, tenant).community_id}"


def _group(
    client: TestClient, world: World, name: str, holiday_windows: list[str] | None, **kw: Any
) -> str:
    tenant = kw.get("tenant", "a")
    staff = world.auth("community_staff" if tenant == "a" else "staff_b")
    response = client.post(
        f"{_base(world, tenant)}/groups",
        json={
            "name": name,
            "door_ids": [str(getattr(world, tenant).gate_id)],
            "weekly": {"0": ["07:00-19:00"]},
            "holiday_windows": holiday_windows,
        },
        headers=staff,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _holidays(client: TestClient, world: World, days: dict[str, str], tenant: str = "a") -> None:
    staff = world.auth("community_staff" if tenant == "a" else "staff_b")
    response = client.put(f"{_base(world, tenant)}/holidays", json={"days": days}, headers=staff)
    assert response.status_code == 200, response.text


def _shown(client: TestClient, world: World, group_id: str, tenant: str = "a") -> Any:
    staff = world.auth("community_staff" if tenant == "a" else "staff_b")
    response = client.get(f"{_base(world, tenant)}/groups/{group_id}", headers=staff)
    assert response.status_code == 200, response.text
    return response.json()["holidays"]


def _pulled_groups(client: TestClient, world: World, device: str, cursor: int) -> Any:
    page = client.get(PULL, params={"cursor": cursor}, headers=world.auth(device)).json()
    groups = {c["id"]: c["payload"]["schedule"] for c in page["changes"] if c["kind"] == "group"}
    return groups, int(page["cursor"])


def test_groups_take_the_new_dates_without_being_saved_again(
    client: TestClient, world: World
) -> None:
    _holidays(client, world, {"2026-05-01": "劳动节"})
    closed = _group(client, world, "保洁员", [])
    own_hours = _group(client, world, "保安", ["08:00-12:00"])
    _, cursor = _pulled_groups(client, world, "device_a", 0)

    _holidays(client, world, {"2026-10-01": "国庆节", "2026-10-02": "国庆节"})

    assert _shown(client, world, closed) == {"2026-10-01": [], "2026-10-02": []}
    assert _shown(client, world, own_hours) == {
        "2026-10-01": ["08:00-12:00"],
        "2026-10-02": ["08:00-12:00"],
    }
    pulled, _ = _pulled_groups(client, world, "device_a", cursor)
    assert pulled[closed]["holidays"] == {"2026-10-01": [], "2026-10-02": []}
    assert pulled[own_hours]["holidays"] == {
        "2026-10-01": [["08:00", "12:00"]],
        "2026-10-02": [["08:00", "12:00"]],
    }


def test_a_group_saved_before_any_holiday_date_takes_the_first_list(
    client: TestClient, world: World
) -> None:
    closed = _group(client, world, "保洁员", [])
    assert _shown(client, world, closed) == {}

    _holidays(client, world, {"2026-10-01": "国庆节"})

    assert _shown(client, world, closed) == {"2026-10-01": []}
    pulled, _ = _pulled_groups(client, world, "device_a", 0)
    assert pulled[closed]["holidays"] == {"2026-10-01": []}


def test_a_group_that_keeps_weekday_hours_is_unaffected(client: TestClient, world: World) -> None:
    weekdays = _group(client, world, "访客", None)

    _holidays(client, world, {"2026-10-01": "国庆节"})

    assert _shown(client, world, weekdays) == {}
    pulled, _ = _pulled_groups(client, world, "device_a", 0)
    assert pulled[weekdays]["holidays"] == {}


def test_another_communitys_groups_are_untouched(client: TestClient, world: World) -> None:
    _holidays(client, world, {"2026-05-01": "劳动节"}, tenant="b")
    theirs = _group(client, world, "保洁员", [], tenant="b")
    _, cursor = _pulled_groups(client, world, "device_b", 0)

    _holidays(client, world, {"2026-10-01": "国庆节"})

    assert _shown(client, world, theirs, tenant="b") == {"2026-05-01": []}
    pulled, after = _pulled_groups(client, world, "device_b", cursor)
    assert (pulled, after) == ({}, cursor)


def test_each_group_with_holiday_hours_is_recorded_as_changed(
    client: TestClient, world: World, app: FastAPI
) -> None:
    closed = _group(client, world, "保洁员", [])
    weekdays = _group(client, world, "访客", None)
    with UnitOfWork(app.state.session_factory) as uow:
        cursor = uow.changes.since(world.a.community_id, 0, limit=10_000)[-1].seq

    _holidays(client, world, {"2026-10-01": "国庆节"})

    with UnitOfWork(app.state.session_factory) as uow:
        changed = [
            (c.entity, str(c.entity_id)) for c in uow.changes.since(world.a.community_id, cursor)
        ]
    assert ("access_group", closed) in changed
    assert ("access_group", weekdays) not in changed
    assert ("holidays", str(world.a.community_id)) in changed
