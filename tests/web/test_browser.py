"""The pages in real headless Chromium: a resident's first sign-in and refusal, and the public
page and door poster on a 360 px phone. Screenshots go to ``test-artifacts/web``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .conftest import Site, make_site

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
PHONE = {"width": 360, "height": 740}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(database_url: str, tmp_path: Path, cheap_passwords: None) -> Iterator[tuple[Site, str]]:
    """The app behind uvicorn on a free loopback port, in a thread."""
    import uvicorn

    site = make_site(database_url, tmp_path / "data")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield site, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    site.app.state.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
            viewport=PHONE,
            locale="zh-CN",
            accept_downloads=True,
        )
        tab = context.new_page()
        problems: list[str] = []
        tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        tab.problems = problems  # type: ignore[attr-defined]
        yield tab
        context.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fits_the_phone(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_resident_signs_in_with_an_invitation_refuses_and_gets_card_pin_and_qr(
    served: tuple[Site, str], page
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    site.publish_notice()
    person = site.people()[-1]
    with TestClient(site.app, base_url="https://testserver") as staff:  # type: ignore[arg-type]
        staff.post("/api/v1/auth/login", json={"login": "staff", "password": "demo-staff-2024"})
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
    assert page.get_by_role("heading", name="阳光花园").is_visible()
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
