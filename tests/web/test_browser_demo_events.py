"""The demo's simulated gate plays its scene against a live server, and in real headless
Chromium the office's passages page fills within a minute with a face let in, a stranger
refused, a printed photo caught and a tailgating alert."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from menwei.gate.demo import DemoGate, DemoGateConfig, DemoScene

from ..server.kiosk_site import StorySite, story_site
from .browser import BROWSER, shot

pytestmark = BROWSER


@pytest.fixture
def playing(tmp_path: Path, cheap_passwords: None) -> Iterator[StorySite]:
    with story_site(tmp_path / "site") as site:
        world = site.world
        assert world.resident_card and world.guest_pass
        gate = DemoGate(
            DemoGateConfig(
                server=site.base,
                token=world.gate_device_token,
                data_dir=tmp_path / "gate",
                scene=DemoScene(resident_card=world.resident_card, guest_pass=world.guest_pass),
            )
        ).start()
        try:
            yield site
        finally:
            gate.stop()


def test_the_passages_page_fills_with_the_story_within_a_minute(playing: StorySite, page) -> None:  # type: ignore[no-untyped-def]
    base = playing.base
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("demo-staff-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/office/c/{playing.world.community_id}")
    page.get_by_role("link", name="通行记录").click()
    events_url = page.url
    wanted = ("人脸", "未识别", "活体检测未通过", "尾随")
    deadline = time.monotonic() + 60
    rows: list[str] = []
    while time.monotonic() < deadline:
        rows = page.locator("table.events tbody tr").all_inner_texts()
        if all(any(word in row for row in rows) for word in wanted):
            break
        time.sleep(3)
        page.goto(events_url)
    shot(page, "demo-events")
    missing = [word for word in wanted if not any(word in row for row in rows)]
    assert not missing, f"after a minute the passages page lacks {missing}: {rows}"
    refusals = ("未识别", "活体检测未通过", "尾随")
    assert any("人脸" in row and not any(r in row for r in refusals) for row in rows)  # let in
    assert "score" not in page.content()
