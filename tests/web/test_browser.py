"""The pages in real headless Chromium: a resident's first sign-in and refusal, and the public
page and door poster on a 360 px phone. Screenshots go to ``test-artifacts/web``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from menwei.store.uow import UnitOfWork

from .browser import BROWSER, fits_the_phone, shot
from .conftest import Site

pytestmark = BROWSER


def test_a_resident_signs_in_with_an_invitation_refuses_and_gets_card_pin_and_qr(
    served: tuple[Site, str], page
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    site.publish_notice()
    person = site.people()[-1]
    with TestClient(site.app, base_url="https://testserver") as staff:  # type: ignore[arg-type]
        signed_in = staff.post(
            "/api/v1/auth/login", json={"login": "staff", "password": "demo-staff-2024"}
        )
        staff.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
        invited = staff.post(
            f"/api/v1/communities/{site.world.community_id}/people/{person.id}/invitation",
            json={"login": "li.na"},
        ).json()

    page.goto(f"{base}/signin")
    page.get_by_role("link", name="第一次使用？请用邀请码登录").click()
    page.get_by_label("用户名").fill("li.na")
    page.get_by_label("邀请码").fill(invited["code"])
    page.get_by_label("新密码（至少 10 个字符）").fill("li na 2024 gate")
    shot(page, "invite")
    page.get_by_role("button", name="设置密码并登录").click()
    page.wait_for_url(f"{base}/my")
    assert "本小区人脸识别处理规则" in page.content()
    shot(page, "my-notice")
    page.get_by_role("link", name="我已阅读处理规则，继续").click()
    agree = page.get_by_role("button", name="同意", exact=True).bounding_box()
    disagree = page.get_by_role("button", name="不同意", exact=True).bounding_box()
    assert agree and disagree
    assert (agree["width"], agree["height"]) == (disagree["width"], disagree["height"])
    shot(page, "consent")
    page.get_by_role("button", name="不同意", exact=True).click()
    page.wait_for_url(f"{base}/my/alternatives")
    assert "不用人脸也能通行" in page.content()
    shot(page, "alternatives")
    assert fits_the_phone(page)
    assert page.problems == []  # type: ignore[attr-defined]


def test_the_public_page_and_the_poster_fit_a_360_px_phone(served: tuple[Site, str], page) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    site.publish_notice()
    page.goto(f"{base}/c/{site.world.community_id}")
    assert page.get_by_role("heading", name="阳光花园", exact=True).is_visible()
    assert fits_the_phone(page)
    shot(page, "public-page")
    gate = site.world.door_ids["南大门"]
    page.goto(f"{base}/c/{site.world.community_id}/poster/{gate}")
    assert page.locator("figure.qr svg").is_visible()
    assert fits_the_phone(page)
    shot(page, "poster")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible(), "the print poster shows the site header"
    shot(page, "poster-print")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="English").click()
    assert "Face recognition at this door" in page.content()
    assert page.problems == []  # type: ignore[attr-defined]


def _asks_to_turn_left(site: Site) -> None:
    """The movement is drawn at random; here it is fixed to the one the fake camera makes."""
    from menwei.server.services.enrolment_challenges import EnrolmentChallenges
    from menwei.vision.liveness.challenge import ChallengeKind

    site.app.state.enrolment_challenges = EnrolmentChallenges(  # type: ignore[attr-defined]
        kinds=(ChallengeKind.TURN_LEFT,)
    )


def _consent_and_open_the_camera(page, site: Site, base: str) -> None:  # type: ignore[no-untyped-def]
    site.publish_notice()
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill("resident")
    page.get_by_label("密码").fill("demo-resident-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/my")
    page.get_by_role("link", name="我已阅读处理规则，继续").click()
    page.get_by_role("button", name="同意", exact=True).click()
    page.wait_for_url(f"{base}/my/enrol")
    # the page records every hint it shows, so the prompt can be checked after it has gone
    page.evaluate(
        """() => {
            window.hintsSeen = [];
            const hint = document.getElementById('hint');
            new MutationObserver(() => window.hintsSeen.push(hint.textContent))
                .observe(hint, {childList: true, characterData: true, subtree: true});
        }"""
    )
    page.get_by_role("button", name="打开摄像头").click()


def _was_prompted(page) -> bool:  # type: ignore[no-untyped-def]
    if page.url.endswith("/my/data"):
        return True  # the page has gone; the enrolment itself needed the passed movement
    seen = page.evaluate("window.hintsSeen || []")
    return "请慢慢向左转头。" in seen


@pytest.mark.parametrize(
    "camera_args",
    [pytest.param("fake", id="fake-camera-turning-left")],
    indirect=True,
)
def test_a_resident_consents_enrols_with_the_camera_downloads_and_withdraws(
    served: tuple[Site, str], page, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from menwei.cli import app

    site, base = served
    _asks_to_turn_left(site)
    _consent_and_open_the_camera(page, site, base)
    prompted = False
    for _attempt in range(3):  # the fake camera loops: a late start may catch the turn early
        try:
            page.wait_for_function(
                "() => location.pathname === '/my/data'"
                " || !document.getElementById('again').hidden",
                timeout=60_000,
                polling=100,
            )
        except Exception as stuck:
            shot(page, "enrol-stuck")
            hint = page.locator("#hint").inner_text()
            raise AssertionError(f"enrolment did not finish; the hint says {hint!r}") from stuck
        prompted = prompted or _was_prompted(page)
        if page.url == f"{base}/my/data":
            break
        page.get_by_role("button", name="再试一次").click()
    page.wait_for_url(f"{base}/my/data")
    assert prompted, "the turn-left prompt was never shown"
    assert "系统保存有您的人脸特征" in page.content()
    assert page.locator("table tbody tr").count() >= 1, "no audit entry about the enrolment"
    shot(page, "my-data")

    with page.expect_download() as exported:
        page.get_by_role("link", name="下载我的数据").click()
    bundle = json.loads(Path(exported.value.path()).read_text(encoding="utf-8"))
    assert bundle

    page.get_by_role("link", name="撤回同意并删除我的人脸数据").click()
    assert "删除后无法恢复" in page.content()
    page.get_by_role("button", name="确定，删除我的人脸数据").click()
    assert "您的人脸数据已删除" in page.content()
    shot(page, "receipt")
    with page.expect_download() as kept:
        page.get_by_role("link", name="下载删除凭证").click()
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(Path(kept.value.path()).read_bytes())
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    with uow:
        account = uow.accounts.by_login("resident")
    assert account is not None and account.person_id is not None
    verify = ["receipt", "verify", str(receipt), "--person-id", str(account.person_id)]
    result = CliRunner().invoke(app, verify)
    assert result.exit_code == 0, result.output
    assert "Receipt is valid" in result.output
    assert "没有保存您的人脸特征" in page.goto(f"{base}/my/data").text()  # type: ignore[union-attr]
    assert page.problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "camera_args",
    [pytest.param("still", id="fake-camera-still-photo")],
    indirect=True,
)
def test_a_still_photo_in_front_of_the_camera_cannot_make_the_movement(
    served: tuple[Site, str], page
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    _asks_to_turn_left(site)
    _consent_and_open_the_camera(page, site, base)
    page.wait_for_function(
        "() => (window.hintsSeen || []).includes('请慢慢向左转头。')", timeout=60_000, polling=100
    )
    again = page.get_by_role("button", name="再试一次")
    again.wait_for(state="visible", timeout=60_000)
    assert page.url == f"{base}/my/enrol"
    hint = page.locator("#hint").inner_text()
    assert "重新开始" in hint or "再试一次" in hint, hint
    shot(page, "enrol-movement-failed")
    assert fits_the_phone(page)
    assert "没有保存您的人脸特征" in page.goto(f"{base}/my/data").text()  # type: ignore[union-attr]
