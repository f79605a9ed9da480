"""The nine questions on the public page and the door posters, answered from live records."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import Site
from tests.web.forms import sign_in

from menwei.privacy.compliance import ImpactAssessment
from menwei.server.services import transparency
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.tables.accounts import UserAccountRow
from menwei.store.tables.events import EventRow
from menwei.store.tables.governance import ProposalRow
from menwei.store.uow import UnitOfWork

QUESTIONS = (
    "q-consent",
    "q-necessity",
    "q-tailgating",
    "q-leak",
    "q-who",
    "q-filing",
    "q-responsible",
    "q-supervision",
    "q-alternatives",
)


def _uow(site: Site) -> UnitOfWork:
    return UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]


def _record(site: Site, now: datetime) -> None:
    """An assessment, a running vote and tailgating alerts: one inside last month, one before."""
    community_id = site.world.community_id
    gate = site.world.door_ids["南大门"]
    uow = _uow(site)
    with uow:
        PrivacyStore(uow.session).compliance.add_assessment(
            ImpactAssessment(
                id=uuid.uuid4(),
                community_id=community_id,
                assessed_at=now - timedelta(days=3),
                assessor="评估小组甲",
                purpose_and_method="门禁核验，替代易复制的门卡",
                impact_and_risks="模板泄露的风险",
                safeguards="模板加密，每人一把密钥",
                alternatives_offered="门卡、密码、二维码照常可用",
                conclusion="可以启用",
            )
        )
        uow.session.add(
            ProposalRow(
                community_id=community_id,
                title="是否启用人脸识别",
                full_text="全文",
                notice_text="公告",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=6),
                rule="ordinary",
                subject="face_recognition",
            )
        )
        for key, age in (("recent", timedelta(days=2)), ("old", timedelta(days=45))):
            uow.session.add(
                EventRow(
                    idempotency_key=f"tailgating-{key}",
                    community_id=community_id,
                    door_id=gate,
                    occurred_at=now - age,
                    direction="in",
                    credential_kind="",
                    outcome="deny",
                    reason_code="tailgating",
                    flag="tailgating",
                )
            )
        uow.commit()


def test_the_answers_come_from_the_records(site: Site) -> None:
    now = datetime.now(UTC)
    before = transparency.answers(_uow(site), site.world.community_id, at=now)
    assert before.necessity is None
    assert before.consent.running_votes == ()
    assert before.tailgating.alerts == 0

    _record(site, now)
    t = transparency.answers(_uow(site), site.world.community_id, at=now)
    assert t.necessity is not None and t.necessity.assessor == "评估小组甲"
    (vote,) = t.consent.running_votes
    assert vote.open_now and vote.title == "是否启用人脸识别"
    # Beijing time, not UTC.
    opens = (now - timedelta(days=1)).astimezone(transparency.ZoneInfo("Asia/Shanghai"))
    assert vote.opens_at == opens.strftime("%Y-%m-%d %H:%M")
    assert t.tailgating.alerts == 1
    by_door = {d.name: d for d in t.tailgating.doors}
    assert by_door["南大门"].alerts == 1 and by_door["南大门"].counts_people
    assert by_door["南大门"].rule == "alert"  # the rule stored for the door
    assert not by_door["地下车库道闸"].counts_people
    assert by_door["地下车库道闸"].rule == "off"  # no camera: nothing to watch with
    assert t.filing.filed is None
    ways = {d.name: d for d in t.alternatives}
    assert ways["地下车库道闸"] == transparency.DoorWays(
        id=str(site.world.door_ids["地下车库道闸"]),
        name="地下车库道闸",
        face=False,
        others=("card", "qr"),
    )
    assert t.supervision.hotline == "12345"
    assert t.supervision.bodies == ("文新街道办事处",)  # the demo supervisor's office
    uow = _uow(site)
    with uow:
        account = uow.session.scalars(
            select(UserAccountRow).where(UserAccountRow.login == "jianguan")
        ).one()
        account.display_name = "文三街道办事处"
        uow.commit()
    named = transparency.answers(_uow(site), site.world.community_id, at=now)
    assert named.supervision.bodies == ("文三街道办事处",)
    assert t.filing.threshold == 100_000


def test_the_public_page_answers_the_nine_questions_in_chinese(
    client: TestClient, site: Site
) -> None:
    _record(site, datetime.now(UTC))
    page = client.get(f"/c/{site.world.community_id}")
    assert page.status_code == 200
    text = page.text
    assert "常见疑问" in text
    for question in QUESTIONS:
        assert f'id="{question}"' in text, question
    assert "业主表决正在进行" in text and "是否启用人脸识别" in text
    assert "尚未进行业主表决" not in text
    assert "评估小组甲" in text and "模板加密，每人一把密钥" in text
    assert "近 30 天尾随告警：1 次" in text
    assert "12345" in text and "杭州安居物业服务有限公司" in text and "陈国平" in text
    mine = f"/c/{site.world.community_id}/mine/data"
    assert f'href="{mine}"' in text and 'href="/signin"' in text
    assert client.get(mine, follow_redirects=False).headers["location"] == "/signin"
    sign_in(client, "resident")
    assert client.get(mine, follow_redirects=False).headers["location"] == "/my/data"
    client.cookies.clear()
    sign_in(client, "staff")
    assert client.get(mine, follow_redirects=False).headers["location"] == "/office"


def test_the_garage_poster_promises_only_what_the_garage_takes(
    client: TestClient, site: Site
) -> None:
    garage = site.world.door_ids["地下车库道闸"]
    poster = client.get(f"/c/{site.world.community_id}/poster/{garage}")
    assert poster.status_code == 200
    ways = poster.text.split('class="big ways">')[1].split("</p>")[0]
    assert "门禁卡" in ways and "二维码" in ways
    assert "密码" not in ways and "人脸" not in ways
    assert "本门暂未启用人脸识别" in poster.text
    assert "<svg" in poster.text


def test_the_gate_poster_says_face_recognition_is_off_while_it_is_off(
    client: TestClient, site: Site
) -> None:
    gate = site.world.door_ids["南大门"]
    poster = client.get(f"/c/{site.world.community_id}/poster/{gate}")
    assert "本门暂未启用人脸识别" in poster.text
    assert "密码" in poster.text.split('class="big ways">')[1].split("</p>")[0]


def test_the_api_gives_the_same_answers_without_sign_in(client: TestClient, site: Site) -> None:
    _record(site, datetime.now(UTC))
    url = f"/api/v1/communities/{site.world.community_id}/transparency/answers"
    answers = client.get(url)
    assert answers.status_code == 200
    body = answers.json()
    assert body["tailgating"]["alerts"] == 1
    assert body["consent"]["running_votes"][0]["title"] == "是否启用人脸识别"
    assert body["necessity"]["assessor"] == "评估小组甲"
    assert client.get(f"/api/v1/communities/{uuid.uuid4()}/transparency/answers").status_code == 404
