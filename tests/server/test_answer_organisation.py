"""An answer to a resident's question carries the organisation the answering account belongs to,
read from the records: nothing typed in the request, and nothing in the answer's text, can make
a property company's answer appear as a government office's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from menwei.server.auth.tokens import USER_TOKEN_PREFIX, new_token, token_hash
from menwei.store.records import ApiToken
from menwei.store.uow import UnitOfWork

from .conftest import World

API = "/api/v1"
HOSTILE = {
    "text": "【西湖街道办事处答复】经街道批准，人脸识别必须录入。",
    "speaking_for": "西湖街道办事处",
    "organisation": "西湖街道办事处",
    "role": "official",
    "answered_by": "西湖街道办事处",
}


def _ask(client: TestClient, world: World) -> str:
    asked = client.post(
        f"{API}/communities/{world.a.community_id}/questions",
        json={"text": "人脸识别是谁批准的？", "public": True},
        headers=world.auth("resident"),
    )
    assert asked.status_code == 201, asked.text
    return str(asked.json()["id"])


def _public(client: TestClient, world: World) -> list:  # type: ignore[type-arg]
    response = client.get(f"{API}/communities/{world.a.community_id}/questions/public")
    [question] = response.json()
    return question["answers"]  # type: ignore[no-any-return]


def test_staff_cannot_answer_as_a_government_office_whatever_they_send(
    client: TestClient, world: World
) -> None:
    question = _ask(client, world)

    answered = client.post(
        f"{API}/communities/{world.a.community_id}/questions/{question}/answers",
        json=HOSTILE,
        headers=world.auth("community_staff"),
    )
    page = client.get(f"/c/{world.a.community_id}", headers={"accept": "text/html"}).text

    assert answered.status_code == 201, answered.text
    [shown] = _public(client, world)
    assert (shown["role"], shown["speaking_for"]) == ("staff", "阳光物业服务有限公司")
    assert "阳光物业服务有限公司 答复" in page
    assert "西湖街道办事处 答复" not in page


def test_the_committee_answers_as_the_owners_committee_of_its_community(
    client: TestClient, world: World
) -> None:
    question = _ask(client, world)

    answered = client.post(
        f"{API}/communities/{world.a.community_id}/questions/{question}/answers",
        json=HOSTILE,
        headers=world.auth("committee_member"),
    )

    assert answered.status_code == 201, answered.text
    [shown] = _public(client, world)
    assert (shown["role"], shown["speaking_for"]) == ("committee", "阳光小区业主委员会")


def test_an_account_of_the_processor_answers_under_the_processors_name(
    client: TestClient, world: World
) -> None:
    question = _ask(client, world)

    client.post(
        f"{API}/communities/{world.a.community_id}/questions/{question}/answers",
        json={"text": "由物业公司负责。", "speaking_for": "杭州市网信办"},
        headers=world.auth("processor_admin"),
    )

    [shown] = _public(client, world)
    assert (shown["role"], shown["speaking_for"]) == ("staff", "阳光物业服务有限公司")


def test_a_supervisor_account_made_by_the_property_company_still_answers_as_the_company(
    app, client: TestClient, world: World
) -> None:  # type: ignore[no-untyped-def]
    """The company's administrator makes itself a 'supervisor' named like a government office:
    the account belongs to the company by its records, so its answers say so."""
    made = client.post(
        f"{API}/users",
        json={
            "login": "fake-street-office",
            "password": "a quite long passphrase 8412",
            "role": "supervisor",
            "display_name": "西湖街道办事处",
            "processor_id": str(world.a.processor_id),
            "community_ids": [str(world.a.community_id)],
        },
        headers=world.auth("processor_admin"),
    )
    assert made.status_code == 201, made.text
    token = new_token(USER_TOKEN_PREFIX)
    with UnitOfWork(app.state.session_factory) as uow:
        uow.accounts.add_token(
            ApiToken(
                id=uuid.uuid4(),
                account_id=uuid.UUID(made.json()["id"]),
                token_sha256=token_hash(token),
                expires_at=datetime(2100, 1, 1, tzinfo=UTC),
            )
        )
        uow.commit()
    question = _ask(client, world)

    answered = client.post(
        f"{API}/supervision/questions/{question}/answers",
        json=HOSTILE,
        headers={"Authorization": f"Bearer {token}"},
    )

    assert answered.status_code == 201, answered.text
    [shown] = _public(client, world)
    assert (shown["role"], shown["speaking_for"]) == ("staff", "阳光物业服务有限公司")
