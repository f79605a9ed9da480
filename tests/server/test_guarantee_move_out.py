"""Moving out ends access, attacked through the real HTTP API and the real device sync.

The finding: after a move-out the person's card, PIN and access-group membership stayed live, so
did a 10-year, 100-use visitor pass they had issued, and they could still issue new passes (201).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

from .conftest import World

API = "/api/v1"
PULL = f"{API}/device/changes"


def _base(world: World) -> str:
    return f"{API}/communities/{world.a.community_id}"


def _pass(client, world: World, *, days: float = 1, uses: int = 1):  # type: ignore[no-untyped-def]
    until = datetime.now(UTC) + timedelta(days=days)
    return client.post(
        f"{API}/me/passes",
        json={
            "visitor_name": "陈静",
            "door_ids": [str(world.a.gate_id)],
            "valid_until": until.isoformat(),
            "max_uses": uses,
        },
        headers=world.auth("resident"),
    )


def _by_kind(page: dict, kind: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["id"]: c for c in page["changes"] if c["kind"] == kind}


def test_moving_out_of_the_last_home_ends_every_access_at_the_next_sync(
    client, world: World
) -> None:
    staff = world.auth("community_staff")
    me = world.a.resident_id
    person = f"{_base(world)}/people/{me}"
    card = client.post(f"{person}/cards", json={"uid": "04:A2:19:7F"}, headers=staff)
    pin = client.post(f"{person}/pins", json={"pin": "480213"}, headers=staff)
    assert card.status_code == 201 and pin.status_code == 201
    group = client.post(
        f"{_base(world)}/groups",
        json={"name": "住户", "door_ids": [str(world.a.gate_id)], "weekly": {"0": ["00:00-23:59"]}},
        headers=staff,
    ).json()
    members = f"{_base(world)}/groups/{group['id']}/members"
    assert client.post(members, json={"person_ids": [str(me)]}, headers=staff).status_code == 200
    issued = _pass(client, world, days=7, uses=10)
    assert issued.status_code == 201, issued.text
    gate = world.auth("device_a")
    first = client.get(PULL, headers=gate).json()
    assert _by_kind(first, "membership")[str(me)]["payload"]["group_ids"] == [group["id"]]

    [home] = client.get(f"{person}/households", headers=staff).json()
    moved = client.post(
        f"{person}/households/{home['id']}/move-out",
        json={"moved_out": date.today().isoformat()},
        headers=staff,
    )
    assert moved.status_code == 200, moved.text

    later = client.get(f"{PULL}?cursor={first['cursor']}", headers=gate).json()
    assert _by_kind(later, "card")[card.json()["id"]]["payload"]["validity"]["revoked_at"]
    assert _by_kind(later, "pin")[pin.json()["id"]]["payload"]["validity"]["revoked_at"]
    assert _by_kind(later, "membership")[str(me)]["payload"]["group_ids"] == []
    assert issued.json()["id"] in _by_kind(later, "qr_revoked")
    # A gate that applies both pages refuses the pass, the card and the PIN.
    from menwei.core import qr_refusal, read_qr_pass
    from menwei.core.reason import Reason
    from menwei.gate.records import build_snapshot

    held: dict[tuple[str, str], bytes] = {}
    for change in first["changes"] + later["changes"]:
        if change["action"] == "delete":
            held.pop((change["kind"], change["id"]), None)
        elif change["kind"] != "template":
            held[(change["kind"], change["id"])] = json.dumps(change["payload"]).encode()
    state = build_snapshot((k, i, p) for (k, i), p in held.items()).state
    assert state is not None
    qr = read_qr_pass(issued.json()["token"], state.qr_keys)
    at = datetime.now(UTC) + timedelta(minutes=1)
    refusal = qr_refusal(
        qr, door_id=world.a.gate_id, at=at, revoked=qr.id in state.revoked_qr_passes
    )
    assert refusal is Reason.QR_REVOKED
    # No new pass from someone who no longer lives here.
    again = _pass(client, world)
    assert again.status_code == 403
    assert again.json()["error"]["code"] == "no_current_home"
    credentials = client.get(f"{person}/credentials", headers=staff).json()
    assert all(c["revoked_at"] for c in credentials if c["kind"] in ("card", "pin"))


def test_a_residents_pass_stays_within_the_communitys_limits(client, world: World, app) -> None:
    decade = _pass(client, world, days=3650, uses=100)
    assert decade.status_code == 422
    error = decade.json()["error"]
    assert error["code"] == "pass_beyond_limits"
    assert error["details"] == {"max_days": 7, "max_uses": 10}
    assert _pass(client, world, days=7, uses=10).status_code == 201
    assert _pass(client, world, days=7.1).status_code == 422
    assert _pass(client, world, uses=11).status_code == 422
    with UnitOfWork(app.state.session_factory) as uow:
        store = PrivacyStore(uow.session)
        settings = store.settings.get(world.a.community_id)
        wider = dataclasses.replace(settings, pass_max_days=30, pass_max_uses=20)
        store.settings.save(world.a.community_id, wider)
        uow.commit()
    assert _pass(client, world, days=30, uses=20).status_code == 201
