"""``menwei gate`` against a live ``menwei serve``: two real processes and the test database.

The server's database is seeded in this process (a community, a resident with two cards, an
access group, a consented and enrolled face from ``tests/data/astronaut.jpg`` through the real
YuNet + SFace models, a gate device) before ``menwei serve`` starts on a free port. The gate
replays a folder of frames with the simulated door driver and reads cards from standard input.

To keep a gate running while the test stops and restarts the server, one file of the replay
folder is a named pipe: the replay waits on it, like a camera with nobody in front of it, until
the test writes a frame into it.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from tests.privacy.builders import notice_content, switch_face_on
from tests.server.conftest import SECRET, World, seed_world

from menwei.core import FaceCredential, Validity
from menwei.gate.tracker import FaceTracker
from menwei.privacy.consent import ConsentChannel
from menwei.server.services.consent_records import publish_community_notice, record_consent
from menwei.server.services.enrolment_record import enrol_template
from menwei.server.services.privacy_kit import open_kit
from menwei.store.engine import make_engine
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

pytestmark = [
    pytest.mark.processes,
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)"),
]

FACE = Path(__file__).resolve().parents[1] / "data" / "astronaut.jpg"
CARDS = ("1000000001", "1000000002")
WAIT_S = 40.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(what: str, check: Callable[[], bool], timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


@dataclass
class Site:
    """The seeded database, its key file, and the server process serving it."""

    root: Path
    database_url: str
    world: World
    port: int = field(default_factory=_free_port)
    server: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def key_file(self) -> Path:
        return self.root / "keys" / "master.key"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MENWEI_")}
        return env | {
            "MENWEI_DATABASE_URL": self.database_url,
            "MENWEI_DATA_DIR": str(self.root / "server"),
            "MENWEI_KEY_FILE": str(self.key_file),
            "MENWEI_SECRET_KEY": SECRET,
        }

    def start(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "-m", "menwei", "serve", "--port", str(self.port)],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        server = self.server

        def answers() -> bool:
            if server.poll() is not None:
                pytest.fail(f"menwei serve exited early:\n{server.stderr.read()}")  # type: ignore[union-attr]
            try:
                return httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        _wait_for("menwei serve to answer", answers)

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.send_signal(signal.SIGINT)
        try:
            self.server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.communicate()
        self.server = None

    def staff(self) -> dict[str, str]:
        return self.world.auth("community_staff")

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        base = f"{self.url}/api/v1/communities/{self.world.a.community_id}"
        response = httpx.request(method, base + path, headers=self.staff(), timeout=20, **kwargs)
        assert response.is_success, response.text
        return response.json() if "json" in response.headers.get("content-type", "") else None

    def events(self) -> list[dict[str, Any]]:
        return list(self.api("GET", "/events?limit=1000")["items"])

    def audit_actions(self, person_id: uuid.UUID) -> list[tuple[str, str]]:
        kit = open_kit(self.key_file, create=False)
        engine = make_engine(self.database_url)
        try:
            uow = UnitOfWork.for_engine(engine)
            with uow:
                entries = kit.chain(PrivacyStore(uow.session)).entries_about(person_id)
        finally:
            kit.key_store.close()
            engine.dispose()
        return [(e.action, e.actor) for e in entries]


def _embedding(image: np.ndarray) -> bytes:
    from menwei.vision.engine import FaceEngine

    steps = FaceEngine()
    vector = steps.embed(image, steps.detect(image)[0])
    return np.asarray(vector, dtype="<f4").tobytes()


def _seed(root: Path, database_url: str) -> World:
    """A community with a resident who may use the gate by face and by either of two cards."""
    engine = make_engine(database_url)
    uow = UnitOfWork.for_engine(engine)
    world = seed_world(uow)
    kit = open_kit(root / "keys" / "master.key")
    try:
        community_id, person_id = world.a.community_id, world.a.resident_id
        at = datetime.now(UTC)
        publish_community_notice(uow, community_id=community_id, content=notice_content(), at=at)
        switch_face_on(uow, community_id, at=at)
        consent = record_consent(uow, kit, person_id=person_id, channel=ConsentChannel.SELF, at=at)
        sealed = enrol_template(
            uow,
            kit,
            person_id=person_id,
            community_id=community_id,
            template=_embedding(cv2.imread(str(FACE))),
            at=at,
            actor=str(person_id),
        )
        with uow:
            uow.credentials.save(
                FaceCredential(
                    id=uuid.uuid4(),
                    person_id=person_id,
                    template_ref=f"{person_id}/v{sealed.template_version}",
                    consent_id=consent.id,
                    validity=Validity(valid_from=at),
                )
            )
            uow.commit()
    finally:
        kit.key_store.close()
        engine.dispose()
    return world


def _grant_gate(site: Site) -> None:
    """Cards and an all-week group on the gate, through the API as the community's staff."""
    resident = site.world.a.resident_id
    for uid in CARDS:
        site.api("POST", f"/people/{resident}/cards", json={"uid": uid})
    group = site.api(
        "POST",
        "/groups",
        json={
            "name": "住户",
            "door_ids": [str(site.world.a.gate_id)],
            "weekly": {str(day): ["00:00-23:59"] for day in range(7)},
        },
    )
    site.api("POST", f"/groups/{group['id']}/members", json={"person_ids": [str(resident)]})


