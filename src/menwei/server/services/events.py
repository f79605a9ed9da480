"""Events: exactly-once ingest from gate devices, and filtered reads and exports for staff."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from menwei.server.deps import Caller
from menwei.server.errors import Forbidden, InvalidRequest
from menwei.server.metrics import ServerMetrics
from menwei.server.policy import reaches_door
from menwei.store.records import AccessEvent, EventFilter, EventPage
from menwei.store.repositories.events import events_csv, iter_events
from menwei.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportedEvent:
    """One decision as a gate reports it: no image, no score, ever."""

    idempotency_key: str
    door_id: uuid.UUID
    occurred_at: datetime
    direction: str
    credential_kind: str
    outcome: str
    reason_code: str
    person_id: uuid.UUID | None = None
    flag: str | None = None
    liveness: str | None = None


@dataclass(frozen=True, slots=True)
class IngestReceipt:
    received: int
    stored: int

    @property
    def duplicates(self) -> int:
        return self.received - self.stored


def ingest(
    uow: UnitOfWork,
    caller: Caller,
    reported: Sequence[ReportedEvent],
    metrics: ServerMetrics,
    *,
    max_batch: int,
) -> IngestReceipt:
    """Store a device's batch exactly once: a re-sent or overlapping batch stores nothing twice.

    Every event must be for one of the device's own doors; one foreign door refuses the whole
    batch, so a stolen token of one gate cannot write history for another.
    """
    if len(reported) > max_batch:
        raise InvalidRequest(reason=f"batch of {len(reported)} events; at most {max_batch}")
    principal = caller.principal
    if principal.kind != "device" or len(principal.community_ids) != 1:
        raise Forbidden()
    foreign = sorted({str(e.door_id) for e in reported if not reaches_door(principal, e.door_id)})
    if foreign:
        raise Forbidden(code="device_door_forbidden", details={"door_ids": foreign})
    (community_id,) = principal.community_ids
    events = [
        AccessEvent(
            idempotency_key=e.idempotency_key,
            community_id=community_id,
            door_id=e.door_id,
            device_id=principal.id,
            occurred_at=e.occurred_at,
            direction=e.direction,
            credential_kind=e.credential_kind,
            outcome=e.outcome,
            reason_code=e.reason_code,
            person_id=e.person_id,
            flag=e.flag,
            liveness=e.liveness,
        )
        for e in reported
    ]
    with uow:
        stored = uow.events.add_many(events)
        if 0 < stored < len(events):
            # An overlapping retry: find which ones were new so the metrics count each once.
            uow.rollback()
            fresh = [
                e for e in events if uow.events.by_key(e.idempotency_key, caller.scope) is None
            ]
            stored = uow.events.add_many(fresh)
        else:
            fresh = events if stored else []
        uow.devices.seen(principal.id, datetime.now(UTC))
        uow.commit()
    for event in fresh:
        metrics.decisions.labels(event.outcome).inc()
    metrics.events_ingested.inc(stored)
    return IngestReceipt(len(events), stored)


def page(
    uow: UnitOfWork,
    caller: Caller,
    wanted: EventFilter,
    *,
    limit: int,
    cursor: str | None,
    with_total: bool,
) -> EventPage:
    with uow:
        return uow.events.page(
            wanted, caller.scope, limit=limit, after=cursor, with_total=with_total
        )


def export_csv(
    session_factory: sessionmaker[Session], caller: Caller, wanted: EventFilter
) -> Iterator[str]:
    """The matching events as CSV, read in short transactions while the client downloads."""
    return events_csv(iter_events(session_factory, wanted, caller.scope))
