"""Passage events in the outbox: the body written, and the report read back for the server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from menwei.core.passage import PassageEvent
from menwei.gate.outbox import Outbox
from menwei.gate.passages import event_report, outbox_body, read_back, record, record_once

DOOR = uuid.UUID("00000000-0000-0000-0000-0000000000d1")
PERSON = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
AT = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)


def _event(**overrides: object) -> PassageEvent:
    values: dict[str, object] = {
        "door_id": DOOR,
        "occurred_at": AT,
        "direction": "out",
        "credential_kind": "card",
        "person_id": PERSON,
        "outcome": "allow",
        "reason_code": "granted",
    }
    values.update(overrides)
    return PassageEvent(**values)  # type: ignore[arg-type]


def test_the_body_is_the_event_without_its_time_plus_the_device_and_the_kinds_extras() -> None:
    assert outbox_body(_event(), "gate-1", door_error="relay_timeout") == {
        "door_id": str(DOOR),
        "device_id": "gate-1",
        "direction": "out",
        "credential_kind": "card",
        "person_id": str(PERSON),
        "outcome": "allow",
        "reason_code": "granted",
        "flag": None,
        "liveness": None,
        "door_error": "relay_timeout",
    }


def test_a_recorded_event_reads_back_whole_and_reports_in_the_servers_shape(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    key = record(outbox, "passage", _event(), "gate-1")
    (stored,) = outbox.pending()
    assert (stored.idempotency_key, stored.occurred_at) == (key, AT.timestamp())
    assert read_back(stored) == _event()
    assert event_report(stored) == {
        "idempotency_key": key,
        "door_id": str(DOOR),
        "occurred_at": "2026-03-01T00:30:00+00:00",
        "direction": "out",
        "credential_kind": "card",
        "outcome": "allow",
        "reason_code": "granted",
        "person_id": str(PERSON),
        "flag": None,
        "liveness": None,
    }
    outbox.close()


def test_a_source_keyed_event_is_stored_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    assert record_once(outbox, "uhppote:1:7", "passage", _event(), "gate-1", controller_event=7)
    assert not record_once(outbox, "uhppote:1:7", "passage", _event(), "gate-1")
    assert [e.body["controller_event"] for e in outbox.pending()] == [7]
    outbox.close()


def test_a_body_an_older_gate_wrote_reports_as_it_always_did(tmp_path: Path) -> None:
    """No direction, no credential kind, no liveness: an alarm of an earlier version."""
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add(
        "door_held_open",
        {
            "door_id": str(DOOR),
            "device_id": "gate-1",
            "credential_kind": None,
            "person_id": None,
            "outcome": "deny",
            "reason_code": "door_held_open",
            "flag": "door_held_open",
            "held_open_s": 42.0,
            "alert": True,
        },
        occurred_at=AT.timestamp(),
    )
    (stored,) = outbox.pending()
    report = event_report(stored)
    assert report == {
        "idempotency_key": stored.idempotency_key,
        "door_id": str(DOOR),
        "occurred_at": "2026-03-01T00:30:00+00:00",
        "direction": "in",
        "credential_kind": "none",
        "outcome": "deny",
        "reason_code": "door_held_open",
        "person_id": None,
        "flag": "door_held_open",
        "liveness": None,
    }
    outbox.close()
