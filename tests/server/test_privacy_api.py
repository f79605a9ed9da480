"""Notices, consent, rights requests and the compliance desk over the API (no face needed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.privacy.builders import switch_face_on_in_app

from menwei.store.uow import UnitOfWork

from .conftest import World
from .test_supervision_activation import put_up_public_notice

API = "/api/v1"


def publish(client, world: World, face_on: bool = True, **fields) -> dict:  # type: ignore[no-untyped-def]
    """Publish a processing notice and (unless ``face_on`` is false) switch face recognition on."""
    body = {"responsible_contact": "0571-88888888", "supervisor": "杭州市网信办", **fields}
    response = client.post(
        f"{API}/communities/{world.a.community_id}/notices",
        json=body,
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 201, response.text
    if face_on:
        switch_face_on_in_app(client.app, world.a.community_id)
    return response.json()  # type: ignore[no-any-return]


def consent_url(world: World, person_id: uuid.UUID | None = None) -> str:
    return f"{API}/communities/{world.a.community_id}/people/{person_id or world.a.resident_id}"


# -- notices ----------------------------------------------------------------------------------


def test_the_current_notice_and_its_history_are_public(client, world: World) -> None:
    url = f"{API}/communities/{world.a.community_id}/notice"
    assert client.get(url).status_code == 404
    first = publish(client, world)
    assert first["version"] == 1
    assert first["content"]["processor_name"] == "阳光物业服务有限公司"
    publish(client, world, retention_days=365)
    current = client.get(url)
    assert current.status_code == 200
    assert current.json()["version"] == 2
    assert "阳光物业服务有限公司" in current.json()["text"]
    history = client.get(url + "/history").json()
    assert [n["version"] for n in history] == [2, 1]
    assert history[0]["content_hash"] != history[1]["content_hash"]


def test_a_notice_with_a_void_clause_is_refused_naming_the_field(client, world: World) -> None:
    response = client.post(
        f"{API}/communities/{world.a.community_id}/notices",
        json={
            "responsible_contact": "0571-88888888",
            "supervisor": "杭州市网信办",
            "purpose": "门禁通行，数据永久保存",
        },
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_notice"
    assert response.json()["error"]["details"]["field"] == "purpose"


def test_staff_of_another_community_cannot_publish_its_notice(client, world: World) -> None:
    response = client.post(
        f"{API}/communities/{world.a.community_id}/notices",
        json={"responsible_contact": "x", "supervisor": "y"},
        headers=world.auth("staff_b"),
    )
    assert response.status_code == 404


# -- consent ----------------------------------------------------------------------------------


def test_consent_before_a_notice_is_published_is_refused(client, world: World) -> None:
    response = client.post(
        consent_url(world) + "/consent", json={"give": True}, headers=world.auth("resident")
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "face_recognition_off"
    unmet = {u["code"] for u in response.json()["error"]["details"]["unmet"]}
    assert "no_notice" in unmet


def test_a_resident_consents_lists_and_a_refusal_is_recorded(client, world: World) -> None:
    publish(client, world)
    refused = client.post(
        consent_url(world) + "/consent", json={"give": False}, headers=world.auth("resident")
    )
    assert refused.status_code == 201
    assert refused.json()["answer"] == "refused"
    given = client.post(
        consent_url(world) + "/consent", json={"give": True}, headers=world.auth("resident")
    )
    assert given.status_code == 201
    assert given.json()["channel"] == "self"
    assert given.json()["notice_version"] == 1
    listed = client.get(consent_url(world) + "/consents", headers=world.auth("resident")).json()
    assert [c["live"] for c in listed] == [True]


def test_a_staff_assisted_consent_names_the_staff_account(client, world: World) -> None:
    publish(client, world)
    given = client.post(
        consent_url(world) + "/consent",
        json={"give": True},
        headers=world.auth("community_staff"),
    ).json()
    assert given["channel"] == "staff_assisted"
    assert given["staff_account"].startswith("community_staff(")


def test_a_resident_cannot_consent_for_another_adult(client, world: World, app) -> None:
    from menwei.core import Person, Role

    neighbour = Person(
        id=uuid.uuid4(), community_id=world.a.community_id, name="张伟", role=Role.OWNER
    )
    with UnitOfWork(app.state.session_factory) as uow:
        uow.people.save(neighbour)
        uow.commit()
    publish(client, world)
    response = client.post(
        consent_url(world, neighbour.id) + "/consent",
        json={"give": True},
        headers=world.auth("resident"),
    )
    assert response.status_code == 404


def test_staff_withdraw_only_on_a_written_request(client, world: World) -> None:
    publish(client, world)
    client.post(
        consent_url(world) + "/consent", json={"give": True}, headers=world.auth("resident")
    )
    url = consent_url(world) + "/consent/withdraw"
    refused = client.post(url, json={}, headers=world.auth("community_staff"))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "not_allowed"
    done = client.post(
        url, json={"written_request": "书面申请 2026-118"}, headers=world.auth("community_staff")
    )
    assert done.status_code == 200, done.text
    receipt = done.json()
    assert receipt["reason"] == "withdrawal"
    assert "signature" in receipt
    again = client.post(url, json={"written_request": "x"}, headers=world.auth("community_staff"))
    assert again.status_code == 422


# -- my data ----------------------------------------------------------------------------------


def test_my_data_export_comes_as_json_and_html_and_is_logged(client, world: World) -> None:
    publish(client, world)
    client.post(
        consent_url(world) + "/consent", json={"give": True}, headers=world.auth("resident")
    )
    bundle = client.get(f"{API}/me/privacy/export", headers=world.auth("resident"))
    assert bundle.status_code == 200
    assert bundle.json()["person"]["id"] == str(world.a.resident_id)
    page = client.get(f"{API}/me/privacy/export?format=html", headers=world.auth("resident"))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "李娜" in page.text
    actions = [
        e["action"]
        for e in client.get(f"{API}/me/privacy/audit", headers=world.auth("resident")).json()
    ]
    assert actions.count("export") == 2


def test_erasing_without_a_consent_says_there_is_nothing_to_withdraw(client, world: World) -> None:
    response = client.post(
        f"{API}/me/privacy/erase", headers={**world.auth("resident"), "Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "no consent to withdraw" in response.json()["error"]["message"]


# -- rights requests --------------------------------------------------------------------------


def test_a_rights_request_has_a_deadline_and_a_refusal_needs_a_reason(client, world: World) -> None:
    opened = client.post(
        f"{API}/me/requests",
        json={"kind": "correction", "details": "电话号码有误"},
        headers=world.auth("resident"),
    )
    assert opened.status_code == 201, opened.text
    assert opened.json()["days_left"] in (14, 15)
    listed = client.get(
        f"{API}/communities/{world.a.community_id}/requests",
        headers=world.auth("community_staff"),
    ).json()
    assert [r["id"] for r in listed] == [opened.json()["id"]]
    url = f"{API}/communities/{world.a.community_id}/requests/{opened.json()['id']}"
    no_reason = client.post(
        url + "/refuse", json={"reason": ""}, headers=world.auth("community_staff")
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["details"]["field"] == "reason"
    from_b = client.post(
        f"{API}/communities/{world.b.community_id}/requests/{opened.json()['id']}/refuse",
        json={"reason": "x"},
        headers=world.auth("staff_b"),
    )
    assert from_b.status_code == 404
    refused = client.post(
        url + "/refuse",
        json={"reason": "号码与登记的身份证件一致，无需更正"},
        headers=world.auth("community_staff"),
    )
    assert refused.status_code == 200, refused.text
    assert refused.json()["state"] == "refused"
    assert refused.json()["refusal_reason"] == "号码与登记的身份证件一致，无需更正"
    mine = client.get(f"{API}/me/requests", headers=world.auth("resident")).json()
    assert mine[0]["state"] == "refused"


def test_fulfilling_a_deletion_request_erases_and_returns_the_receipt(client, world: World) -> None:
    publish(client, world)
    client.post(
        consent_url(world) + "/consent", json={"give": True}, headers=world.auth("resident")
    )
    opened = client.post(
        f"{API}/me/requests", json={"kind": "deletion"}, headers=world.auth("resident")
    ).json()
    done = client.post(
        f"{API}/communities/{world.a.community_id}/requests/{opened['id']}/fulfil",
        headers=world.auth("community_staff"),
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "fulfilled"
    assert done.json()["receipt"]["reason"] == "deletion_request"
    held = client.get(f"{API}/me/privacy", headers=world.auth("resident")).json()
    assert held["face_data"]["consent_live"] is False


# -- compliance -------------------------------------------------------------------------------

ASSESSMENT = {
    "purpose_and_method": "门禁身份核验，现场比对，合法必要",
    "impact_and_risks": "模板泄露风险，已加密",
    "safeguards": "每人独立密钥，审计日志",
    "alternatives_offered": "门禁卡、密码、二维码",
    "conclusion": "风险可控，可以开启",
}


def test_activation_is_refused_naming_each_unmet_condition(client, world: World, app) -> None:
    base = f"{API}/communities/{world.a.community_id}/compliance"
    staff = world.auth("community_staff")
    status = client.get(base, headers=staff).json()
    assert status["face_enabled"] is False
    assert {u["code"] for u in status["unmet"]} == {
        "no_notice",
        "no_public_notice",
        "no_assessment",
        "vote_not_passed",
    }
    refused = client.post(base + "/face-recognition", json={"enabled": True}, headers=staff)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "activation_refused"
    assert set(refused.json()["error"]["details"]["unmet"]) == {
        "no_notice",
        "no_public_notice",
        "no_assessment",
        "vote_not_passed",
    }
    publish(client, world, face_on=False)
    assert client.post(base + "/assessment", json=ASSESSMENT, headers=staff).status_code == 201
    status = client.get(base, headers=staff).json()
    assert {u["code"] for u in status["unmet"]} == {"no_public_notice", "vote_not_passed"}
    assert status["assessment"]["assessor"].startswith("community_staff(")
    put_up_public_notice(app, world.a.community_id, posted_days_ago=3, minimum_days=7)
    status = client.get(base, headers=staff).json()
    assert {u["code"] for u in status["unmet"]} == {"notice_too_recent", "vote_not_passed"}

    with UnitOfWork(app.state.session_factory) as uow:
        from menwei.store.repositories.privacy import PrivacyStore

        store = PrivacyStore(uow.session)
        store.settings.save(
            world.a.community_id,
            type(store.settings.get(world.a.community_id))(vote_required=False),
        )
        uow.commit()
    put_up_public_notice(app, world.a.community_id, posted_days_ago=9, minimum_days=7)
    switched = client.post(base + "/face-recognition", json={"enabled": True}, headers=staff)
    assert switched.status_code == 200, switched.text
    assert switched.json()["face_enabled"] is True
    off = client.post(base + "/face-recognition", json={"enabled": False}, headers=staff)
    assert off.json()["face_enabled"] is False


def test_an_assessment_with_an_empty_answer_is_refused(client, world: World) -> None:
    base = f"{API}/communities/{world.a.community_id}/compliance"
    form = client.get(base + "/assessment-form", headers=world.auth("community_staff")).json()
    assert {f["field"] for f in form} == set(ASSESSMENT)
    response = client.post(
        base + "/assessment",
        json={**ASSESSMENT, "conclusion": ""},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422


def test_the_filing_counter_and_materials_and_a_breach_notice(client, world: World) -> None:
    base = f"{API}/communities/{world.a.community_id}/compliance"
    staff = world.auth("processor_admin")
    filing = client.get(base + "/filing", headers=staff).json()
    assert filing["people_with_face_data"] == 0
    assert filing["level"] == "below"
    assert filing["threshold"] == 100_000
    assert "人脸识别技术应用备案材料" in filing["document"]
    incident = client.post(
        base + "/incidents",
        json={
            "people_affected": 3,
            "information_types": "姓名、门禁记录",
            "cause": "工作人员误发邮件",
            "possible_harm": "出行规律被他人获知",
            "remedial_measures": "已撤回邮件并重置权限",
            "what_you_can_do": "留意陌生来电",
            "contact": "0571-88888888",
        },
        headers=staff,
    )
    assert incident.status_code == 201, incident.text
    assert set(incident.json()["notice"]) == {
        "information_types",
        "cause",
        "possible_harm",
        "remedial_measures",
        "what_you_can_do",
        "contact",
    }
    assert "个人信息安全事件告知" in incident.json()["text"]


def test_the_transparency_summary_is_public_and_names_the_processor(client, world: World) -> None:
    url = f"{API}/communities/{world.a.community_id}/transparency"
    before = client.get(url).json()
    assert before["notice_version"] is None
    assert before["face_recognition_enabled"] is False
    assert before["owners_vote"] is None
    publish(client, world)
    after = client.get(url).json()
    assert after["processor"]["name"] == "阳光物业服务有限公司"
    assert after["processor"]["responsible_person"] == "王芳"
    assert after["processor"]["responsible_contact"] == "0571-88888888"
    assert after["notice_version"] == 1
    assert after["filing_level"] == "below"
    assert client.get(f"{API}/communities/{uuid.uuid4()}/transparency").status_code == 404


def test_after_a_refusal_the_resident_is_not_asked_again_until_the_terms_change(
    client, world: World
) -> None:
    def may_ask() -> bool:
        state = client.get(f"{API}/me/privacy", headers=world.auth("resident")).json()
        return state["may_ask_for_consent"]  # type: ignore[no-any-return]

    assert may_ask() is False  # nothing published, nothing to ask
    publish(client, world)
    assert may_ask() is True
    client.post(
        consent_url(world) + "/consent", json={"give": False}, headers=world.auth("resident")
    )
    assert may_ask() is False
    publish(client, world, retention_days=400)
    assert may_ask() is True


def test_an_unreadable_key_file_answers_503_with_a_message_and_stores_nothing(
    database_url: str, tmp_path
) -> None:
    from fastapi.testclient import TestClient

    from menwei.server import create_app

    from .conftest import make_settings, seed_world

    key_file = tmp_path / "keys" / "master.key"
    key_file.parent.mkdir()
    key_file.write_text("not a key file")
    key_file.chmod(0o600)
    app = create_app(make_settings(database_url, tmp_path, key_file=key_file))
    try:
        world = seed_world(UnitOfWork(app.state.session_factory))
        with TestClient(app, raise_server_exceptions=False) as client:
            publish(client, world, face_on=False)
            response = client.post(
                consent_url(world) + "/consent", json={"give": True}, headers=world.auth("resident")
            )
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "key_file_error"
            assert "not a key file" not in response.text
            listed = client.get(consent_url(world) + "/consents", headers=world.auth("resident"))
            assert listed.json() == []
    finally:
        app.state.engine.dispose()


def test_roles_without_the_permission_are_refused_with_403(client, world: World) -> None:
    a = world.a
    people = f"{API}/communities/{a.community_id}/people/{a.resident_id}"
    calls = [
        ("committee_member", "post", people + "/consent"),
        ("committee_member", "get", people + "/face"),
        ("supervisor", "get", people + "/consents"),
        ("resident", "get", people + "/face"),
        ("resident", "get", f"{API}/communities/{a.community_id}/compliance"),
        ("community_staff", "get", f"{API}/me/privacy"),
        ("supervisor", "get", f"{API}/me/privacy/audit"),
        ("device_a", "post", f"{API}/communities/{a.community_id}/notices"),
    ]
    for who, method, url in calls:
        response = client.request(method.upper(), url, json={}, headers=world.auth(who))
        assert response.status_code == 403, (who, url, response.text)


def test_a_passed_owners_vote_on_record_meets_the_vote_condition(client, world: World, app) -> None:
    from datetime import date

    from menwei.governance import Choice, OwnersVote, Proposal, Subject, VoteRule
    from menwei.store.repositories.governance import GovernanceRepository
    from menwei.store.scope import CommunityScope

    base = f"{API}/communities/{world.a.community_id}/compliance"
    staff = world.auth("community_staff")

    def unmet() -> set[str]:
        return {u["code"] for u in client.get(base, headers=staff).json()["unmet"]}

    assert "vote_not_passed" in unmet()
    opens = datetime.now(UTC) - timedelta(days=30)
    scope = CommunityScope.of([world.a.community_id])
    with UnitOfWork(app.state.session_factory) as uow:
        repository = GovernanceRepository(uow.session)
        roll = repository.roll_for_community(world.a.community_id, date.today())
        vote = OwnersVote(
            Proposal(
                proposal_id=uuid.uuid4(),
                community_id=world.a.community_id,
                title="在本小区启用人脸识别门禁",
                full_text="提议在南门启用人脸识别，门禁卡继续有效。",
                notice_text="人脸信息处理告知（第 1 版）",
                opens_at=opens,
                closes_at=opens + timedelta(days=14),
                rule=VoteRule.ORDINARY,
                subject=Subject.FACE_RECOGNITION,
            ),
            roll,
        )
        repository.add_vote(vote, minimum_days=7)
        ballot = vote.cast_online(
            unit_id=str(world.a.unit_id),
            voter_id=str(world.a.resident_id),
            choice=Choice.APPROVE,
            at=opens + timedelta(days=1),
        )
        repository.add_ballot(vote.proposal.proposal_id, ballot, scope)
        result = vote.close(opens + timedelta(days=15))
        assert result.passed
        repository.save_result(result, scope)
        uow.commit()
    assert "vote_not_passed" not in unmet()
    public = client.get(f"{API}/communities/{world.a.community_id}/transparency").json()
    assert public["owners_vote"]["passed"] is True
    assert public["owners_vote"]["result_hash"] == result.canonical_hash()
