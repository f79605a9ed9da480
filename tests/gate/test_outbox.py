from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from menwei.gate.errors import OutboxError
from menwei.gate.outbox import Outbox, UploadReceipt

CHILD = Path(__file__).with_name("outbox_child.py")


def test_events_come_back_in_order_with_distinct_keys(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    keys = [outbox.add("passage", {"n": n}) for n in range(5)]
    pending = outbox.pending(10)
    assert [e.body["n"] for e in pending] == [0, 1, 2, 3, 4]
    assert [e.idempotency_key for e in pending] == keys
    assert len(set(keys)) == 5
    outbox.close()


def test_an_event_stays_until_the_server_acknowledges_it(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add_many([("passage", {"n": n}) for n in range(10)])

    def server_keeps_only_the_first_three(batch):
        return UploadReceipt([e.idempotency_key for e in batch[:3]])

    assert outbox.upload(server_keeps_only_the_first_three, batch_size=5) == 3
    assert [e.body["n"] for e in outbox.pending()] == [3, 4, 5, 6, 7, 8, 9]


def test_a_failed_upload_loses_nothing(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add_many([("passage", {"n": n}) for n in range(4)])

    def server_down(batch):
        raise ConnectionError("no route to host")

    with pytest.raises(ConnectionError):
        outbox.upload(server_down)
    assert len(outbox) == 4


def test_acknowledging_keys_the_outbox_never_sent_removes_nothing(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add("passage", {"n": 1})
    assert outbox.upload(lambda batch: UploadReceipt(["forged-key"], {"forged-too": "x"})) == 0
    assert len(outbox) == 1


def test_events_survive_closing_and_reopening_the_file(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add("tailgating", {"crossings": 2, "authorisations": 1})
    outbox.close()
    again = Outbox(tmp_path / "outbox.db")
    (event,) = again.pending()
    assert (event.idempotency_key, event.kind, event.body["crossings"]) == (key, "tailgating", 2)


def test_a_corrupt_outbox_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(OutboxError, match="could not be opened"):
        Outbox(path)


def test_the_outbox_holds_fifty_thousand_events_without_loss(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    total = 50_000
    for start in range(0, total, 5_000):
        outbox.add_many([("passage", {"n": n}) for n in range(start, start + 5_000)])
    assert len(outbox) == total
    seen: list[int] = []

    def server(batch):
        seen.extend(e.body["n"] for e in batch)
        return UploadReceipt([e.idempotency_key for e in batch])

    assert outbox.upload(server, batch_size=1_000) == total
    assert seen == list(range(total))
    assert len(outbox) == 0


class _IdempotentServer:
    """The server side of the crash test: stores each idempotency key once."""

    def __init__(self, stall_on_batch: int | None) -> None:
        self.stored: dict[str, int] = {}
        self.received = 0
        self.batches = 0
        self.stall_on_batch = stall_on_batch
        self.stalled = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, method: str, path: str, body: bytes, headers: dict[str, str]):
        events = json.loads(body)
        with self.lock:
            self.batches += 1
            batch_no = self.batches
            for event in events:
                self.received += 1
                self.stored.setdefault(event["idempotency_key"], event["body"]["n"])
        if batch_no == self.stall_on_batch:
            self.stalled.set()
            time.sleep(3)
        return 200, {"acknowledged": [e["idempotency_key"] for e in events]}


def _pending(db: Path) -> int:
    outbox = Outbox(db)
    try:
        return len(outbox)
    finally:
        outbox.close()


def _child(db: Path, url: str, count: int, mode: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(db), url, str(count), mode],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.processes
def test_a_gate_killed_mid_batch_delivers_every_event_exactly_once(
    tmp_path: Path, http_server
) -> None:
    base, recorded = http_server
    server = _IdempotentServer(stall_on_batch=3)
    recorded.handler = server
    db = tmp_path / "outbox.db"
    count = 200
    child = _child(db, base + "/events", count, "fill")
    assert server.stalled.wait(60), "the child never reached its third batch"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert child.stdout is not None
    child.stdout.close()
    assert _pending(db) > 0
    server.stall_on_batch = None
    again = _child(db, base + "/events", count, "upload")
    out, _ = again.communicate(timeout=60)
    assert again.returncode == 0 and out.strip().endswith("done")
    assert sorted(server.stored.values()) == list(range(count))
    assert server.received > count, "the interrupted batch should have been sent twice"
    assert _pending(db) == 0


@pytest.mark.processes
def test_a_gate_killed_while_recording_events_loses_none_it_had_recorded(
    tmp_path: Path, http_server
) -> None:
    base, recorded = http_server
    server = _IdempotentServer(stall_on_batch=None)
    recorded.handler = server
    db = tmp_path / "outbox.db"
    child = _child(db, base + "/events", 100_000, "fill")
    assert child.stdout is not None
    durable: list[int] = []
    for line in child.stdout:
        durable.append(int(line))
        if len(durable) >= 150:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    durable.extend(int(line) for line in child.stdout.read().split() if line.isdigit())
    child.stdout.close()
    again = _child(db, base + "/events", 0, "upload")
    again.communicate(timeout=60)
    assert again.returncode == 0
    assert _pending(db) == 0
    stored = sorted(server.stored.values())
    assert stored == list(range(len(stored))), "events are stored once each, none skipped"
    assert set(durable) <= set(stored)
