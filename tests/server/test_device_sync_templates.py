"""Templates travel to a gate sealed to the key it presents; removals and drops are logged."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

import numpy as np
import pytest
from tests.privacy.builders import notice_content, switch_face_on

from menwei.core import FaceCredential, Validity
from menwei.gate.records import template_model
from menwei.gate.sync import _change
from menwei.privacy.consent import ConsentChannel
from menwei.privacy.transport import DeviceKeyPair
from menwei.server.services.consent_records import publish_community_notice, record_consent
from menwei.server.services.enrolment_record import enrol_template
from menwei.server.services.gate_templates import templates_for_gates
from menwei.server.services.template_delivery import (
    DEVICE_KEY_HEADER,
    privacy_kit,
    usable_templates,
)
from menwei.server.services.withdrawal import withdraw_and_erase
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

PULL = "/api/v1/device/changes"
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _template(seed: int) -> bytes:
    vector = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return (vector / np.linalg.norm(vector)).astype("<f4").tobytes()


@pytest.fixture
def enrolled(app, settings, world):  # type: ignore[no-untyped-def]
    """World A's resident with a consent, a sealed template and a live face credential."""
    uow = UnitOfWork(app.state.session_factory)
    kit = privacy_kit(app.state, settings)
    community_id, person_id = world.a.community_id, world.a.resident_id
    publish_community_notice(uow, community_id=community_id, content=notice_content(), at=T0)
    switch_face_on(uow, community_id, at=T0)
    consent = record_consent(uow, kit, person_id=person_id, channel=ConsentChannel.SELF, at=T0)
    template = _template(7)
    sealed = enrol_template(
        uow,
        kit,
        person_id=person_id,
        community_id=community_id,
        template=template,
        at=T0,
        actor=str(person_id),
    )
    with uow:
        uow.credentials.save(
            FaceCredential(
                id=uuid.uuid4(),
                person_id=person_id,
                template_ref=f"{person_id}/v{sealed.template_version}",
                consent_id=consent.id,
                validity=Validity(valid_from=T0),
            )
        )
        uow.commit()
    return uow, kit, template


def _key_header(pair: DeviceKeyPair) -> dict[str, str]:
    return {DEVICE_KEY_HEADER: base64.b64encode(pair.public_key).decode()}


def _actions(uow: UnitOfWork, kit, person_id: uuid.UUID) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with uow:
        entries = kit.chain(PrivacyStore(uow.session)).entries_about(person_id)
    return [(e.action, e.actor) for e in entries]


def test_a_template_reaches_the_gate_sealed_and_the_delivery_is_logged(client, world, enrolled):  # type: ignore[no-untyped-def]
    uow, kit, template = enrolled
    pair = DeviceKeyPair.generate()
    headers = world.auth("device_a") | _key_header(pair)
    page = client.get(PULL, headers=headers).json()
    [record] = [c for c in page["changes"] if c["kind"] == "template"]
    assert record["id"] == str(world.a.resident_id) and record["action"] == "upsert"
    assert set(record["payload"]) == {"device_id", "sealed", "model_id"}
    assert record["payload"]["model_id"] == "sface-2021dec"  # what made it; the gate checks
    [policy] = [c for c in page["changes"] if c["kind"] == "policy"]
    assert policy["payload"]["face"]["model_id"] == "sface-2021dec"
    assert base64.b64encode(template).decode() not in str(page)  # never plaintext on the wire
    opened = _change(record, pair.private_key)
    assert template_model(opened.payload) == ("sface-2021dec", template)
    with pytest.raises(ValueError, match="could not be opened"):
        _change(record, DeviceKeyPair.generate().private_key)
    device = f"device:{world.a.device_id}"
    assert ("sync_to_device", device) in _actions(uow, kit, world.a.resident_id)
    with uow:
        holders = PrivacyStore(uow.session).templates.devices_holding(
            str(world.a.community_id), str(world.a.resident_id)
        )
    assert holders == [str(world.a.device_id)]


