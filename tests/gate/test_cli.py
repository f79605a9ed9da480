from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from menwei.vision.engine import FaceEngine

from .device_server import DeviceServer, world_records
from .local_http import LocalHttpServer, Recorded
from .world import ZHANG, make_world

NUAA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nuaa" / "live"
TOKEN = "cli-device-token"


def _menwei(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "menwei", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.processes
def test_a_gate_without_a_server_or_state_says_how_to_start(tmp_path: Path) -> None:
    (tmp_path / "frames").mkdir()
    cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))[1].tofile(
        str(tmp_path / "frames" / "a.png")
    )
    result = _menwei("gate", "--source", str(tmp_path / "frames"), "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "--server and --token" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.processes
def test_an_unknown_driver_is_refused_with_the_choices(tmp_path: Path) -> None:
    device = DeviceServer(TOKEN)
    for kind, record_id, payload in world_records(make_world()):
        device.upsert(kind, record_id, payload)
    http = LocalHttpServer(Recorded(handler=device))
    try:
        result = _menwei(
            "gate",
            "--source",
            str(tmp_path),
            "--server",
            http.url,
            "--driver",
            "magic",
            "--data-dir",
            str(tmp_path / "gate"),
            env={"MENWEI_DEVICE_TOKEN": TOKEN},
        )
    finally:
        http.stop()
    assert result.returncode == 1
    assert "simulated, http-relay, gpio" in result.stderr


@pytest.mark.processes
@pytest.mark.skipif(not NUAA.is_dir(), reason="evaluation data ../shared/data/nuaa is absent")
def test_menwei_gate_replays_a_folder_and_uploads_its_decisions(tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.mkdir()
    resident = sorted((NUAA / "0001").glob("*.jpg"))
    for i, path in enumerate(resident[4:12]):
        shutil.copy(path, frames / f"{i:03d}.jpg")
    steps = FaceEngine()
    enrol = cv2.imread(str(resident[0]))
    device = DeviceServer(TOKEN)
    for kind, record_id, payload in world_records(make_world()):
        device.upsert(kind, record_id, payload)
    device.template(ZHANG, steps.embed(enrol, steps.detect(enrol)[0]))
    http = LocalHttpServer(Recorded(handler=device))
    try:
        result = _menwei(
            "gate",
            "--source",
            str(frames),
            "--server",
            http.url,
            "--driver",
            "simulated",
            "--replay",
            "--data-dir",
            str(tmp_path / "gate"),
            env={"MENWEI_DEVICE_TOKEN": TOKEN},
        )
    finally:
        http.stop()
    assert result.returncode == 0, result.stderr
    assert "Processed 8 frames; 0 events wait for upload." in result.stdout
    bodies = list(device.events.values())
    assert len(bodies) == 1
    assert bodies[0]["outcome"] == "allow" and bodies[0]["person_id"] == str(ZHANG)
    assert bodies[0]["liveness"] == "pass"
    assert "simulated door" in result.stderr
