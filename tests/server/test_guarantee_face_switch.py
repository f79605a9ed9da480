"""Face recognition off means off, attacked through the real HTTP API and the real device sync.

Each test walks the finding of the field trial: with face recognition not switched on through
the compliance gate, consent and enrolment used to answer 201 and the gate's next pull carried
a ``template`` upsert. Now every one is a 409 naming the unmet conditions, nothing is stored,
and nothing travels; a switch-off suspends faces at the gates at their next sync.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from tests.privacy.builders import switch_face_on_in_app

from menwei.privacy.transport import DeviceKeyPair
from menwei.server.services.retention_run import run_maintenance
from menwei.server.services.template_delivery import DEVICE_KEY_HEADER, privacy_kit
from menwei.store.tables.privacy import ConsentRow, FaceTemplateRow
from menwei.store.uow import UnitOfWork

from .conftest import World
from .test_enrolment import photo, publish

API = "/api/v1"
PULL = f"{API}/device/changes"


def _gate(world: World) -> dict[str, str]:
    key = DeviceKeyPair.generate().public_key
    return world.auth("device_a") | {DEVICE_KEY_HEADER: base64.b64encode(key).decode()}


def _person(world: World) -> str:
    return f"{API}/communities/{world.a.community_id}/people/{world.a.resident_id}"


def _staff_enrol(client, world: World):  # type: ignore[no-untyped-def]
    return client.post(
        _person(world) + "/face",
        files=[("images", ("p.jpg", photo(), "image/jpeg"))],
        headers=world.auth("community_staff"),
    )


def _count(app, table) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(app.state.session_factory) as uow:
        return int(uow.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def _publish_only(client, world: World) -> None:
    published = client.post(
        f"{API}/communities/{world.a.community_id}/notices",
        json={"responsible_contact": "0571-88888888", "supervisor": "杭州市网信办"},
        headers=world.auth("community_staff"),
    )
    assert published.status_code == 201, published.text


def test_with_face_off_no_consent_no_enrolment_and_no_template_travels(
    client, world: World, app
) -> None:
    _publish_only(client, world)  # a processing notice, but no public notice, assessment, vote
    consent = client.post(
        _person(world) + "/consent", json={"give": True}, headers=world.auth("resident")
    )
    assert consent.status_code == 409, consent.text
    error = consent.json()["error"]
    assert error["code"] == "face_recognition_off"
    unmet = {u["code"] for u in error["details"]["unmet"]}
    assert unmet == {"no_public_notice", "no_assessment", "vote_not_passed"}
    assert all(u["zh"] and u["en"] for u in error["details"]["unmet"])
    assert "人脸识别未开启" in error["message"]
    english = client.post(
        _person(world) + "/consent",
        json={"give": True},
        headers=world.auth("resident") | {"Accept-Language": "en"},
    )
    assert "Face recognition is off" in english.json()["error"]["message"]
    assisted = client.post(
        _person(world) + "/consent", json={"give": True}, headers=world.auth("community_staff")
    )
    assert assisted.status_code == 409
    assert _staff_enrol(client, world).status_code == 409
    challenge = client.post(_person(world) + "/face/challenge", headers=world.auth("resident"))
    assert challenge.status_code == 409
    assert challenge.json()["error"]["code"] == "face_recognition_off"
    quality = client.post(
        f"{API}/communities/{world.a.community_id}/face/quality",
        files={"image": ("f.jpg", photo())},
        headers=world.auth("resident"),
    )
    assert quality.status_code == 409  # no face is even looked at
    held = client.get(f"{API}/me/privacy", headers=world.auth("resident")).json()
    assert held["may_ask_for_consent"] is False
    assert held["face_recognition"]["face_on"] is False
    page = client.get(PULL, headers=_gate(world)).json()
    assert [c for c in page["changes"] if c["kind"] == "template"] == []
    assert _count(app, ConsentRow) == 0 and _count(app, FaceTemplateRow) == 0


def test_switching_off_suspends_faces_at_the_next_sync_and_erases_after_the_period(
    client, world: World, app, settings
) -> None:
    publish(client, world)  # publishes and switches on through the compliance gate
    assert (
        client.post(
            _person(world) + "/consent", json={"give": True}, headers=world.auth("resident")
        )
    ).status_code == 201
    assert _staff_enrol(client, world).status_code == 201
    gate = _gate(world)
    first = client.get(PULL, headers=gate).json()
    assert [c["action"] for c in first["changes"] if c["kind"] == "template"] == ["upsert"]

    base = f"{API}/communities/{world.a.community_id}/compliance/face-recognition"
    off = client.post(base, json={"enabled": False}, headers=world.auth("community_staff"))
    assert off.status_code == 200 and off.json()["face_enabled"] is False
    later = client.get(f"{PULL}?cursor={first['cursor']}", headers=gate).json()
    face = next(c for c in later["changes"] if c["kind"] == "face")
    assert face["payload"]["validity"]["revoked_at"] is not None  # no face decision at the gate
    template = next(c for c in later["changes"] if c["kind"] == "template")
    assert template["action"] == "delete"
    # Nothing new is made while off; the refusal says it was switched off.
    again = client.post(
        _person(world) + "/consent", json={"give": True}, headers=world.auth("resident")
    )
    assert again.status_code == 409
    assert "switched_off" in {u["code"] for u in again.json()["error"]["details"]["unmet"]}
    assert _staff_enrol(client, world).status_code == 409
    # The person is told in their own log, with the erasure date.
    audit = client.get(f"{API}/me/privacy/audit", headers=world.auth("resident")).json()
    assert "face_recognition_suspended" in [e["action"] for e in audit]
    # Maintenance keeps the template within the period and erases it after, with a receipt.
    kit = privacy_kit(app.state, settings)
    uow = UnitOfWork(app.state.session_factory)
    now = datetime.now(UTC)
    assert (
        sum(r.erased_people for r in run_maintenance(uow, kit, now=now + timedelta(days=29))) == 0
    )
    assert _count(app, FaceTemplateRow) == 1
    reports = run_maintenance(uow, kit, now=now + timedelta(days=31))
    assert sum(r.erased_people for r in reports) == 1
    assert _count(app, FaceTemplateRow) == 0
    audit = client.get(f"{API}/me/privacy/audit", headers=world.auth("resident")).json()
    erased = [e for e in audit if e["action"] == "erasure"]
    assert len(erased) == 1 and "face_recognition_off" in str(erased[0])


def test_switching_on_again_within_the_period_keeps_the_template(
    client, world: World, app, settings
) -> None:
    publish(client, world)
    client.post(_person(world) + "/consent", json={"give": True}, headers=world.auth("resident"))
    assert _staff_enrol(client, world).status_code == 201
    base = f"{API}/communities/{world.a.community_id}/compliance/face-recognition"
    staff = world.auth("community_staff")
    assert client.post(base, json={"enabled": False}, headers=staff).status_code == 200
    assert client.post(base, json={"enabled": True}, headers=staff).status_code == 200
    kit = privacy_kit(app.state, settings)
    later = datetime.now(UTC) + timedelta(days=60)
    run_maintenance(UnitOfWork(app.state.session_factory), kit, now=later)
    assert _count(app, FaceTemplateRow) == 1


def test_a_supervisors_order_switches_off_and_only_a_supervisor_may_give_it(
    client, world: World, app
) -> None:
    switch_face_on_in_app(app, world.a.community_id)
    url = f"{API}/communities/{world.a.community_id}/compliance/face-recognition/order-off"
    body = {"order_reference": "西网信〔2026〕12号"}
    assert client.post(url, json=body, headers=world.auth("community_staff")).status_code == 403
    assert client.post(url, json={}, headers=world.auth("supervisor")).status_code == 422
    ordered = client.post(url, json=body, headers=world.auth("supervisor"))
    assert ordered.status_code == 200, ordered.text
    assert ordered.json()["face_enabled"] is False
    consent = client.post(
        _person(world) + "/consent", json={"give": True}, headers=world.auth("resident")
    )
    assert consent.status_code == 409


def test_the_demo_community_is_switched_on_through_the_gate_with_a_passed_owners_vote(
    database_url: str, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    from menwei.server import create_app
    from menwei.server.auth import passwords
    from menwei.server.demo import seed_demo
    from menwei.server.services.compliance import _recorded_votes, activation_unmet
    from menwei.store.repositories.face_switches import FaceSwitches

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    from .conftest import make_settings

    demo_app = create_app(make_settings(database_url, tmp_path))
    try:
        demo = seed_demo(UnitOfWork(demo_app.state.session_factory))
        with UnitOfWork(demo_app.state.session_factory) as uow:
            at = datetime.now(UTC)
            votes = _recorded_votes(uow, demo.community_id, at)
            assert votes.vote_status(demo.community_id).passed
            assert activation_unmet(uow, demo.community_id, votes, at) == []
            switched = FaceSwitches(uow.session).latest(demo.community_id)
            assert switched is not None and switched.enabled
    finally:
        demo_app.state.engine.dispose()


def test_a_new_owners_vote_that_fails_switches_faces_off_everywhere(
    client, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    from .test_governance_votes import CLOSES, OPENS, Clock

    publish(client, world)
    client.post(_person(world) + "/consent", json={"give": True}, headers=world.auth("resident"))
    assert _staff_enrol(client, world).status_code == 201
    gate = _gate(world)
    first = client.get(PULL, headers=gate).json()
    clock = Clock(OPENS + timedelta(days=1))
    app.state.clock = clock
    votes = f"{API}/communities/{world.a.community_id}/votes"
    proposal = client.post(
        votes,
        json={
            "title": "继续使用人脸识别门禁",
            "full_text": "是否继续在南大门使用人脸识别。",
            "notice_text": "人脸识别处理规则全文。",
            "opens_at": OPENS.isoformat(),
            "closes_at": CLOSES.isoformat(),
            "rule": "ordinary",
            "subject": "face_recognition",
        },
        headers=world.auth("community_staff"),
    )
    assert proposal.status_code == 201, proposal.text
    pid = proposal.json()["id"]
    ballot = client.put(
        f"{votes}/{pid}/my-ballot",
        json={"unit_id": str(world.a.unit_id), "choice": "oppose"},
        headers=world.auth("resident"),
    )
    assert ballot.status_code in (200, 201), ballot.text
    clock.now = CLOSES
    closed = client.post(f"{votes}/{pid}/close", headers=world.auth("community_staff"))
    assert closed.status_code == 200, closed.text
    status = client.get(
        f"{API}/communities/{world.a.community_id}/compliance",
        headers=world.auth("community_staff"),
    ).json()
    assert status["face_enabled"] is False
    later = client.get(f"{PULL}?cursor={first['cursor']}", headers=gate).json()
    template = next(c for c in later["changes"] if c["kind"] == "template")
    assert template["action"] == "delete"