def test_a_gate_without_a_transport_key_gets_no_template(client, world, enrolled) -> None:  # type: ignore[no-untyped-def]
    page = client.get(PULL, headers=world.auth("device_a")).json()
    assert [c for c in page["changes"] if c["kind"] == "template"] == []
    assert any(c["kind"] == "face" for c in page["changes"])


def test_a_malformed_transport_key_is_refused_naming_the_header(client, world) -> None:  # type: ignore[no-untyped-def]
    headers = world.auth("device_a") | {DEVICE_KEY_HEADER: "bm90IGEga2V5"}
    response = client.get(PULL, headers=headers)
    assert response.status_code == 422
    assert DEVICE_KEY_HEADER in str(response.json()["error"])


def test_a_withdrawal_is_a_template_delete_and_the_drop_is_logged(client, world, enrolled):  # type: ignore[no-untyped-def]
    uow, kit, _ = enrolled
    headers = world.auth("device_a") | _key_header(DeviceKeyPair.generate())
    first = client.get(PULL, headers=headers).json()
    with uow:
        person = uow.people.get(world.a.resident_id, CommunityScope.all())
    receipt = withdraw_and_erase(uow, kit, person=person, channel=ConsentChannel.SELF, at=T0)
    assert str(world.a.device_id) in str(receipt)  # the receipt names the device told to drop it
    later = client.get(f"{PULL}?cursor={first['cursor']}", headers=headers).json()
    face = next(c for c in later["changes"] if c["kind"] == "face")
    assert face["payload"]["consent_withdrawn_at"] is not None
    template = next(c for c in later["changes"] if c["kind"] == "template")
    assert (template["id"], template["action"]) == (str(world.a.resident_id), "delete")
    applied = [{"kind": "template", "id": template["id"], "version": 1, "action": "delete"}]
    ack = client.post(
        f"{PULL}/ack", json={"cursor": later["cursor"], "applied": applied}, headers=headers
    )
    assert ack.json() == {"ok": True}
    device = f"device:{world.a.device_id}"
    actions = _actions(uow, kit, world.a.resident_id)
    assert actions.count(("sync_to_device", device)) == 2  # delivered, then dropped


def test_the_few_templates_a_page_needs_follow_the_vaults_own_rule(app, world, enrolled):  # type: ignore[no-untyped-def]
    uow, kit, template = enrolled
    community_id, person_id = world.a.community_id, str(world.a.resident_id)
    assert usable_templates(uow, kit, community_id, {person_id}) == {person_id: template}
    assert usable_templates(uow, kit, community_id, set()) == {}
    later = T0.replace(month=6)
    new_terms = notice_content(purpose="小区出入口通行核验及访客登记", retention_days=200)
    publish_community_notice(uow, community_id=community_id, content=new_terms, at=later)
    expected = templates_for_gates(uow, kit, community_id=community_id)
    assert usable_templates(uow, kit, community_id, {person_id}) == expected


def test_a_device_cannot_log_drops_for_another_communitys_people(app, settings, client, world):  # type: ignore[no-untyped-def]
    uow = UnitOfWork(app.state.session_factory)
    kit = privacy_kit(app.state, settings)
    applied = [
        {"kind": "template", "id": str(person), "version": 1, "action": "delete"}
        for person in (world.b.resident_id, world.a.resident_id)
    ]
    ack = client.post(
        f"{PULL}/ack", json={"cursor": "1", "applied": applied}, headers=world.auth("device_a")
    )
    assert ack.json() == {"ok": True}
    assert _actions(uow, kit, world.b.resident_id) == []
    device = f"device:{world.a.device_id}"
    assert _actions(uow, kit, world.a.resident_id) == [("sync_to_device", device)]


