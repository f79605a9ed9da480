"""Real headless Chromium for page tests: the app served on a loopback port, a phone-sized tab
(optionally with a fake camera), and screenshots under ``web/`` of the artifacts folder: the
one named by ``MENWEI_TEST_ARTIFACTS``, else ``test-artifacts/`` at the repository root (which
git ignores).

A browser test module sets ``pytestmark = BROWSER`` and asks for the ``served`` and ``page``
fixtures (``tests/web/conftest.py`` makes them visible).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Site, make_site

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = (
    Path(
        os.environ.get("MENWEI_TEST_ARTIFACTS")
        or Path(__file__).resolve().parents[2] / "test-artifacts"
    )
    / "web"
)
PHONE = {"width": 360, "height": 740}
#: A current mid-sized phone (iPhone 12 to 15), for the screenshots residents will compare with.
PHONE_390 = {"width": 390, "height": 844}

BROWSER = [
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


ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


CAMERA_FPS = 5
STILL_SECONDS = 8
"""Frontal seconds before the turn: the page's quality loop (three good frames) and the
challenge's resting frames fit in them, so the movement comes after the challenge is issued."""
TURNED_SECONDS = 4


def fake_camera_file(target: Path, *, turning: bool = True) -> Path:
    """640x480 video of the astronaut portrait for Chromium's fake camera (which loops it).

    ``turning``: after ``STILL_SECONDS`` facing the camera the head turns to its own left and
    stays turned (a synthetic turn, see ``tests/faces_motion.py``); otherwise a still photo.
    """
    import cv2

    from ..faces_motion import camera_frame, head_turn, landmarks_of

    frame = camera_frame()
    frames = [frame] * (STILL_SECONDS * CAMERA_FPS)
    if turning:
        turn = head_turn(frame, landmarks_of(frame), towards=0.9, still=0, steps=3)
        frames += turn + [turn[-1]] * (TURNED_SECONDS * CAMERA_FPS)
    with target.open("wb") as out:
        out.write(f"YUV4MPEG2 W640 H480 F{CAMERA_FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for image in frames:
            out.write(b"FRAME\n" + cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420).tobytes())
    return target


@pytest.fixture
def camera_args(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """No camera unless a test asks for a fake one (``indirect`` parameter ``"fake"``: a head
    that turns to its left after a while; ``"still"``: a still photo)."""
    kind = getattr(request, "param", None)
    if kind not in ("fake", "still"):
        return []
    video = fake_camera_file(tmp_path / "astronaut.y4m", turning=kind == "fake")
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


@pytest.fixture
def page(tmp_path: Path, camera_args: list[str]) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            args=ARGS + camera_args,
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