@pytest.fixture
def site(tmp_path: Path, database_url: str) -> Iterator[Site]:
    """The test database (SQLite, or PostgreSQL under ``scripts/test``), seeded and served."""
    site = Site(tmp_path, database_url, _seed(tmp_path, database_url))
    site.start()
    _grant_gate(site)
    try:
        yield site
    finally:
        site.stop()


class Gate:
    """A ``menwei gate`` process; its log lines are collected as they come."""

    def __init__(self, site: Site, frames: Path, data_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MENWEI_")}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "menwei",
                "gate",
                "--source",
                str(frames),
                "--server",
                site.url,
                "--driver",
                "simulated",
                "--replay",
                "--liveness",
                "off",
                "--sync-interval",
                "0.5",
                "--card-reader",
                "-",
                "--data-dir",
                str(data_dir),
            ],
            env=env | {"MENWEI_DEVICE_TOKEN": site.world.a.device_token},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()

    def _collect(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.lines.append(line)

    def decisions(self, via: str) -> list[str]:
        return [line for line in self.lines if "decision:" in line and f"({via})" in line]

    def card(self, uid: str) -> None:
        self.process.stdin.write(uid + "\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]

    def finish(self, timeout: float = WAIT_S) -> str:
        """Wait for the replay to end; the gate's standard output."""
        try:
            out, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            pytest.fail("the gate did not finish:\n" + "".join(self.lines[-30:]))
        self._reader.join(timeout=5)
        assert self.process.returncode == 0, "".join(self.lines[-30:])
        return out

    def kill(self) -> None:
        """Kill the process if it still runs, and close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()


def _frames(folder: Path, *, faces_before: int, hold: bool, faces_after: int = 0) -> Path | None:
    """Face frames, then (``hold``) a named pipe the replay waits on, then a new approach."""
    folder.mkdir()
    for i in range(faces_before):
        shutil.copy(FACE, folder / f"{i:03d}.jpg")
    pipe = None
    if hold:
        pipe = folder / f"{faces_before:03d}.png"
        os.mkfifo(pipe)
    if faces_after:
        # An empty frame first, so the face that comes back is a new approach (a new track).
        blank = np.zeros((240, 320, 3), np.uint8)
        cv2.imencode(".png", blank)[1].tofile(str(folder / f"{faces_before + 1:03d}.png"))
    for i in range(faces_before + 2, faces_before + 2 + faces_after):
        shutil.copy(FACE, folder / f"{i:03d}.jpg")
    return pipe


def _release(pipe: Path) -> None:
    """Open and close the pipe the replay waits on: an empty file, which the replay skips.

    The face that follows is a new approach only if the tracker has let the first one go, which
    takes ``max_missing_s`` without the face; the replay is waiting, so let that time pass first.
    """
    time.sleep(inspect.signature(FaceTracker).parameters["max_missing_s"].default + 0.5)
    with pipe.open("wb"):
        pass


def test_the_gate_decides_by_face_and_each_event_arrives_once(site: Site, tmp_path: Path) -> None:
    _frames(tmp_path / "frames", faces_before=6, hold=False)
    gate = Gate(site, tmp_path / "frames", tmp_path / "gate")
    try:
        out = gate.finish()
    finally:
        gate.kill()
    assert "Processed 6 frames; 0 events wait for upload." in out
    events = site.events()
    assert [(e["outcome"], e["person_id"]) for e in events] == [
        ("allow", str(site.world.a.resident_id))
    ]
    assert events[0]["credential_kind"] == "face"
    device = f"device:{site.world.a.device_id}"
    assert ("sync_to_device", device) in site.audit_actions(site.world.a.resident_id)


def test_events_decided_while_the_server_is_down_arrive_once_after_it_returns(
    site: Site, tmp_path: Path
) -> None:
    pipe = _frames(tmp_path / "frames", faces_before=6, hold=True)
    assert pipe is not None
    gate = Gate(site, tmp_path / "frames", tmp_path / "gate")
    try:
        _wait_for("the face decision to reach the server", lambda: len(site.events()) == 1)
        site.stop()
        for uid in CARDS:
            gate.card(uid)
        _wait_for("two card decisions offline", lambda: len(gate.decisions("card")) == 2)
        time.sleep(1.5)  # a few sync rounds fail while the server is down
        assert any("could not be reached" in line for line in gate.lines)
        site.start()
        _wait_for("the offline events to arrive", lambda: len(site.events()) == 3)
        _release(pipe)
        out = gate.finish()
    finally:
        gate.kill()
    assert "0 events wait for upload." in out
    events = site.events()
    assert sorted((e["credential_kind"], e["outcome"]) for e in events) == [
        ("card", "allow"),
        ("card", "allow"),
        ("face", "allow"),
    ]
    assert len({(e["occurred_at"], e["credential_kind"]) for e in events}) == 3


def _withdraw(site: Site) -> str:
    """The resident withdraws at the property office: staff record it through the API.

    Returns the deletion receipt as text.
    """
    resident = site.world.a.resident_id
    response = httpx.post(
        f"{site.url}/api/v1/communities/{site.world.a.community_id}/people/{resident}"
        "/consent/withdraw",
        json={"written_request": "W-1"},
        headers=site.staff(),
        timeout=20,
    )
    assert response.is_success, response.text
    return response.text


def test_after_a_withdrawal_the_gate_refuses_the_face_but_takes_the_card(
    site: Site, tmp_path: Path
) -> None:
    pipe = _frames(tmp_path / "frames", faces_before=6, hold=True, faces_after=6)
    assert pipe is not None
    resident = site.world.a.resident_id
    device = f"device:{site.world.a.device_id}"
    gate = Gate(site, tmp_path / "frames", tmp_path / "gate")
    try:
        _wait_for("the face decision to reach the server", lambda: len(site.events()) == 1)
        receipt = _withdraw(site)
        assert str(site.world.a.device_id) in receipt  # the gate that held the template is named
        _wait_for(
            "the gate to acknowledge dropping the template",
            lambda: site.audit_actions(resident).count(("sync_to_device", device)) == 2,
        )
        gate.card(CARDS[0])
        _wait_for("the card decision", lambda: len(gate.decisions("card")) == 1)
        _release(pipe)
        out = gate.finish()
    finally:
        gate.kill()
    assert "0 events wait for upload." in out
    events = sorted(site.events(), key=lambda e: e["occurred_at"])
    assert [(e["credential_kind"], e["outcome"]) for e in events[:1]] == [("face", "allow")]
    card = [e for e in events if e["credential_kind"] == "card"]
    assert [(e["outcome"], e["person_id"]) for e in card] == [("allow", str(resident))]
    after = [(e["credential_kind"], e["outcome"], e["reason_code"]) for e in events[1:]]
    # The template is gone from the gate: the face is unknown now, and nothing else is kept.
    assert sorted(after) == [("card", "allow", "granted"), ("face", "deny", "unknown_face")]
    refused = next(e for e in events[1:] if e["credential_kind"] == "face")
    assert refused["person_id"] is None


def test_a_gate_killed_while_it_uploads_loses_and_repeats_nothing(
    site: Site, tmp_path: Path
) -> None:
    pipe = _frames(tmp_path / "frames", faces_before=6, hold=True)
    assert pipe is not None
    first = Gate(site, tmp_path / "frames", tmp_path / "gate")
    try:
        _wait_for("the face decision to reach the server", lambda: len(site.events()) == 1)
        site.stop()
        for uid in CARDS:
            first.card(uid)
        _wait_for("two card decisions offline", lambda: len(first.decisions("card")) == 2)
        site.start()
        time.sleep(0.3)  # the gate's next sync rounds (every 0.5 s) are uploading now
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
    finally:
        first.kill()
    (tmp_path / "empty").mkdir()
    cv2.imencode(".png", np.zeros((240, 320, 3), np.uint8))[1].tofile(
        str(tmp_path / "empty" / "000.png")
    )
    second = Gate(site, tmp_path / "empty", tmp_path / "gate")
    try:
        out = second.finish()
    finally:
        second.kill()
    assert "0 events wait for upload." in out
    events = site.events()
    assert sorted((e["credential_kind"], e["outcome"]) for e in events) == [
        ("card", "allow"),
        ("card", "allow"),
        ("face", "allow"),
    ]
