"""``menwei demo`` runs a simulated gate against its own server: its decisions arrive as events."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from menwei.gate.demo import write_demo_frames
from menwei.server.demo import DEMO_LOGINS

pytestmark = [pytest.mark.processes, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_demo_frames_show_an_entrance_without_a_face(tmp_path: Path) -> None:
    import cv2

    from menwei.vision.engine import FaceEngine

    folder = write_demo_frames(tmp_path / "frames", count=3)
    frames = sorted(folder.glob("*.png"))
    assert len(frames) == 3
    steps = FaceEngine()
    assert all(steps.detect(cv2.imread(str(f))) == [] for f in frames)


def test_the_demo_gate_decides_and_its_events_reach_the_demo_server(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENWEI_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "menwei", "demo", "--port", str(port), "--data-dir", str(tmp_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        gate_events: list[dict[str, object]] = []
        headers: dict[str, str] | None = None
        told: set[str] = set()
        story = {"allow_face", "unknown_face", "liveness_failed", "tailgating"}
        while not story <= told:
            if process.poll() is not None:
                pytest.fail(f"menwei demo exited early:\n{process.stdout.read()}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                pytest.fail(f"within 90 s the demo gate told only {sorted(told)}")
            time.sleep(1.0)
            try:
                if headers is None:
                    login, password, _ = next(e for e in DEMO_LOGINS if e[0] == "staff")
                    answer = httpx.post(
                        f"{base}/api/v1/auth/token", json={"login": login, "password": password}
                    )
                    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
                    community = httpx.get(f"{base}/api/v1/communities", headers=headers).json()
                    events_url = f"{base}/api/v1/communities/{community['items'][0]['id']}/events"
                items = httpx.get(events_url, headers=headers).json()["items"]
            except (httpx.TransportError, KeyError, ValueError):
                headers = None
                continue
            gate_events = [e for e in items if e["device_id"] is not None]
            told = {
                "allow_face"
                if e["outcome"] == "allow" and e["credential_kind"] == "face"
                else e["reason_code"]
                for e in gate_events
            }
        faces = [e for e in gate_events if e["credential_kind"] == "face"]
        assert all(e["liveness"] in ("pass", "fail") for e in faces)  # checked, every time
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert "simulated gate" in output
    assert "Traceback" not in output
    assert "WARN" not in output  # no OpenCV noise for a newcomer
    assert "start-up sync" not in output  # the gate waited for the server
    assert "翠湖苑" in output and "/kiosk" in output
