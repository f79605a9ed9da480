"""Rights requests attacked through the real API: a resident reaches only their own requests,
never another person's or another community's; staff only their own community's; hostile text
is refused with a bilingual message and leaves nothing behind; every step is in the person's log.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from menwei.privacy.rights import RequestKind, RequestState
from menwei.server.services import rights
from menwei.server.services.template_delivery import privacy_kit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

from .conftest import World

API = "/api/v1"


def _request_of_b(app, world: World):  # type: ignore[no-untyped-def]
    """A request of the other community's resident, as their own portal would record it."""
    uow = UnitOfWork(app.state.session_factory)
    kit = privacy_kit(app.state, app.state.settings)
    return rights.open_rights_request(
        uow, kit, person_id=world.b.resident_id, kind=RequestKind.ACCESS, at=datetime.now(UTC)
    )


def _stored(app, request_id: uuid.UUID):  # type: ignore[no-untyped-def]
    uow = UnitOfWork(app.state.session_factory)
    with uow:
        return PrivacyStore(uow.session).requests.get(request_id)


def test_a_resident_cannot_file_for_another_person(app, client, world: World) -> None:  # type: ignore[no-untyped-def]
    resident = world.auth("resident")
    for body in (
        {"kind": "access", "person_id": str(world.b.resident_id)},
        {"kind": "access", "community_id": str(world.b.community_id)},
    ):
        answer = client.post(f"{API}/me/requests", json=body, headers=resident)
        if answer.status_code == 201:  # extra fields ignored: the request is the caller's own
            assert answer.json()["person_id"] == str(world.a.resident_id)
            assert answer.json()["community_id"] == str(world.a.community_id)
        else:
            assert answer.status_code == 422
    uow = UnitOfWork(app.state.session_factory)
    with uow:
        assert PrivacyStore(uow.session).requests.for_person(world.b.resident_id) == []


def test_a_resident_sees_and_handles_no_one_elses_request(app, client, world: World) -> None:  # type: ignore[no-untyped-def]
    theirs = _request_of_b(app, world)
    resident = world.auth("resident")
    assert client.get(f"{API}/me/requests", headers=resident).json() == []
    for community in (world.a.community_id, world.b.community_id):
        listed = client.get(f"{API}/communities/{community}/requests", headers=resident)
        assert listed.status_code in (403, 404)
        for step, body in (("fulfil", None), ("refuse", {"reason": "不予办理，理由很充分。"})):
            url = f"{API}/communities/{community}/requests/{theirs.id}/{step}"
            assert client.post(url, json=body, headers=resident).status_code in (403, 404)
    assert _stored(app, theirs.id).state is RequestState.OPEN


def test_staff_of_one_community_cannot_reach_anothers_requests(app, client, world: World) -> None:  # type: ignore[no-untyped-def]
    theirs = _request_of_b(app, world)
    staff_a = world.auth("community_staff")
    listed = client.get(f"{API}/communities/{world.a.community_id}/requests", headers=staff_a)
    assert listed.status_code == 200 and listed.json() == []
    assert (
        client.get(
            f"{API}/communities/{world.b.community_id}/requests", headers=staff_a
        ).status_code
        == 404  # another community looks absent
    )
    for community in (world.a.community_id, world.b.community_id):
        url = f"{API}/communities/{community}/requests/{theirs.id}/fulfil"
        assert client.post(url, headers=staff_a).status_code in (403, 404)
    assert _stored(app, theirs.id).state is RequestState.OPEN


def test_hostile_text_is_refused_in_both_languages_and_nothing_is_filed(
    app,  # type: ignore[no-untyped-def]
    client,  # type: ignore[no-untyped-def]
    world: World,
) -> None:
    resident = world.auth("resident")
    for body in (
        {"kind": "correction", "wrong": "电话\u202e", "correct": "138"},
        {"kind": "access", "details": "看\u200b看"},
        {"kind": "correction", "wrong": "电话", "correct": ""},
        {"kind": "correction", "wrong": "x" * 201, "correct": "y"},
        {"kind": "copy", "wrong": "电话", "correct": "138"},
    ):
        answer = client.post(
            f"{API}/me/requests", json=body, headers={**resident, "Accept-Language": "en"}
        )
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"]["message"], body
    assert client.get(f"{API}/me/requests", headers=resident).json() == []


def test_a_correction_says_what_is_wrong_and_every_step_is_logged(
    app,  # type: ignore[no-untyped-def]
    client,  # type: ignore[no-untyped-def]
    world: World,
) -> None:
    resident = world.auth("resident")
    opened = client.post(
        f"{API}/me/requests",
        json={"kind": "correction", "wrong": "出生日期", "correct": "1980-05-02"},
        headers=resident,
    )
    assert opened.status_code == 201, opened.text
    assert "出生日期" in opened.json()["details"] and "1980-05-02" in opened.json()["details"]
    url = f"{API}/communities/{world.a.community_id}/requests/{opened.json()['id']}/fulfil"
    assert client.post(url, headers=world.auth("community_staff")).status_code == 200
    log = client.get(f"{API}/me/privacy/audit", headers=resident).json()
    steps = [e for e in log if e["action"] == "rights_request"]
    assert [e["detail"].get("outcome") for e in steps] == [None, "fulfilled"]
    assert steps[0]["actor"] == str(world.a.resident_id)
    assert steps[1]["actor"].startswith("staff:")
    assert {e["detail"]["request_id"] for e in steps} == {opened.json()["id"]}
