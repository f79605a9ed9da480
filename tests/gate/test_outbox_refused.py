"""Events the server refuses for good are kept aside and never hold up the queue behind them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from menwei.gate.errors import OutboxError
from menwei.gate.outbox import Outbox, OutboxEvent, UploadReceipt
from menwei.gate.sync import EVENTS_PATH, SyncClient

FOREIGN = "person_not_in_community"


def _passage(n: int, *, foreign: bool = False) -> tuple[str, dict[str, object]]:
    return ("passage", {"n": n, "foreign": foreign, "reason_code": "granted"})


class _ScopedServer:
    """Stores each event once and refuses those naming a person of another community."""

    def __init__(self, *, silent_on: set[int] | None = None) -> None:
        self.stored: list[int] = []
        self.batches: list[list[int]] = []
        self.silent_on = silent_on or set()

    def __call__(self, batch: Sequence[OutboxEvent]) -> UploadReceipt:
        self.batches.append([e.body["n"] for e in batch])
        acknowledged, refused = [], {}
        for event in batch:
            if event.body["n"] in self.silent_on:
                continue
            if event.body["foreign"]:
                refused[event.idempotency_key] = FOREIGN
            else:
                self.stored.append(event.body["n"])
                acknowledged.append(event.idempotency_key)
        return UploadReceipt(acknowledged, refused)


def test_a_refused_event_leaves_the_queue_and_is_kept_aside(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db", clock=lambda: 1_700_000_000.0)
    outbox.add_many([_passage(0), _passage(1, foreign=True), _passage(2)], occurred_at=42.0)
    server = _ScopedServer()
    assert outbox.upload(server) == 2
    assert len(outbox) == 0
    (kept,) = outbox.refused()
    assert (kept.kind, kept.occurred_at, kept.reason_code) == ("passage", 42.0, FOREIGN)
    assert kept.body["n"] == 1 and kept.refused_at == 1_700_000_000.0
    assert outbox.refused_tally().kept == 1
    assert "1 event was refused" in (outbox.refused_tally().notice() or "")


def test_a_hundred_and_fifty_refused_events_at_the_head_do_not_block_later_ones(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add_many([_passage(n, foreign=True) for n in range(150)])
    outbox.add_many([_passage(n) for n in range(150, 180)])
    server = _ScopedServer()
    assert outbox.upload(server, batch_size=100) == 30
    assert server.stored == list(range(150, 180))
    assert len(outbox) == 0
    assert outbox.refused_tally().kept == 150
    assert outbox.upload(server) == 0
    assert len(server.batches) == 2, "refused events are never sent again"


def test_events_the_server_did_not_answer_for_stay_pending_and_stop_the_run(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add_many([_passage(0), _passage(1, foreign=True), _passage(2)])
    outbox.add_many([_passage(n) for n in range(3, 8)])
    server = _ScopedServer(silent_on={2})
    assert outbox.upload(server, batch_size=3) == 1
    assert server.batches == [[0, 1, 2]]
    assert [e.body["n"] for e in outbox.pending()] == [2, 3, 4, 5, 6, 7]
    assert [r.body["n"] for r in outbox.refused()] == [1]


def test_a_crash_between_the_answer_and_the_bookkeeping_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = Outbox(tmp_path / "outbox.db", max_refused=1)
    outbox.add_many([_passage(0), _passage(1, foreign=True), _passage(2, foreign=True)])
    server = _ScopedServer()

    def power_cut(db: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(outbox, "_keep_newest_refused", power_cut)
    with pytest.raises(OutboxError, match="could not be written"):
        outbox.upload(server)
    assert [e.body["n"] for e in outbox.pending()] == [0, 1, 2], "one transaction, rolled back"
    assert outbox.refused() == []
    monkeypatch.undo()
    assert outbox.upload(server) == 1
    assert len(outbox) == 0
    assert server.stored == [0, 0], (
        "the acknowledged event is sent again; the server keeps each key once"
    )


def test_refused_events_kept_aside_are_bounded_and_the_rest_counted(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db", max_refused=5)
    outbox.add_many([_passage(n, foreign=True) for n in range(8)])
    outbox.upload(_ScopedServer(), batch_size=3)
    assert [r.body["n"] for r in outbox.refused()] == [7, 6, 5, 4, 3]
    tally = outbox.refused_tally()
    assert (tally.kept, tally.dropped) == (5, 3)
    assert "8 events were refused" in (tally.notice() or "")
    assert "oldest 3" in (tally.notice() or "")


def test_an_outbox_file_of_the_previous_version_opens_with_its_events(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT "
        "NULL UNIQUE, kind TEXT NOT NULL, occurred_at REAL NOT NULL, body TEXT NOT NULL)"
    )
    old.execute(
        "INSERT INTO outbox (idempotency_key, kind, occurred_at, body) VALUES (?, ?, ?, ?)",
        ("old-key-1", "passage", 7.0, json.dumps({"n": 0, "foreign": True})),
    )
    old.commit()
    old.close()
    outbox = Outbox(path)
    (event,) = outbox.pending()
    assert (event.idempotency_key, event.body["n"]) == ("old-key-1", 0)
    assert outbox.refused_tally().total == 0 and outbox.refused_tally().notice() is None
    outbox.upload(_ScopedServer())
    assert [r.idempotency_key for r in outbox.refused()] == ["old-key-1"]


def _gate_event(n: int) -> tuple[str, dict[str, object]]:
    return (
        "passage",
        {
            "door_id": "00000000-0000-0000-0000-000000000001",
            "outcome": "allow",
            "reason_code": "granted",
            "credential_kind": "card",
            "person_id": f"00000000-0000-0000-0000-{n:012d}",
        },
    )


def test_the_sync_client_reads_the_refused_keys_from_the_servers_receipt(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add_many([_gate_event(n) for n in range(3)])
    batch = outbox.pending()

    def server(request: httpx.Request) -> httpx.Response:
        assert request.url.path == EVENTS_PATH
        key = batch[1].idempotency_key
        refused = [{"idempotency_key": key, "code": FOREIGN, "message": "not stored"}]
        return httpx.Response(
            200, json={"received": 3, "stored": 2, "duplicates": 0, "refused": refused}
        )

    client = SyncClient("http://server", "token", transport=httpx.MockTransport(server))
    receipt = client.upload(batch)
    assert list(receipt.acknowledged) == [batch[0].idempotency_key, batch[2].idempotency_key]
    assert dict(receipt.refused) == {batch[1].idempotency_key: FOREIGN}
    client.close()


def _gate_folder_with_refused_events(folder: Path) -> Outbox:
    outbox = Outbox(folder / "outbox.db", clock=lambda: 1_775_030_400.0)
    outbox.add_many([_gate_event(1), _gate_event(2)], occurred_at=1_775_028_600.0)
    outbox.add("passage", {**_gate_event(3)[1], "note": "not for the screen"})

    def server(batch: Sequence[OutboxEvent]) -> UploadReceipt:
        return UploadReceipt(
            [batch[0].idempotency_key], {e.idempotency_key: FOREIGN for e in batch[1:]}
        )

    outbox.upload(server)
    return outbox


def test_menwei_gate_refused_lists_the_events_kept_aside(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from menwei.cli import app

    _gate_folder_with_refused_events(tmp_path).close()
    result = CliRunner().invoke(app, ["gate", "refused", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 events were refused by the server" in result.output
    assert "2026-04-01T07:30:00+00:00  passage  granted  refused: person_not_in_community" in (
        result.output
    )
    assert "00000000-0000-0000-0000-000000000002" in result.output
    assert "right community" in result.output

    as_json = CliRunner().invoke(app, ["gate", "refused", "--data-dir", str(tmp_path), "--json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.output)
    assert (document["kept"], document["dropped"]) == (2, 0)
    newest, oldest = document["events"]
    assert newest["refusal_code"] == FOREIGN and newest["refused_at"] == "2026-04-01T08:00:00+00:00"
    assert oldest["event"]["person_id"] == "00000000-0000-0000-0000-000000000002"
    assert "note" not in newest["event"], "only the audit's fields are printed"


def test_menwei_gate_refused_says_so_when_nothing_was_refused_or_there_is_no_outbox(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from menwei.cli import app

    missing = CliRunner().invoke(app, ["gate", "refused", "--data-dir", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "Check --data-dir" in missing.output
    Outbox(tmp_path / "outbox.db").close()
    empty = CliRunner().invoke(app, ["gate", "refused", "--data-dir", str(tmp_path)])
    assert empty.exit_code == 0 and "refused no events" in empty.output


def test_a_sync_round_reports_the_refused_events_and_tells_the_installer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from menwei.gate.local_state import LocalState, load_device_key
    from menwei.gate.sync import CHANGES_PATH, Syncer

    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add_many([_gate_event(n) for n in range(4)])
    foreign = outbox.pending()[0].idempotency_key

    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path == CHANGES_PATH:
            return httpx.Response(200, json={"changes": [], "cursor": "0", "more": False})
        if request.url.path == EVENTS_PATH:
            refused = [{"idempotency_key": foreign, "code": FOREIGN, "message": "not stored"}]
            return httpx.Response(200, json={"received": 4, "stored": 3, "refused": refused})
        return httpx.Response(200, json={"ok": True})

    client = SyncClient("http://server", "token", transport=httpx.MockTransport(server))
    state = LocalState(tmp_path / "state.db", load_device_key(tmp_path / "device.key"))
    syncer = Syncer(client, state, outbox, batch_size=2)
    with caplog.at_level("WARNING"):
        report = syncer.run_once()
    assert (report.events_uploaded, report.events_refused, report.errors) == (3, 1, [])
    assert "1 event was refused by the server" in caplog.text
    assert "menwei gate refused" in caplog.text
    assert len(outbox) == 0
    client.close()
    state.close()
    outbox.close()
