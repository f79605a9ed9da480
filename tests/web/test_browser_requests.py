"""In real headless Chromium: a resident asks for a correction and reads the office's answer,
and erasing a face goes through its confirmation (cancel keeps it, confirm erases)."""

from __future__ import annotations

from .browser import BROWSER, fits_the_phone, shot
from .conftest import Site

pytestmark = BROWSER


def _sign_in(page, base: str, login: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill(login)
    page.get_by_label("密码").fill(f"demo-{login}-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_resident_asks_for_a_correction_and_reads_the_refusal(
    served: tuple[Site, str], page
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    _sign_in(page, base, "resident")
    page.goto(f"{base}/my/data")
    page.get_by_role("link", name="我的申请").click()
    page.wait_for_url(f"{base}/my/requests")
    assert fits_the_phone(page)
    page.get_by_label("哪一项信息有误（例如：我的电话号码）").fill("我的电话号码")
    page.get_by_label("正确的内容").fill("13800001111")
    page.locator("#request-correction").get_by_role("button", name="提交申请").click()
    page.wait_for_url(f"{base}/my/requests?sent=correction")
    assert "您的申请已提交" in page.content()
    row = page.locator("table.my-requests tbody tr")
    assert row.count() == 1 and "等待物业处理" in row.inner_text()
    shot(page, "my-requests-sent")
    page.get_by_role("button", name="退出登录").click()

    _sign_in(page, base, "staff")
    page.goto(f"{base}/office/c/{site.world.community_id}/requests")
    assert "13800001111" in page.content()
    reason = "电话号码与您登记时本人签字的一致，如需修改请带身份证来物业办公室。"
    page.locator("textarea[name=reason]").fill(reason)
    page.get_by_role("button", name="以此理由拒绝").click()
    page.wait_for_load_state()
    assert "已拒绝该申请，申请人会看到您写的理由" in page.content()
    page.context.clear_cookies()

    _sign_in(page, base, "resident")
    page.goto(f"{base}/my/requests")
    answered = page.locator("table.my-requests tbody tr").inner_text()
    assert reason in answered and "拒绝" in answered
    shot(page, "my-requests-answered")
    page.goto(f"{base}/my/data")
    assert "物业拒绝了您的申请并说明了理由" in page.content()
    assert page.problems == []  # type: ignore[attr-defined]


def test_erasing_asks_first_and_cancel_keeps_the_face_data(served: tuple[Site, str], page) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    site.publish_notice()
    _sign_in(page, base, "resident")
    page.get_by_role("link", name="我已阅读处理规则，继续").click()
    page.get_by_role("button", name="同意", exact=True).click()
    page.goto(f"{base}/my/data")
    page.get_by_role("link", name="撤回同意并删除我的人脸数据").click()
    page.wait_for_url(f"{base}/my/erase")
    assert "删除后无法恢复，门禁将改用门卡/密码/二维码" in page.content()
    shot(page, "erase-confirm")
    page.get_by_role("link", name="取消，保留").click()
    page.wait_for_url(f"{base}/my/data")
    assert "有效" in page.content()  # the consent is still in force
    page.get_by_role("link", name="撤回同意并删除我的人脸数据").click()
    page.get_by_role("button", name="确定，删除我的人脸数据").click()
    assert "您的人脸数据已删除" in page.content()
    assert page.problems == []  # type: ignore[attr-defined]
