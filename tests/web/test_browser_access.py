"""The access pages in real Chromium on a 360-px phone: staff create an access group with a
schedule, issue a card to a resident, and register a device whose token is shown once."""

from __future__ import annotations

from .browser import BROWSER, fits_the_phone, shot

pytestmark = BROWSER


def _sign_in(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/signin")
    page.fill("#login", "staff")
    page.fill("#password", "demo-staff-2024")
    page.click("button[type=submit]")
    page.wait_for_url("**/office/c/**")


def test_staff_run_the_access_pages_on_a_phone(served, page) -> None:  # type: ignore[no-untyped-def]
    site, base_url = served
    _sign_in(page, base_url)
    console = f"{base_url}/office/c/{site.world.community_id}"

    page.goto(f"{console}/doors")
    assert page.locator("h1").inner_text() == "门与读卡器"
    assert page.locator("a", has_text="打印告示").count() >= 3
    assert fits_the_phone(page)
    shot(page, "console-doors")

    page.goto(f"{console}/doors/new")
    page.fill("#name", "东侧刷脸门")
    for kind in ("card", "pin", "qr"):
        page.uncheck(f"input[name=accepts][value={kind}]")
    page.check("input[name=accepts][value=face]")
    page.click("text=保存门的设置")
    assert "(R1)" in page.locator("#refusal").inner_text()
    assert page.input_value("#name") == "东侧刷脸门"
    assert fits_the_phone(page)
    shot(page, "console-doors-r1")
    page.problems.clear()  # type: ignore[attr-defined]  (the refusal answers 409 on purpose)

    page.goto(f"{console}/groups/new")
    page.fill("#name", "夜班保安")
    page.check("input[name=door_ids] >> nth=0")
    page.fill("#day0", "25:00-26:00")
    page.click("text=保存通行组")
    assert "不是有效的时间" in page.locator("#day0-problem").inner_text()
    page.problems.clear()  # type: ignore[attr-defined]  (the refused form answers 422 on purpose)
    page.fill("#day0", "18:00-24:00")
    page.fill("#day6", "00:00-06:00")
    page.click("text=保存通行组")
    page.wait_for_url("**/groups/*?done=saved")
    assert page.locator("[role=status]").inner_text() == "通行组已保存。门禁设备下次同步后生效。"
    page.goto(f"{console}/groups")
    night = page.locator(".card-box", has_text="夜班保安")
    assert "1号楼单元门" in night.inner_text() or "2号楼单元门" in night.inner_text()
    assert fits_the_phone(page)
    shot(page, "console-groups")

    resident = next(p for p in site.people() if p.role.value == "owner")
    page.goto(f"{console}/credentials?person={resident.id}")
    page.fill("#card-uid", "04:A1:FF:07")
    page.click("text=发卡")
    page.wait_for_url("**/credentials?person=*&done=card")
    assert "04A1FF07" in page.locator("table").inner_text()
    assert fits_the_phone(page)
    shot(page, "console-credentials")

    page.goto(f"{console}/devices")
    page.fill("#device-name", "二号楼门口机")
    page.check("input[name=door_ids] >> nth=0")
    page.click("text=注册并显示令牌")
    token = page.locator("#device-token").inner_text()
    assert token.startswith("mwd_")
    assert page.locator(".devices .card-box", has_text="二号楼门口机").count() == 1
    assert fits_the_phone(page)
    shot(page, "console-devices")
    page.goto(f"{console}/devices")
    assert token not in page.content()
    assert page.problems == []  # type: ignore[attr-defined]
