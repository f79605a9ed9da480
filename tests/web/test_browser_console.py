"""The console's overview in real Chromium on a phone: today's charts and what waits, linked."""

from __future__ import annotations

from menwei.privacy.rights import RequestKind

from .browser import BROWSER, fits_the_phone, shot
from .conftest import Site
from .test_console_requests import open_request

pytestmark = BROWSER


def test_staff_land_on_an_overview_with_todays_charts_that_fits_the_phone(
    served: tuple[Site, str], page
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    open_request(site, RequestKind.ACCESS)
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("demo-staff-2024")
    page.get_by_role("button", name="登录").click()
    overview = f"{base}/office/c/{site.world.community_id}"
    page.wait_for_url(overview)
    assert page.locator("svg.chart").count() == 2
    assert fits_the_phone(page)
    shot(page, "console-overview")
    page.get_by_role("link", name="待处理的个人权利请求：1 件").click()
    page.wait_for_url(f"{overview}/requests")
