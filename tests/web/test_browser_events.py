"""The office's passages, rights requests and compliance pages in real Chromium on a phone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from menwei.privacy.rights import RequestKind

from .browser import BROWSER, fits_the_phone, shot
from .conftest import Site
from .test_console_events import DAY, local, seed
from .test_console_requests import open_request

pytestmark = BROWSER


def test_staff_filter_passages_download_them_and_read_the_charts(
    served: tuple[Site, str], page
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    seed(
        site,
        [
            {"at": local(DAY, "07:55"), "kind": "card"},
            {"at": local(DAY, "08:05"), "kind": "card", "door": "地下车库道闸"},
            {"at": local(DAY, "08:10"), "kind": "face", "liveness": "pass"},
            {"at": local(DAY, "18:20"), "kind": "pin", "outcome": "deny", "reason": "wrong_pin"},
            {"at": local(DAY, "19:45"), "kind": "qr", "door": "1号楼单元门"},
        ],
    )
    open_request(site, RequestKind.CORRECTION, days_ago=20, details="门牌号写错了，应为 3 单元")
    open_request(site, RequestKind.DELETION, person=site.people()[1])
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("demo-staff-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/office/c/{site.world.community_id}")

    page.get_by_role("link", name="通行记录").click()
    page.get_by_label("通行方式", exact=True).select_option("card")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/events?*kind=card*")
    rows = page.locator("table.events tbody tr")
    assert rows.count() == 2
    assert all("门禁卡" in text for text in rows.all_inner_texts())

    with page.expect_download() as downloaded:
        page.get_by_role("link", name="下载这些通行记录（CSV）").click()
    exported = Path(downloaded.value.path()).read_text(encoding="utf-8-sig")  # BOM for Excel
    kinds = [row["通行方式"] for row in csv.DictReader(io.StringIO(exported))]
    assert kinds == ["门禁卡", "门禁卡"]

    page.get_by_role("link", name="清除筛选").click()
    page.get_by_label("图表日期").fill(DAY)
    page.get_by_role("button", name="查看这一天").click()
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart rect").count() == 24 * 2 + 4 * 2
    assert "按小时统计：共 5 次通行" in page.content()
    assert fits_the_phone(page)
    shot(page, "console-events")

    page.get_by_role("link", name="合规").click()
    assert page.locator("ul.checks li.unmet").count() >= 2
    assert fits_the_phone(page)
    shot(page, "console-compliance")

    page.get_by_role("link", name="个人权利请求").click()
    assert page.locator("tr.overdue").count() == 1
    assert "删除人脸信息并办结" in page.content()
    assert fits_the_phone(page)
    shot(page, "console-requests")
    assert page.problems == []  # type: ignore[attr-defined]
