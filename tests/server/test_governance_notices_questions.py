"""Public notices (公示) with their display period and postings; residents' questions (咨询)
answered in the open, private ones kept private, late ones flagged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from .conftest import World

START = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(app) -> Clock:  # type: ignore[no-untyped-def]
    given = Clock(START)
    app.state.clock = given
    return given


def _notices(world: World) -> str:
    return f"/api/v1/communities/{world.a.community_id}/public-notices"


def _new_notice(client: TestClient, world: World, **extra: object) -> dict:  # type: ignore[type-arg]
    response = client.post(
        _notices(world),
        json={
            "title": "关于启用人脸识别门禁的公示",
            "body": "公示期内如有意见，请向物业服务中心或业委会反映。",
            "starts_on": "2026-03-01",
            "minimum_days": 7,
            "required_channels": ["public_page", "door_poster"],
            "poster_doors": [str(world.a.gate_id)],
        }
        | extra,
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _post(client: TestClient, world: World, notice: str, channel: str, location: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"{_notices(world)}/{notice}/postings",
        json={"channel": channel, "location": location},
        headers=world.auth("community_staff"),
    )


def test_a_notice_counts_full_days_shown_on_the_page_and_at_every_named_door(
    client: TestClient, world: World, clock: Clock
) -> None:
    notice = _new_notice(client, world)["id"]
    assert _post(client, world, notice, "public_page", "public_page").status_code == 201
    assert _post(client, world, notice, "door_poster", str(world.a.gate_id)).status_code == 201

    clock.now = START + timedelta(days=7)
    short = client.get(_notices(world), headers=world.auth("committee_member")).json()
    clock.now = START + timedelta(days=8)
    served = client.get(_notices(world), headers=world.auth("committee_member")).json()

    # Posted on the morning of 1 March: the 2nd to the 8th are the first seven full days.
    assert (short[0]["displayed_days"], short[0]["period_complete"]) == (6, False)
    assert (served[0]["displayed_days"], served[0]["period_complete"]) == (7, True)


def test_a_notice_missing_its_door_poster_is_not_counted_as_displayed(
    client: TestClient, world: World, clock: Clock
) -> None:
    notice = _new_notice(client, world)["id"]
    _post(client, world, notice, "public_page", "public_page")
    clock.now = START + timedelta(days=10)

    [shown] = client.get(_notices(world), headers=world.auth("community_staff")).json()

    assert shown["displayed_days"] == 0
    assert shown["period_complete"] is False


def test_taking_a_poster_down_ends_the_display_and_the_public_sees_the_record(
    client: TestClient, world: World, clock: Clock
) -> None:
    notice = _new_notice(client, world)["id"]
    _post(client, world, notice, "public_page", "public_page")
    _post(client, world, notice, "door_poster", str(world.a.gate_id))
    clock.now = START + timedelta(days=3)
    response = client.post(
        f"{_notices(world)}/{notice}/take-down",
        json={"channel": "door_poster", "location": str(world.a.gate_id)},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 200, response.text
    clock.now = START + timedelta(days=10)

    public = client.get(f"{_notices(world)}/public")

    assert public.status_code == 200
    [shown] = public.json()
    assert shown["displayed_days"] == 2
    assert [p["taken_down_at"] is not None for p in shown["postings"]] == [False, True]


def test_a_poster_door_of_another_community_is_refused(
    client: TestClient, world: World, clock: Clock
) -> None:
    response = client.post(
        _notices(world),
        json={
            "title": "公示",
            "body": "正文",
            "starts_on": "2026-03-01",
            "minimum_days": 7,
            "poster_doors": [str(world.b.gate_id)],
        },
        headers=world.auth("community_staff"),
    )

    assert response.status_code == 404


def test_a_notice_with_an_unknown_channel_is_refused_with_the_field_named(
    client: TestClient, world: World, clock: Clock
) -> None:
    response = client.post(
        _notices(world),
        json={
            "title": "公示",
            "body": "正文",
            "starts_on": "2026-03-01",
            "minimum_days": 7,
            "required_channels": ["loudspeaker"],
        },
        headers=world.auth("community_staff"),
    )

    assert response.status_code == 422
    assert "required_channels" in response.text


def _questions(world: World) -> str:
    return f"/api/v1/communities/{world.a.community_id}/questions"


def _ask(client: TestClient, world: World, text: str, *, public: bool) -> str:
    response = client.post(
        _questions(world), json={"text": text, "public": public}, headers=world.auth("resident")
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_public_question_and_its_answer_appear_without_who_asked(
    client: TestClient, world: World, clock: Clock
) -> None:
    asked = _ask(client, world, "人脸识别是否经过业主表决？谁负责监督？", public=True)
    _ask(client, world, "我家老人不会用手机，可以只刷卡吗？", public=False)
    clock.now = START + timedelta(days=1)
    answered = client.post(
        f"{_questions(world)}/{asked}/answers",
        json={"text": "已于三月表决通过，由街道办监督。"},
        headers=world.auth("committee_member"),
    )
    assert answered.status_code == 201, answered.text

    public = client.get(f"{_questions(world)}/public")

    assert public.status_code == 200
    [shown] = public.json()
    assert shown["id"] == asked
    assert shown["answers"][0]["role"] == "committee"
    assert shown["answers"][0]["speaking_for"] == "阳光小区业主委员会"
    assert "只刷卡" not in public.text
    assert str(world.a.resident_id) not in public.text


def test_the_office_sees_private_questions_and_the_overdue_ones_are_flagged(
    client: TestClient, world: World, clock: Clock
) -> None:
    _ask(client, world, "我家老人不会用手机，可以只刷卡吗？", public=False)
    clock.now = START + timedelta(days=8)

    listed = client.get(_questions(world), headers=world.auth("community_staff")).json()
    rows = client.get("/api/v1/supervision/communities", headers=world.auth("supervisor")).json()

    assert (listed["open"], listed["overdue"]) == (1, 1)
    assert listed["questions"][0]["overdue"] is True
    assert (rows[0]["open_questions"], rows[0]["overdue_questions"]) == (1, 1)
    assert "overdue_questions" in rows[0]["concerns"]


def test_an_answered_question_is_no_longer_open(
    client: TestClient, world: World, clock: Clock
) -> None:
    asked = _ask(client, world, "门禁何时启用？", public=True)
    client.post(
        f"{_questions(world)}/{asked}/answers",
        json={"text": "公示期满并经表决后启用。"},
        headers=world.auth("community_staff"),
    )
    clock.now = START + timedelta(days=8)

    listed = client.get(_questions(world), headers=world.auth("community_staff")).json()

    assert (listed["open"], listed["overdue"]) == (0, 0)
    assert listed["questions"][0]["answers"][0]["role"] == "staff"


def test_answering_a_question_of_another_community_finds_nothing(
    client: TestClient, world: World, clock: Clock
) -> None:
    asked = _ask(client, world, "门禁何时启用？", public=True)

    response = client.post(
        f"/api/v1/communities/{world.b.community_id}/questions/{asked}/answers",
        json={"text": "回答"},
        headers=world.auth("staff_b"),
    )

    assert response.status_code == 404


def test_the_activation_gate_reads_the_display_from_the_notices_actually_posted(
    app, client: TestClient, world: World, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    from menwei.server.services.governance import notice_displayed_since
    from menwei.store.uow import UnitOfWork

    notice = _new_notice(client, world)["id"]
    _post(client, world, notice, "public_page", "public_page")
    at = START + timedelta(days=5)
    with UnitOfWork(app.state.session_factory) as uow:
        before_poster = notice_displayed_since(uow, world.a.community_id, at=at)
    _post(client, world, notice, "door_poster", str(world.a.gate_id))
    with UnitOfWork(app.state.session_factory) as uow:
        since = notice_displayed_since(uow, world.a.community_id, at=at)

    assert before_poster is None
    # Up on every channel from 09:00 on 1 March: the first full day counted is 2 March.
    assert since is not None and since.date().isoformat() == "2026-03-02"


def test_a_resident_reads_the_answer_to_their_private_question_and_only_their_own(
    app, client: TestClient, world: World, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    from menwei.governance import Question, Visibility
    from menwei.store.repositories.governance import GovernanceRepository
    from menwei.store.uow import UnitOfWork

    private = _ask(client, world, "我家老人不会用手机，可以只刷卡吗？", public=False)
    with UnitOfWork(app.state.session_factory) as uow:
        GovernanceRepository(uow.session).add_question(
            Question.ask(
                question_id=uuid.uuid4(),
                community_id=world.a.community_id,
                asked_by="someone-else",
                text="别人的私密问题",
                visibility=Visibility.PRIVATE,
                at=START,
            )
        )
        uow.commit()
    client.post(
        f"{_questions(world)}/{private}/answers",
        json={"text": "可以，刷卡和人工核验一直保留。"},
        headers=world.auth("community_staff"),
    )

    mine = client.get(f"{_questions(world)}/mine", headers=world.auth("resident"))

    assert mine.status_code == 200
    [shown] = mine.json()
    assert shown["id"] == private
    assert shown["answers"][0]["text"] == "可以，刷卡和人工核验一直保留。"
    assert "别人的私密问题" not in mine.text
