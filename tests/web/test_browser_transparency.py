"""The nine answers in real headless Chromium, as a resident who scans the poster sees them, and
the posters printed to A4. Screenshots and the PDFs go to ``test-artifacts/web``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from .browser import ARTIFACTS, BROWSER, fits_the_phone, shot
from .conftest import Site
from .test_transparency import _record

pytestmark = BROWSER

HEADINGS = (
    "没经过我们同意就装了吗？",
    "有必要吗？",
    "有人紧跟在我后面进门怎么办？",
    "数据泄露了怎么办？",
    "这是政府的项目还是公司的？",
    "备案了吗？",
    "谁负责？",
    "谁来监管？",
    "我不想录入人脸，用什么通行？",
)


def test_the_public_page_answers_each_question_with_live_values(  # type: ignore[no-untyped-def]
    served: tuple[Site, str], page
) -> None:
    site, base = served
    site.publish_notice(face_on=False)
    _record(site, datetime.now(UTC))
    page.goto(f"{base}/c/{site.world.community_id}")
    for heading in HEADINGS:
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    faq = page.locator("#faq")
    assert "人脸识别未开启" in faq.locator("#q-consent").inner_text()
    assert "业主表决正在进行：“是否启用人脸识别”" in faq.locator("#q-consent").inner_text()
    assert "评估小组甲" in faq.locator("#q-necessity").inner_text()
    assert "近 30 天尾随告警：1 次" in faq.locator("#q-tailgating").inner_text()
    assert "存有 0 人的人脸数据" in faq.locator("#q-leak").inner_text()
    assert "物业公司" in faq.locator("#q-who").inner_text()
    assert "100000" in faq.locator("#q-filing").inner_text()
    assert "陈国平" in faq.locator("#q-responsible").inner_text()
    supervision = faq.locator("#q-supervision").inner_text()
    assert "12345" in supervision and "杭州市网信办" in supervision
    assert "地下车库道闸：门禁卡、二维码" in faq.locator("#q-alternatives").inner_text()
    assert fits_the_phone(page)
    shot(page, "public-page-nine-answers")
    assert page.problems == []  # type: ignore[attr-defined]


def test_the_posters_print_on_one_a4_page_and_promise_only_what_the_door_takes(  # type: ignore[no-untyped-def]
    served: tuple[Site, str], page
) -> None:
    site, base = served
    site.publish_notice(face_on=False)
    for name, door in (("gate", "南大门"), ("garage", "地下车库道闸")):
        page.goto(f"{base}/c/{site.world.community_id}/poster/{site.world.door_ids[door]}")
        assert page.locator(".face-off").inner_text() == "本门暂未启用人脸识别"
        ways = page.locator(".ways").inner_text()
        assert ("密码" in ways) is (door == "南大门"), ways
        assert page.locator("figure.qr svg").is_visible()
        shot(page, f"poster-{name}-phone")
        page.emulate_media(media="print")
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16 * 96 / 72 - 0.5, size  # 16 pt, readable from a metre away
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pdf = page.pdf(format="A4", print_background=True)
        (ARTIFACTS / f"poster-{name}.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the poster spills past one A4"
        page.emulate_media(media="screen")
