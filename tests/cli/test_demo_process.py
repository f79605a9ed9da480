"""``menwei demo`` as a real process: it comes up, and a documented login reads the community."""

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

from menwei.server.demo import DEMO_LOGINS

pytestmark = [pytest.mark.processes, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_demo_starts_and_answers_with_a_documented_login(tmp_path: Path) -> None:
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
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"menwei demo exited early:\n{process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("menwei demo did not answer within 120 s")
            time.sleep(0.5)
        login, password, _role = next(entry for entry in DEMO_LOGINS if entry[0] == "staff")
        token = httpx.post(
            f"{base}/api/v1/auth/token", json={"login": login, "password": password}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        communities = httpx.get(f"{base}/api/v1/communities", headers=headers).json()
        assert [c["name"] for c in communities["items"]] == ["阳光花园"]
        community_id = communities["items"][0]["id"]
        units = httpx.get(f"{base}/api/v1/communities/{community_id}/units", headers=headers)
        assert units.json()["total"] == 40
        doors = httpx.get(f"{base}/api/v1/communities/{community_id}/doors", headers=headers)
        for door in doors.json()["items"]:
            if "face" in door["accepts"]:
                assert {"card", "pin", "qr"} <= set(door["accepts"])
        people = httpx.get(
            f"{base}/api/v1/communities/{community_id}/people?limit=500", headers=headers
        ).json()
        assert 80 <= len(people["items"]) <= 130
        # The pages a newcomer opens from the printed addresses.
        public = httpx.get(f"{base}/c/{community_id}")
        assert public.status_code == 200
        assert "阳光花园" in public.text
        assert httpx.get(f"{base}/signin").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert "demo-staff-2024" in output
    assert f"http://127.0.0.1:{port}" in output
    assert f"http://127.0.0.1:{port}/c/{community_id}" in output
