"""A newcomer in real headless Chromium with a fake camera: enrols their own face in the portal,
is let in at the browser kiosk (``/kiosk``) in another tab, withdraws in one tap, and the kiosk
refuses them. Screenshots go to ``test-artifacts/web``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..server.kiosk_site import StorySite, story_site
from .browser import BROWSER, shot

pytestmark = BROWSER


@pytest.fixture
def story(tmp_path: Path, cheap_passwords: None) -> Iterator[StorySite]:
    from menwei.server.services.enrolment_challenges import EnrolmentChallenges
    from menwei.vision.liveness.challenge import ChallengeKind

    with story_site(tmp_path / "site") as site:
        # the movement is drawn at random; here it is the one the fake camera makes
        site.app.state.enrolment_challenges = EnrolmentChallenges(kinds=(ChallengeKind.TURN_LEFT,))
        yield site


def _enrol(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill("resident")
    page.get_by_label("密码").fill("demo-resident-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/my")
    page.get_by_role("link", name="我已阅读处理规则，继续").click()
    page.get_by_role("button", name="同意", exact=True).click()
    page.wait_for_url(f"{base}/my/enrol")
    page.get_by_role("button", name="打开摄像头").click()
    for _attempt in range(3):  # the fake camera loops: a late start may catch the turn early
        page.wait_for_function(
            "() => location.pathname === '/my/data' || !document.getElementById('again').hidden",
            timeout=60_000,
            polling=100,
        )
        if page.url == f"{base}/my/data":
            return
        page.get_by_role("button", name="再试一次").click()
    page.wait_for_url(f"{base}/my/data")


def _decisions(kiosk) -> list[str]:  # type: ignore[no-untyped-def]
    """The headline of every frame the kiosk's gate decided, in order."""
    return list(kiosk.evaluate("window.menweiKiosk.decisions"))


@pytest.mark.parametrize(
    "camera_args", [pytest.param("fake", id="fake-camera-turning-left")], indirect=True
)
def test_a_newcomer_enrols_is_let_in_at_the_kiosk_withdraws_and_is_refused(
    story: StorySite, page
) -> None:  # type: ignore[no-untyped-def]
    base = story.base
    _enrol(page, base)
    assert "系统保存有您的人脸特征" in page.content()

    kiosk = page.context.new_page()
    kiosk.goto(f"{base}/kiosk")
    kiosk.get_by_label("设备注册码 · Registration code").fill(story.world.kiosk_device_token)
    kiosk.get_by_role("button", name="开始 · Start").click()
    kiosk.wait_for_function(
        "() => window.menweiKiosk.decisions.includes('请通行')", timeout=90_000, polling=100
    )
    assert kiosk.locator("#name").inner_text().endswith("*")
    shot(kiosk, "kiosk-let-in")
    assert "score" not in kiosk.content()

    page.get_by_role("link", name="撤回同意并删除我的人脸数据").click()
    assert "删除后无法恢复" in page.content()
    page.get_by_role("button", name="确定，删除我的人脸数据").click()
    assert "您的人脸数据已删除" in page.content()
    time.sleep(3)  # the kiosk's agent syncs every two seconds
    kiosk.evaluate("() => { window.menweiKiosk.decisions.length = 0; }")
    kiosk.wait_for_function(
        "() => window.menweiKiosk.decisions.length > 0", timeout=60_000, polling=100
    )
    time.sleep(11)  # a full tracker cooldown: the face is decided again, and not let in
    after = _decisions(kiosk)
    assert after and set(after) == {"未能识别"}, after
    shot(kiosk, "kiosk-refused")
