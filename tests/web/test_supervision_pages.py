"""The supervisor's pages: the district roll-up, one community, and the public questions an
official answers. Figures only: no resident's name appears anywhere."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from menwei.core import Community
from menwei.governance import Question, Visibility
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.tables import CommunityRow
from menwei.store.uow import UnitOfWork

from .conftest import Site
from .forms import HTML, csrf_of, sign_in


def uow_of(site: Site) -> UnitOfWork:
    return UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]


def ask(site: Site, text: str, *, public: bool, community_id: uuid.UUID | None = None) -> str:
    """A resident's question, put straight on record (the asking page is not under test)."""
    question = Question.ask(
        question_id=uuid.uuid4(),
        community_id=community_id or site.world.community_id,
        asked_by=str(uuid.uuid4()),
        text=text,
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
        at=datetime.now(UTC) - timedelta(hours=2),
    )
    with uow_of(site) as uow:
        GovernanceRepository(uow.session).add_question(question)
        uow.commit()
    return str(question.question_id)


def other_community(site: Site) -> uuid.UUID:
    """A second community of the same processor, which the demo supervisor does not oversee."""
    with uow_of(site) as uow:
        processor_id = uow.session.get(CommunityRow, site.world.community_id).processor_id  # type: ignore[union-attr]
        other = Community(id=uuid.uuid4(), processor_id=processor_id, name="翠湖苑")
        uow.places.add_community(other)
        uow.commit()
    return other.id


def names_shown(site: Site, page: str) -> list[str]:
    return [p.name for p in site.people() if p.name in page]


def test_the_supervisor_lands_on_the_rollup_with_table_charts_and_csv(
    client: TestClient, site: Site
) -> None:
    assert sign_in(client, "jianguan").headers["location"] == "/supervision"

    page = client.get("/supervision", headers=HTML)

    assert page.status_code == 200
    assert "辖区总览" in page.text and "阳光花园" in page.text
    assert f'href="/supervision/c/{site.world.community_id}"' in page.text
    assert page.text.count('<svg class="chart"') == 2
    assert "以表格查看图表数据" in page.text
    assert 'href="/api/v1/supervision/communities.csv"' in page.text
    assert "从未开启" in page.text  # face recognition was never switched on in the demo
    assert "/office/c/" not in page.text  # its own frame, not the office console's
    csv = client.get("/api/v1/supervision/communities.csv")
    assert csv.status_code == 200 and "阳光花园" in csv.text


def test_no_page_of_the_supervisor_names_a_resident(client: TestClient, site: Site) -> None:
    ask(site, "人脸识别是谁批准的？", public=True)
    sign_in(client, "jianguan")

    pages = [
        client.get("/supervision", headers=HTML),
        client.get(f"/supervision/c/{site.world.community_id}", headers=HTML),
        client.get("/supervision/questions", headers=HTML),
        client.get("/api/v1/supervision/communities.csv"),
    ]

    assert len(site.people()) > 50
    for page in pages:
        assert page.status_code == 200
        assert names_shown(site, page.text) == [], page.url


def test_the_community_page_shows_its_figures_and_on_since_from_the_recorded_switch(
    client: TestClient, site: Site
) -> None:
    switched_at = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 on 1 March, Beijing time
    with uow_of(site) as uow:
        FaceSwitches(uow.session).record(
            site.world.community_id, enabled=True, at=switched_at, by="staff(x)"
        )
        uow.session.get(CommunityRow, site.world.community_id).face_enabled = True  # type: ignore[union-attr]
        uow.commit()
    sign_in(client, "jianguan")

    page = client.get(f"/supervision/c/{site.world.community_id}", headers=HTML)
    rollup = client.get("/supervision", headers=HTML)

    assert page.status_code == 200
    assert "自 2026-03-01 起开启" in page.text and "自 2026-03-01 起开启" in rollup.text
    assert "人脸识别开启与关闭记录" in page.text and "2026-03-01: 开启" in page.text
    assert "staff(x)" not in page.text  # who switched is kept, not shown to the supervisor
    assert "公示" in page.text and "业主表决" in page.text
    assert "返回辖区总览" in page.text


def test_a_face_door_without_another_way_in_is_highlighted(client: TestClient, site: Site) -> None:
    from menwei.store.tables import DoorRow

    with uow_of(site) as uow:
        doors = uow.session.query(DoorRow).filter_by(community_id=site.world.community_id).all()
        door = next(d for d in doors if "face" in d.accepted_kinds)
        door.accepted_kinds = ["face"]
        uow.commit()
    sign_in(client, "jianguan")

    page = client.get("/supervision", headers=HTML).text

    assert "并非每道门都有" in page
    assert 'class="sup-concern"' in page
    assert "有刷脸门没有其他通行方式" in page


def test_a_community_outside_the_supervisors_reach_looks_absent(
    client: TestClient, site: Site
) -> None:
    other = other_community(site)
    ask(site, "翠湖苑的公开问题", public=True, community_id=other)
    sign_in(client, "jianguan")

    assert client.get(f"/supervision/c/{other}", headers=HTML).status_code == 404
    assert "翠湖苑" not in client.get("/supervision", headers=HTML).text
    assert "翠湖苑" not in client.get("/supervision/questions", headers=HTML).text


