"""The nine answers in real headless Chromium, as a resident who scans the poster sees them, and
the posters printed to A4. Screenshots and the PDFs go to ``web/`` of the artifacts folder
(``MENWEI_TEST_ARTIFACTS``, else ``test-artifacts/``)."""

from __future__ import annotations

import re
import struct
from dataclasses import replace
from datetime import UTC, date, datetime

from menwei.core import HOLD_SECONDS, TailgatingMode
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

from .browser import ARTIFACTS, BROWSER, PHONE_390, fits_the_phone, shot
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
    _file_and_hold_the_gate(site)
    page.goto(f"{base}/c/{site.world.community_id}")
    for heading in HEADINGS:
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    faq = page.locator("#faq")
    assert "人脸识别未开启" in faq.locator("#q-consent").inner_text()
    assert "业主表决正在进行：“是否启用人脸识别”" in faq.locator("#q-consent").inner_text()
    assert "评估小组甲" in faq.locator("#q-necessity").inner_text()
    tailgating = faq.locator("#q-tailgating")
    assert "近 30 天尾随告警：1 次" in tailgating.inner_text()
    gate = tailgating.locator(f'li[data-door="{site.world.door_ids["南大门"]}"]').inner_text()
    assert f"南大门：报警并暂停开门 {HOLD_SECONDS} 秒" in gate, gate
    assert "本门近 30 天尾随告警：1 次" in gate
    garage = tailgating.locator(f'li[data-door="{site.world.door_ids["地下车库道闸"]}"]')
    assert "本门没有摄像头" in garage.inner_text()
    assert "存有 0 人的人脸数据" in faq.locator("#q-leak").inner_text()
    assert "物业公司" in faq.locator("#q-who").inner_text()
    filing = faq.locator("#q-filing").inner_text()
    assert "已备案：编号 浙网信备 3301-2026-0042 号，日期 2026-03-15" in filing, filing
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


def _file_and_hold_the_gate(site: Site) -> None:
    """The filing on record and the south gate set to hold, straight in the store."""
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    with uow:
        community = uow.places.community(site.world.community_id, CommunityScope.all())
        uow.places.record_filing(
            community.processor_id, "浙网信备 3301-2026-0042 号", date(2026, 3, 15)
        )
        gate = uow.places.door(site.world.door_ids["南大门"], CommunityScope.all())
        uow.places.save_door(replace(gate, tailgating=TailgatingMode.HOLD))
        uow.commit()


def _png_size(path) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Width and height from a PNG's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_the_office_files_and_sets_a_door_rule_and_a_phone_shows_both(  # type: ignore[no-untyped-def]
    served: tuple[Site, str], page
) -> None:
    """Through the console forms in Chromium, then the public page and the gate's poster at
    390 x 844, saved as phone screenshots."""
    site, base = served
    site.publish_notice(face_on=False)
    _record(site, datetime.now(UTC))
    for name in ("phone-390-public-page", "phone-390-poster-gate"):
        (ARTIFACTS / f"{name}.png").unlink(missing_ok=True)  # no earlier run's picture passes
    community = site.world.community_id
    gate = site.world.door_ids["南大门"]
    page.set_viewport_size(PHONE_390)
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("demo-staff-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/office/c/{community}")
    page.goto(f"{base}/office/c/{community}/compliance")
    page.get_by_label("备案编号").fill("浙网信备 3301-2026-0042 号")
    page.get_by_label("备案日期").fill("2026-03-15")
    page.get_by_role("button", name="保存备案信息").click()
    page.wait_for_url(re.compile(r".*done=filing$"))
    assert "已备案：编号 浙网信备 3301-2026-0042 号" in page.locator("#filed").inner_text()
    page.goto(f"{base}/office/c/{community}/doors/{gate}")
    page.get_by_label("尾随（通过人数多于放行人数）").select_option("hold")
    page.get_by_role("button", name="保存门的设置").click()
    page.wait_for_url(re.compile(r".*done=saved$"))
    page.context.clear_cookies()

    page.goto(f"{base}/c/{community}")
    assert (
        "已备案：编号 浙网信备 3301-2026-0042 号，日期 2026-03-15"
        in page.locator("#q-filing").inner_text()
    )
    rule = page.locator(f'#q-tailgating li[data-door="{gate}"]')
    assert rule.get_attribute("data-rule") == "hold"
    assert f"暂停开门 {HOLD_SECONDS} 秒" in rule.inner_text()
    assert fits_the_phone(page)
    shot(page, "phone-390-public-page")
    page.goto(f"{base}/c/{community}/poster/{gate}")
    poster_rule = page.locator(".door-rule").inner_text()
    assert f"报警并暂停开门 {HOLD_SECONDS} 秒" in poster_rule
    assert "本门近 30 天尾随告警：1 次" in poster_rule
    assert fits_the_phone(page)
    shot(page, "phone-390-poster-gate")
    for name in ("phone-390-public-page", "phone-390-poster-gate"):
        width, height = _png_size(ARTIFACTS / f"{name}.png")
        assert width == PHONE_390["width"] and height >= PHONE_390["height"], (name, width)
    assert page.problems == []  # type: ignore[attr-defined]
