"""An owners' vote and a public question from start to finish in Chromium on a 360 px phone:
the committee publishes, the resident votes and changes the vote, the office enters a paper
ballot, the committee closes the vote, and the public page shows the result and the Q&A."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .browser import BROWSER, fits_the_phone, shot
from .conftest import Site
from .test_console_votes import local

pytestmark = BROWSER


def _sign_in(page, base: str, login: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill(login)
    page.get_by_label("密码").fill(f"demo-{login}-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_vote_and_a_question_from_proposal_to_the_public_page(
    served: tuple[Site, str], page
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    clock = [now]
    site.app.state.clock = lambda: clock[0]  # type: ignore[attr-defined]
    office = f"{base}/office/c/{site.world.community_id}"

    # The committee puts the proposal to the owners.
    _sign_in(page, base, "yeweihui")
    page.get_by_role("link", name="业主表决").click()
    page.get_by_label("标题").fill("在南大门启用人脸识别")
    page.get_by_label("议题全文").fill("在南大门启用人脸识别；刷卡、密码、二维码照常可用。")
    page.get_by_label("投票开始（北京时间）").fill(local(now - timedelta(minutes=1)))
    page.get_by_label("投票截止（北京时间）").fill(local(now + timedelta(days=7)))
    page.get_by_label("一般事项").check()
    shot(page, "governance-new-proposal")
    assert fits_the_phone(page)
    page.get_by_role("button", name="发布议题").click()
    page.wait_for_url(f"{office}/votes/*")
    vote_url = page.url
    assert "目前计票" in page.content() and "录入纸质表决票" in page.content()
    shot(page, "governance-vote")
    assert fits_the_phone(page)

    # The resident votes on the phone, then changes the vote.
    _sign_in(page, base, "resident")
    page.get_by_role("link", name="业主表决").click()
    page.wait_for_url(f"{base}/my/votes")
    approve = page.get_by_role("button", name="同意", exact=True).bounding_box()
    oppose = page.get_by_role("button", name="反对", exact=True).bounding_box()
    abstain = page.get_by_role("button", name="弃权", exact=True).bounding_box()
    assert approve and oppose and abstain
    widths = [box["width"] for box in (approve, oppose, abstain)]
    heights = [box["height"] for box in (approve, oppose, abstain)]
    assert max(widths) - min(widths) < 1 and max(heights) - min(heights) < 1  # equal weight
    page.get_by_role("button", name="同意", exact=True).click()
    page.wait_for_url(f"{base}/my/votes?saved=1*")
    assert "目前计为：同意" in page.content()
    page.get_by_role("button", name="反对", exact=True).click()
    page.wait_for_load_state()
    assert "目前计为：反对" in page.content()
    shot(page, "governance-my-vote")
    assert fits_the_phone(page)

    # The owners' committee enters one owner's signed paper ballot, with the paper's number.
    _sign_in(page, base, "yeweihui")
    page.goto(vote_url)
    page.get_by_label("房屋和签字的业主").select_option(index=5)
    page.get_by_label("同意", exact=True).check()
    page.get_by_label("纸质票编号").fill("No. 0005")
    page.get_by_role("button", name="录入这张表决票").click()
    page.wait_for_load_state()
    assert "已录入的纸质票" in page.content() and "No. 0005" in page.content()
    shot(page, "governance-paper-ballot")
    assert fits_the_phone(page)

    # After the period, the committee closes the vote, confirming first.
    clock[0] = now + timedelta(days=7, minutes=5)
    _sign_in(page, base, "yeweihui")
    page.goto(vote_url)
    page.get_by_role("link", name="结束表决并计票…").click()
    page.get_by_role("button", name="确定，现在结束并计票").click()
    page.wait_for_url(vote_url)
    assert "表决未通过" in page.content() and "结束表决并计票" not in page.content()

    # The resident asks a public question; the office answers it.
    _sign_in(page, base, "resident")
    page.goto(f"{base}/my/questions")
    page.get_by_label("您的问题").fill("谁批准了人脸识别？谁来监管？")
    page.get_by_label("公开：问题和答复会显示在小区公开页面上，不显示您的姓名。").check()
    page.get_by_role("button", name="提交问题").click()
    page.wait_for_url(f"{base}/my/questions?saved=1")
    _sign_in(page, base, "staff")
    page.goto(f"{office}/questions")
    page.get_by_label("您的答复").fill("由业主大会表决决定，街道办事处监督。")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state()
    assert "杭州安居物业服务有限公司 答复" in page.content()  # the company, by its records
    shot(page, "governance-questions")
    assert fits_the_phone(page)

    # The public page shows the result by area and by owners, and the Q&A without a name.
    page.context.clear_cookies()
    page.goto(f"{base}/c/{site.world.community_id}")
    content = page.content()
    assert "表决未通过" in content and "按面积" in content and "按人数" in content
    assert "谁批准了人脸识别？谁来监管？" in content
    assert "由业主大会表决决定，街道办事处监督。" in content
    assert "杭州安居物业服务有限公司 答复" in content
    assert "网上 1 张" in content and "纸质票 1 张" in content  # both ways counted
    shot(page, "governance-result-public")
    assert fits_the_phone(page)
    assert page.problems == []  # type: ignore[attr-defined]


def test_the_office_records_a_notice_posting_on_a_phone(served: tuple[Site, str], page) -> None:  # type: ignore[no-untyped-def]
    _site, base = served
    _sign_in(page, base, "staff")
    page.get_by_role("link", name="公示", exact=True).click()
    page.get_by_label("标题").fill("关于启用人脸识别的公示")
    page.get_by_label("公示内容").fill("南大门拟启用人脸识别，公示期七天，欢迎提出意见。")
    page.get_by_label("最短公示期（天）").fill("7")
    page.get_by_label("南大门", exact=True).check()
    page.get_by_role("button", name="发布公示").click()
    page.wait_for_load_state()
    page.get_by_label("张贴位置").select_option(label="门口张贴 · 南大门")
    page.get_by_role("button", name="记录这次张贴").click()
    page.wait_for_load_state()
    content = page.content()
    assert "门口张贴 · 南大门" in content and "现在撤下" in content
    shot(page, "governance-notices")
    assert fits_the_phone(page)
    assert page.problems == []  # type: ignore[attr-defined]
