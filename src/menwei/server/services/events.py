"""Events: exactly-once ingest from gate devices, and filtered reads and exports for staff."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from menwei.core.passage import PassageEvent, passage_values
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import Forbidden, InvalidRequest
from menwei.server.metrics import ServerMetrics
from menwei.server.policy import reaches_door
from menwei.store.records import AccessEvent, EventFilter, EventPage
from menwei.store.repositories.events import events_csv, iter_events
from menwei.store.uow import UnitOfWork
from menwei.text import Message


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportedEvent(PassageEvent):
    """A passage event as a gate reports it, under the key the gate chose for it."""

    idempotency_key: str


@dataclass(frozen=True, slots=True)
class RefusedEvent:
    """One event of a batch that was not stored, and why (the others are stored regardless)."""

    idempotency_key: str
    code: str
    message_zh: str
    message_en: str


#: How far ahead of the server's clock a gate's clock may run before its events are refused: an
#: event "from 2099" would otherwise head every list and export for the rest of the century.
MAX_CLOCK_AHEAD = timedelta(minutes=5)
#: Older than this an event cannot have waited in a gate's outbox (which holds days, not
#: months, of passages): its date comes from a gate clock that was wrong, and says so.
MAX_EVENT_AGE = timedelta(days=90)
CLOCK_SUSPECT = "clock_suspect"


def _refused(key: str, code: str, message: Message) -> RefusedEvent:
    """An event not stored, saying why in both languages from the catalogue."""
    return RefusedEvent(key, code, message.render("zh-CN"), message.render("en"))


def occurred_in_future(key: str) -> RefusedEvent:
    minutes = int(MAX_CLOCK_AHEAD.total_seconds() // 60)
    return _refused(key, "occurred_in_future", Message.of("event_in_future", minutes=minutes))


def person_not_in_community(key: str) -> RefusedEvent:
    return _refused(key, "person_not_in_community", Message("event_person_elsewhere"))


@dataclass(frozen=True, slots=True)
class IngestReceipt:
    received: int
    stored: int
    refused: tuple[RefusedEvent, ...] = ()

    @property
    def duplicates(self) -> int:
        return self.received - self.stored - len(self.refused)


def _admitted(
    uow: UnitOfWork,
    reported: Sequence[ReportedEvent],
    community_id: uuid.UUID,
    device_id: uuid.UUID,
) -> tuple[tuple[RefusedEvent, ...], list[AccessEvent]]:
    """The events refused for naming a person of another community or a time still to come,
    and the rest as stored events (a person who no longer exists is left out of the event, not
    the event itself; one dated before any outbox could have held it is flagged)."""
    now = datetime.now(UTC)
    communities = uow.people.communities_of(e.person_id for e in reported if e.person_id)
    refused = tuple(
        occurred_in_future(e.idempotency_key)
        for e in reported
        if e.occurred_at > now + MAX_CLOCK_AHEAD
    ) + tuple(
        person_not_in_community(e.idempotency_key)
        for e in reported
        if e.occurred_at <= now + MAX_CLOCK_AHEAD
        and e.person_id in communities
        and communities[e.person_id] != community_id
    )
    turned_away = {r.idempotency_key for r in refused}
    events = [
        AccessEvent(
            **passage_values(e)
            | {
                "person_id": e.person_id if e.person_id in communities else None,
                "flag": e.flag or (CLOCK_SUSPECT if e.occurred_at < now - MAX_EVENT_AGE else None),
            },
            idempotency_key=e.idempotency_key,
            community_id=community_id,
            device_id=device_id,
        )
        for e in reported
        if e.idempotency_key not in turned_away
    ]
    return refused, events


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
    batch, so a stolen token of one gate cannot write history for another. An event naming a
    person of another community is refused on its own and named in the receipt; one naming a
    person who no longer exists (erased after the gate saw them) is kept without the name, as
    deleting a person leaves their stored events.
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
    with uow:
        refused, events = _admitted(uow, reported, community_id, principal.id)
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
    return IngestReceipt(len(reported), stored, refused)


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


def export_csv(uow: UnitOfWork, caller: Caller, wanted: EventFilter) -> Iterator[str]:
    """The matching events as CSV, read in short transactions of the unit of work's database
    while the client downloads (not in the request's one transaction, which would hold it)."""
    return events_csv(iter_events(uow.session_factory, wanted, caller.scope))


#: The credential kinds a passage chart shows, in the order the office reads them.
CHART_KINDS = ("card", "pin", "qr", "face")


@dataclass(frozen=True, slots=True)
class DayCounts:
    """One day's passages in the community's time zone: per hour and per credential kind,
    each as (allowed, refused)."""

    day: date
    hours: tuple[tuple[int, int], ...]
    kinds: dict[str, tuple[int, int]]

    @property
    def total(self) -> int:
        return sum(a + d for a, d in self.hours)


def day_edges(day: date, zone: ZoneInfo) -> list[datetime]:
    """The 25 instants bounding the 24 local hours of ``day`` (UTC-aware)."""
    start = datetime.combine(day, time(), zone)
    return [(start + timedelta(hours=h)).astimezone(UTC) for h in range(25)]


def day_counts(uow: UnitOfWork, caller: Caller, wanted: EventFilter, day: date) -> DayCounts:
    """The chart figures for ``day``: the filter's other fields apply, its time range does not."""
    assert caller.community_id is not None
    with uow:
        community = uow.places.community(caller.community_id, caller.scope)
        counted = uow.events.count_in_windows(
            replace(wanted, since=None, until=None),
            caller.scope,
            day_edges(day, ZoneInfo(community.timezone)),
        )
    hours = [[0, 0] for _ in range(24)]
    kinds = {kind: [0, 0] for kind in CHART_KINDS}
    for (hour, kind, outcome), n in counted.items():
        column = 0 if outcome == "allow" else 1
        if 0 <= hour < 24:
            hours[hour][column] += n
        kinds.setdefault(kind, [0, 0])[column] += n
    return DayCounts(
        day=day,
        hours=tuple((a, d) for a, d in hours),
        kinds={kind: (a, d) for kind, (a, d) in kinds.items()},
    )