def test_staff_committee_and_residents_are_refused_the_supervisor_pages(
    client: TestClient, site: Site
) -> None:
    for login in ("staff", "yeweihui", "resident"):
        client.cookies.clear()
        sign_in(client, login)
        for path in ("/supervision", f"/supervision/c/{site.world.community_id}"):
            page = client.get(path, headers=HTML)
            assert page.status_code == 403, (login, path)
            assert "<html" in page.text
        assert client.get("/supervision/questions", headers=HTML).status_code == 403


def test_signed_out_visitors_are_not_shown_the_rollup(client: TestClient) -> None:
    page = client.get("/supervision", headers=HTML, follow_redirects=False)
    assert page.status_code in (303, 401)


def test_the_official_answers_a_public_question_and_it_shows_on_the_public_page(
    client: TestClient, site: Site
) -> None:
    public_id = ask(site, "人脸识别是谁批准的？谁来监督？", public=True)
    private_id = ask(site, "我家老人不会刷脸，能办卡吗？", public=False)
    sign_in(client, "jianguan")

    listed = client.get("/supervision/questions", headers=HTML)
    assert listed.status_code == 200
    assert "人脸识别是谁批准的？谁来监督？" in listed.text
    assert "老人" not in listed.text and private_id not in listed.text
    answered = client.post(
        f"/supervision/questions/{public_id}/answer",
        data={
            "csrf_token": csrf_of(listed.text),
            "text": "经业主表决通过，由西湖街道监督。",
            "speaking_for": "西湖街道办事处",  # ignored: the office comes from the account
        },
        follow_redirects=False,
    )
    after = client.get(answered.headers["location"], headers=HTML)
    client.cookies.clear()
    public = client.get(f"/c/{site.world.community_id}", headers=HTML)

    assert answered.status_code == 303
    assert "您的答复已发布在小区公开页面上" in after.text
    assert "以“文新街道办事处”的名义答复" in listed.text  # the office on the account's record
    assert "文新街道办事处 答复" in public.text and "经业主表决通过" in public.text
    assert "西湖街道办事处 答复" not in public.text


def test_a_private_question_cannot_be_answered_from_the_page(
    client: TestClient, site: Site
) -> None:
    private_id = ask(site, "我想单独问问", public=False)
    sign_in(client, "jianguan")
    token = csrf_of(client.get("/supervision/questions", headers=HTML).text)

    refused = client.post(
        f"/supervision/questions/{private_id}/answer",
        data={"csrf_token": token, "text": "好的"},
        headers=HTML,
    )

    assert refused.status_code == 404
    assert "<html" in refused.text


def test_an_empty_answer_or_hostile_text_is_handled_plainly(client: TestClient, site: Site) -> None:
    question_id = ask(site, "<script>alert(1)</script> 公示在哪里看？", public=True)
    sign_in(client, "jianguan")
    listed = client.get("/supervision/questions", headers=HTML)
    token = csrf_of(listed.text)

    empty = client.post(
        f"/supervision/questions/{question_id}/answer",
        data={"csrf_token": token, "text": ""},
        headers=HTML,
    )
    forged = client.post(
        f"/supervision/questions/{question_id}/answer",
        data={"csrf_token": "forged", "text": "好的"},
        headers=HTML,
    )

    assert "<script>alert(1)</script>" not in listed.text
    assert "&lt;script&gt;" in listed.text
    assert empty.status_code == 422 and "<html" in empty.text
    assert forged.status_code == 403 and "<html" in forged.text
    assert not re.search(r"Traceback|Internal Server Error", empty.text + forged.text)


def test_the_platform_admin_reads_the_rollup_but_has_no_officials_desk(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "admin")

    page = client.get("/supervision", headers=HTML)

    assert page.status_code == 200 and "阳光花园" in page.text
    assert 'href="/supervision/questions"' not in page.text
    assert client.get("/supervision/questions", headers=HTML).status_code == 403


def test_the_rollup_reads_in_english_on_request(client: TestClient, site: Site) -> None:
    sign_in(client, "jianguan")
    client.get("/lang/en", follow_redirects=False)

    page = client.get("/supervision", headers=HTML)

    assert page.status_code == 200
    assert "District overview" in page.text and "Never switched on" in page.text
    assert "辖区总览" not in page.text


def test_a_community_that_does_not_exist_is_not_found_even_for_the_admin(
    client: TestClient,
) -> None:
    sign_in(client, "admin")

    page = client.get(f"/supervision/c/{uuid.uuid4()}", headers=HTML)

    assert page.status_code == 404 and "<html" in page.text


def test_the_frame_names_the_level_the_official_speaks_at(client: TestClient, site: Site) -> None:
    from sqlalchemy import select

    from menwei.store.repositories.supervisor_levels import SupervisorLevel, SupervisorLevels
    from menwei.store.tables import UserAccountRow

    sign_in(client, "jianguan")
    before = client.get("/supervision", headers=HTML).text
    with uow_of(site) as uow:
        account = uow.session.scalar(
            select(UserAccountRow).where(UserAccountRow.login == "jianguan")
        )
        assert account is not None
        SupervisorLevels(uow.session).set(account.id, SupervisorLevel.SUBDISTRICT)
        uow.commit()

    after = client.get("/supervision/questions", headers=HTML).text

    assert "街道级" not in before
    assert "监管 · 街道级 · 文新街道办事处" in after
