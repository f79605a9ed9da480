"""An official answers residents' public questions of the communities they supervise, and only
those: private questions and who asked stay out of sight."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from menwei.governance import Question, Visibility
from menwei.server.policy import POLICY, AccountRole
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.uow import UnitOfWork

from .conftest import World

API = "/api/v1"
QUESTIONS = f"{API}/supervision/questions"


def ask(client: TestClient, world: World, text: str, *, public: bool) -> str:
    asked = client.post(
        f"{API}/communities/{world.a.community_id}/questions",
        json={"text": text, "public": public},
        headers=world.auth("resident"),
    )
    assert asked.status_code == 201, asked.text
    return asked.json()["id"]  # type: ignore[no-any-return]


def test_only_the_supervisor_may_answer_public_questions() -> None:
    assert POLICY["questions:answer_public"] == frozenset({AccountRole.SUPERVISOR})


def test_the_official_sees_public_questions_without_the_asker_and_never_private_ones(
    client: TestClient, world: World
) -> None:
    public_id = ask(client, world, "人脸识别是谁批准的？谁来监督？", public=True)
    private_id = ask(client, world, "我家老人不会用，能办卡吗？", public=False)

    listed = client.get(QUESTIONS, headers=world.auth("supervisor"))

    assert listed.status_code == 200
    [question] = listed.json()
    assert question["id"] == public_id
    assert question["community_name"] == "阳光小区"
    assert "asked_by" not in question
    assert private_id not in listed.text
    assert "老人" not in listed.text
    assert str(world.a.resident_id) not in listed.text
    assert str(world.accounts["resident"]) not in listed.text


def _name_office(app, world: World, name: str) -> None:  # type: ignore[no-untyped-def]
    """The platform records the office the supervisor account belongs to."""
    from dataclasses import replace

    with UnitOfWork(app.state.session_factory) as uow:
        account = uow.accounts.get(world.accounts["supervisor"])
        uow.accounts.save(replace(account, display_name=name))
        uow.commit()


def test_the_answer_carries_the_office_on_the_accounts_record_not_the_one_typed(
    app, client: TestClient, world: World
) -> None:  # type: ignore[no-untyped-def]
    question_id = ask(client, world, "人脸识别是谁批准的？", public=True)
    url = f"{QUESTIONS}/{question_id}/answers"
    body = {"text": "经业主表决通过，由街道办监督。", "speaking_for": "西湖区人民政府"}

    unnamed = client.post(url, json=body, headers=world.auth("supervisor"))
    _name_office(app, world, "西湖街道办事处")
    answered = client.post(url, json=body, headers=world.auth("supervisor"))
    public = client.get(f"{API}/communities/{world.a.community_id}/questions/public").json()

    assert unnamed.status_code == 422
    assert unnamed.json()["error"]["code"] == "no_organisation_on_record"
    assert answered.status_code == 201, answered.text
    [shown] = public
    assert shown["answers"] == [
        {
            "role": "official",
            "speaking_for": "西湖街道办事处",
            "text": "经业主表决通过，由街道办监督。",
            "answered_on": shown["answers"][0]["answered_on"],
        }
    ]


def test_a_private_question_cannot_be_answered_by_the_official(
    client: TestClient, world: World
) -> None:
    private_id = ask(client, world, "我想单独咨询", public=False)

    refused = client.post(
        f"{QUESTIONS}/{private_id}/answers",
        json={"text": "好的"},
        headers=world.auth("supervisor"),
    )
    mine = client.get(
        f"{API}/communities/{world.a.community_id}/questions/mine",
        headers=world.auth("resident"),
    ).json()

    assert refused.status_code == 404
    assert mine[0]["answers"] == []


def test_a_public_question_of_another_community_is_neither_listed_nor_answerable(
    client: TestClient, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    question = Question.ask(
        question_id=uuid.uuid4(),
        community_id=world.b.community_id,
        asked_by=str(uuid.uuid4()),
        text="翠湖的问题",
        visibility=Visibility.PUBLIC,
        at=datetime.now(UTC) - timedelta(hours=1),
    )
    with UnitOfWork(app.state.session_factory) as uow:
        GovernanceRepository(uow.session).add_question(question)
        uow.commit()
    target = question.question_id

    listed = client.get(QUESTIONS, headers=world.auth("supervisor"))

    refused = client.post(
        f"{QUESTIONS}/{target}/answers",
        json={"text": "好的"},
        headers=world.auth("supervisor"),
    )

    assert listed.json() == []
    assert refused.status_code == 404


def test_staff_committee_and_residents_cannot_use_the_officials_desk(
    client: TestClient, world: World
) -> None:
    for who in ("community_staff", "committee_member", "resident", "platform_admin"):
        assert client.get(QUESTIONS, headers=world.auth(who)).status_code == 403, who


def test_an_empty_answer_is_refused_plainly(client: TestClient, world: World) -> None:
    question_id = ask(client, world, "请问公示在哪里看？", public=True)

    refused = client.post(
        f"{QUESTIONS}/{question_id}/answers",
        json={"text": ""},
        headers=world.auth("supervisor"),
    )

    assert refused.status_code == 422


def test_the_platform_admin_labels_a_supervisor_with_its_level_and_only_a_supervisor(
    client: TestClient, world: World
) -> None:
    url = f"{API}/supervision/accounts/{world.accounts['supervisor']}/level"
    staff_url = f"{API}/supervision/accounts/{world.accounts['community_staff']}/level"

    set_ = client.put(url, json={"level": "subdistrict"}, headers=world.auth("platform_admin"))
    by_processor = client.put(
        url, json={"level": "district"}, headers=world.auth("processor_admin")
    )
    by_self = client.put(url, json={"level": "district"}, headers=world.auth("supervisor"))
    not_a_supervisor = client.put(
        staff_url, json={"level": "district"}, headers=world.auth("platform_admin")
    )
    unknown = client.put(url, json={"level": "province"}, headers=world.auth("platform_admin"))
    cleared = client.put(url, json={"level": None}, headers=world.auth("platform_admin"))

    assert set_.status_code == 200 and set_.json()["level"] == "subdistrict"
    assert by_processor.status_code == 403 and by_self.status_code == 403
    assert not_a_supervisor.status_code == 409
    assert "只有监管账号" in not_a_supervisor.json()["error"]["message"]
    assert unknown.status_code == 422
    assert cleared.status_code == 200 and cleared.json()["level"] is None
