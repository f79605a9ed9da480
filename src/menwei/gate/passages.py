"""Passage events in the gate's outbox: written by the pipeline and the controller bridge,
read back by sync in the server's event-report shape.

An outbox body is the event's JSON without its time (the outbox keeps that in its own column),
plus the gate's device id and whatever the kind adds (an alarm's counts, the controller's event
index). A body written by an older gate may lack the direction or name no credential kind;
reading it back fills in what the server expects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from menwei.core.direction import Direction
from menwei.core.passage import NO_CREDENTIAL, PassageEvent
from menwei.gate.outbox import Outbox, OutboxEvent


def outbox_body(event: PassageEvent, device_id: str, **extra: Any) -> dict[str, Any]:
    """What the outbox stores of ``event``: its fields but the time, the device, ``extra``."""
    body: dict[str, Any] = event.to_json()
    del body["occurred_at"]
    return {**body, "device_id": device_id, **extra}


def record(outbox: Outbox, kind: str, event: PassageEvent, device_id: str, **extra: Any) -> str:
    """Store ``event`` durably under a new key; returns the key (after the fsync)."""
    body = outbox_body(event, device_id, **extra)
    return outbox.add(kind, body, occurred_at=event.occurred_at.timestamp())


def record_once(
    outbox: Outbox, key: str, kind: str, event: PassageEvent, device_id: str, **extra: Any
) -> bool:
    """Store ``event`` under a key its source chose; ``False`` when that key is already here."""
    body = outbox_body(event, device_id, **extra)
    return outbox.add_keyed(key, kind, body, occurred_at=event.occurred_at.timestamp())


def read_back(event: OutboxEvent) -> PassageEvent:
    """The passage event an outbox entry holds; ``KeyError``/``ValueError`` when malformed."""
    body = event.body
    return PassageEvent.from_json(
        {
            **body,
            "occurred_at": datetime.fromtimestamp(event.occurred_at, UTC).isoformat(),
            "direction": body.get("direction") or Direction.IN.value,
            "credential_kind": body.get("credential_kind") or NO_CREDENTIAL,
        }
    )


def event_report(event: OutboxEvent) -> dict[str, Any]:
    """An outbox entry in the server's event-report shape. Never a score, never an image."""
    return {"idempotency_key": event.idempotency_key, **read_back(event).to_json()}