def test_a_stolen_token_with_a_new_key_gets_no_template_and_a_clear_refusal(
    client, world, enrolled
):  # type: ignore[no-untyped-def]
    _, _, template = enrolled
    own = world.auth("device_a") | _key_header(DeviceKeyPair.generate())
    assert client.get(PULL, headers=own).status_code == 200
    thief = world.auth("device_a") | _key_header(DeviceKeyPair.generate())
    refused = client.get(PULL, headers=thief)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "device_key_mismatch"
    assert base64.b64encode(template).decode() not in refused.text
    english = client.get(PULL, headers=thief | {"Accept-Language": "en"}).json()["error"]
    assert "register it again" in english["message"]
    again = client.get(PULL, headers=own)  # the genuine device keeps syncing
    assert [c["kind"] for c in again.json()["changes"]].count("template") == 1


def test_the_first_pull_pins_the_key_only_for_its_own_device(client, world, enrolled):  # type: ignore[no-untyped-def]
    client.get(PULL, headers=world.auth("device_a") | _key_header(DeviceKeyPair.generate()))
    other = world.auth("device_b") | _key_header(DeviceKeyPair.generate())
    assert client.get(PULL, headers=other).status_code == 200


def test_a_key_given_at_registration_is_the_only_one_even_on_the_first_pull(app, client, world):  # type: ignore[no-untyped-def]
    from menwei.server.domain.caller import Caller
    from menwei.server.policy import AccountRole, Principal
    from menwei.server.services.devices import register

    community = world.a.community_id
    staff = Principal(
        kind="user",
        id=uuid.uuid4(),
        role=AccountRole.COMMUNITY_STAFF,
        community_ids=frozenset({community}),
    )
    caller = Caller(staff, CommunityScope.of([community]), community)
    own = DeviceKeyPair.generate()
    registered = register(
        UnitOfWork(app.state.session_factory),
        caller,
        name="北门闸机",
        door_ids=frozenset({world.a.gate_id}),
        transport_public_key=own.public_key,
    )
    token = {"Authorization": f"Bearer {registered.token}"}
    other = client.get(PULL, headers=token | _key_header(DeviceKeyPair.generate()))
    assert other.status_code == 409
    assert client.get(PULL, headers=token | _key_header(own)).status_code == 200


def test_the_pull_is_one_service_call_whose_page_the_route_answers_as_is(
    app, settings, client, world, enrolled
):  # type: ignore[no-untyped-def]
    from menwei.server.domain.caller import Caller
    from menwei.server.policy import AccountRole, Principal
    from menwei.server.services import device_pull
    from menwei.server.services.credentials import pass_key_ring
    from menwei.server.services.gate_payloads import wire

    uow, kit, template = enrolled
    community = world.a.community_id
    device = Principal(
        kind="device",
        id=world.a.device_id,
        role=AccountRole.DEVICE,
        community_ids=frozenset({community}),
        door_ids=frozenset({world.a.gate_id}),
    )
    pair = DeviceKeyPair.generate()
    page = device_pull.pull(
        uow,
        Caller(device, CommunityScope.of([community]), community),
        cursor=0,
        limit=500,
        device_key=base64.b64encode(pair.public_key).decode(),
        pass_keys=pass_key_ring(settings),
        kit_source=lambda: kit,
    )
    [record] = [r for r in page.records if r.kind == "template"]
    opened = _change(
        {
            "kind": record.kind,
            "id": record.id,
            "version": record.version,
            "action": record.action,
            "payload": None if record.payload is None else wire(record.payload),
        },
        pair.private_key,
    )
    assert template_model(opened.payload) == ("sface-2021dec", template)
    answered = client.get(PULL, headers=world.auth("device_a") | _key_header(pair)).json()
    assert answered["cursor"] == str(page.cursor) and answered["more"] is page.more
    kinds = sorted((c["kind"], c["id"]) for c in answered["changes"])
    assert kinds == sorted((r.kind, r.id) for r in page.records)
