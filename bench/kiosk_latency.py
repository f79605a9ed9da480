"""Frame to decision through the browser kiosk (``/kiosk``) on loopback.

    .venv/bin/python bench/kiosk_latency.py [--seconds 40] [--chromium /usr/bin/chromium]

A fresh demo (SQLite, the story told, the demo resident's own face enrolled from the shipped
portrait with consent, as the portal would) is served by uvicorn on a loopback port. Headless
Chromium opens ``/kiosk`` with a fake camera showing the portrait, signs in with the door
tablet's registration code, and sends frames as a tablet would: draw the camera into a canvas,
JPEG-encode it, POST it with the device token, show the answer. The page times each frame from
just before the POST to the parsed answer (``performance.now()``), so a figure covers the
upload, the device's gate agent (decode, detection, tracking, quality, passive liveness, SFace,
search, ``core.decide``, the simulated door, the outbox) and the answer. The kiosk's tracker
cooldown is set to zero so that every frame with the face ends in a decision (a real door
decides once per approach). The first frame (which starts the device's agent: first sync, the
models loaded) is reported separately.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import cv2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _camera_file(target: Path, seconds: int = 4, fps: int = 10) -> Path:
    from menwei.vision import synthetic

    image = synthetic.frame(synthetic.PORTRAIT)
    with target.open("wb") as out:
        out.write(f"YUV4MPEG2 W640 H480 F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(seconds * fps):
            out.write(b"FRAME\n" + cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420).tobytes())
    return target


def _site(folder: Path) -> tuple[object, object, str]:
    import uvicorn

    from menwei.privacy.consent import ConsentChannel
    from menwei.server import create_app
    from menwei.server.demo import seed_demo
    from menwei.server.demo_story import staff_caller
    from menwei.server.services.consent_records import record_consent
    from menwei.server.services.enrolment import enrol
    from menwei.server.services.template_delivery import privacy_kit
    from menwei.settings import Settings
    from menwei.store.migrate import upgrade
    from menwei.store.uow import UnitOfWork
    from menwei.vision import synthetic

    secret = "kiosk-bench-secret-kiosk-bench-secret-0123"
    url = f"sqlite:///{folder / 'demo.db'}"
    upgrade(url)
    port = _free_port()
    settings = Settings(database_url=url, data_dir=folder, secret_key=secret, port=port)
    app = create_app(settings)
    kit = privacy_kit(app.state, settings)
    uow = UnitOfWork(app.state.session_factory)
    world = seed_demo(uow, kit=kit, secret_key=secret)
    with uow:
        resident = uow.accounts.by_login("resident")
        staff = uow.accounts.by_login("staff")
    assert resident is not None and resident.person_id is not None and staff is not None
    record_consent(
        uow, kit, person_id=resident.person_id, channel=ConsentChannel.SELF, at=datetime.now(UTC)
    )
    photo = synthetic.encoded(synthetic.frame(synthetic.PORTRAIT))
    caller = staff_caller(staff.id, world.community_id)
    enrol(uow, kit, caller, resident.person_id, [photo], actor="bench")
    from menwei.gate.browser_kiosk import kiosk_gates_for

    gates = kiosk_gates_for(settings)
    gates.cooldown_s = 0.0
    app.state.kiosk_gates = gates
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, world, f"http://127.0.0.1:{port}"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server, world, base = _site(folder)
        video = _camera_file(folder / "portrait.y4m")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium,
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                ],
            )
            page = browser.new_page()
            page.goto(f"{base}/kiosk")
            page.get_by_label("设备注册码 · Registration code").fill(world.kiosk_device_token)  # type: ignore[attr-defined]
            page.get_by_role("button", name="开始 · Start").click()
            page.wait_for_function("() => window.menweiKiosk.latencies.length > 0", timeout=120_000)
            time.sleep(args.seconds)
            kiosk = page.evaluate("window.menweiKiosk")
            browser.close()
        server.should_exit = True  # type: ignore[attr-defined]
    first, *frames = kiosk["latencies"]
    decided = kiosk["decidedLatencies"][1:]
    granted = kiosk["decisions"].count("请通行")
    print(f"first frame (starts the device's agent): {first:.0f} ms")
    print(
        f"frames answered: {len(frames)}, p50 {statistics.median(frames):.1f} ms, "
        f"p95 {_percentile(frames, 0.95):.1f} ms"
    )
    if decided:
        print(
            f"frames decided: {len(decided)} ({granted} 请通行), "
            f"p50 {statistics.median(decided):.1f} ms, p95 {_percentile(decided, 0.95):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
