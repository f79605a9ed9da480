"""The supervisor in real headless Chromium on a 360 px phone: the roll-up with its table and
charts, the CSV download, one community, and answering a public question."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from menwei.governance import Question, Visibility
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.tables import CommunityRow
from menwei.store.uow import UnitOfWork

from .browser import BROWSER, fits_the_phone, shot
from .conftest import Site

pytestmark = BROWSER
SWITCHED_ON = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def test_the_supervisor_reads_the_rollup_downloads_the_csv_and_answers_a_question(
    served: tuple[Site, str], page
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    with UnitOfWork(site.app.state.session_factory) as uow:  # type: ignore[attr-defined]
        GovernanceRepository(uow.session).add_question(
            Question.ask(
                question_id=uuid.uuid4(),
                community_id=site.world.community_id,
                asked_by=str(uuid.uuid4()),
                text="小区的人脸识别是谁批准的？由谁来监督？",
                visibility=Visibility.PUBLIC,
                at=datetime.now(UTC) - timedelta(days=10),  # past its seven-day deadline
            )
        )
        FaceSwitches(uow.session).record(
            site.world.community_id, enabled=True, at=SWITCHED_ON, by="staff(demo)"
        )
        uow.session.get(CommunityRow, site.world.community_id).face_enabled = True  # type: ignore[union-attr]
        uow.commit()

    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill("jianguan")
    page.get_by_label("密码").fill("demo-jianguan-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/supervision")
    assert page.get_by_role("heading", name="辖区总览").is_visible()
    assert page.locator("table.sup-table tbody tr").count() == 1
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart rect").count() == 3  # one bar per series
    assert "自 2026-03-01 起开启" in page.content()
    assert page.locator("tr.sup-concern").count() == 1  # on without a vote, a question overdue
    shot(page, "supervision-rollup")
    assert fits_the_phone(page)

    with page.expect_download() as waiting:
        page.get_by_role("link", name="下载小区明细表（CSV）").click()
    downloaded = waiting.value.path().read_text(encoding="utf-8")
    assert "阳光花园" in downloaded and "小区名称" in downloaded

    page.get_by_role("link", name="阳光花园").click()
    page.wait_for_url(f"{base}/supervision/c/{site.world.community_id}")
    assert page.get_by_role("heading", name="阳光花园", exact=True).is_visible()
    shot(page, "supervision-community")
    assert fits_the_phone(page)

    page.get_by_role("link", name="待答复的公开咨询").click()
    page.wait_for_url(f"{base}/supervision/questions")
    assert "以“文新街道办事处”的名义答复" in page.content()  # the office on the account
    page.get_by_label("您的答复").fill("经业主大会表决通过，由文新街道负责监督。")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_url(f"{base}/supervision/questions?answered=1")
    assert "您的答复已发布在小区公开页面上" in page.content()
    assert "文新街道办事处 答复" in page.content()
    shot(page, "supervision-questions")
    assert fits_the_phone(page)
    assert page.problems == []  # type: ignore[attr-defined]
