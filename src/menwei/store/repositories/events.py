"""Access events: idempotent batch insert, filtered and paged reads, streamed CSV export."""

from __future__ import annotations

import base64
import csv
import io
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from menwei.core.passage import CREDENTIAL_KINDS, DIRECTIONS, LIVENESS_VERDICTS, OUTCOMES
from menwei.sheets.cells import defuse
from menwei.store.errors import StoreError
from menwei.store.records import AccessEvent, EventFilter, EventPage
from menwei.store.repositories.event_insert import COLUMNS, insert_events
from menwei.store.scope import CommunityScope
from menwei.store.tables import DoorRow, EventRow
from menwei.text import Message

MAX_PAGE_SIZE = 1000
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "community_id",
    "door_id",
    "device_id",
    "direction",
    "credential_kind",
    "person_id",
    "outcome",
    "reason_code",
    "flag",
    "liveness",
)
#: the event's own fields, in the insert's column order; ``received_at`` is stamped by the store
_FIELDS = tuple(name for name in COLUMNS if name != "received_at")


class InvalidEvent(StoreError):
    """An uploaded event cannot be stored as it is; ``field`` names what is wrong."""

    code = "invalid_event"

    def __init__(self, idempotency_key: str, field: str, problem: str, **values: object) -> None:
        """``problem`` is the message id of what is wrong; ``values`` fill its placeholders."""
        key = _printable(idempotency_key)
        super().__init__(
            values={"problem": Message(problem, values)}, idempotency_key=key, field=field
        )


def _printable(text: object) -> str:
    """Enough of a value to recognise it in a message, without control characters."""
    return "".join(ch for ch in str(text)[:60] if ch.isprintable())


_TEXT_LIMITS = {"idempotency_key": 100, "reason_code": 50, "flag": 40}


def check_event(event: AccessEvent) -> None:
    """Refuse what the database would refuse, with a message instead of a constraint error."""
    key = event.idempotency_key
    if not isinstance(key, str) or not key or not key.isprintable():
        raise InvalidEvent(str(key), "idempotency_key", "invalid_event.not_printable")
    for name, limit in _TEXT_LIMITS.items():
        value = getattr(event, name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise InvalidEvent(key, name, "invalid_event.too_long", limit=limit)
    if not event.reason_code:
        raise InvalidEvent(key, "reason_code", "invalid_event.empty")
    choices = (
        ("outcome", OUTCOMES, event.outcome),
        ("direction", DIRECTIONS, event.direction),
        ("credential_kind", CREDENTIAL_KINDS, event.credential_kind),
    )
    for name, allowed, value in choices:
        if value not in allowed:
            listed = ", ".join(sorted(allowed))
            raise InvalidEvent(key, name, "invalid_event.not_a_choice", listed=listed)
    if event.liveness is not None and event.liveness not in LIVENESS_VERDICTS:
        listed = ", ".join(sorted(LIVENESS_VERDICTS))
        raise InvalidEvent(key, "liveness", "invalid_event.not_a_choice_or_empty", listed=listed)
    if not isinstance(event.occurred_at, datetime) or event.occurred_at.utcoffset() is None:
        raise InvalidEvent(key, "occurred_at", "invalid_event.no_time_zone")


class UnknownReference(StoreError):
    """A batch names a community, door, device or person the server does not know."""

    code = "unknown_reference"

    def __init__(self) -> None:
        super().__init__()


class InvalidPageKey(StoreError):
    """A paging key was not one this server handed out."""

    code = "invalid_page_key"

    def __init__(self) -> None:
        super().__init__()


def encode_page_key(occurred_at: datetime, event_id: int) -> str:
    raw = f"{occurred_at.isoformat()}|{event_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_key(key: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode()
        when, _, number = raw.partition("|")
        occurred_at = datetime.fromisoformat(when)
        if occurred_at.utcoffset() is None:
            raise ValueError(when)
        return occurred_at, int(number)
    except (ValueError, UnicodeDecodeError):
        raise InvalidPageKey() from None


#: what a stored event holds: the passage event's fields and the store's envelope
_STORED = tuple(field.name for field in fields(AccessEvent))


def _to_event(row: Any) -> AccessEvent:
    return AccessEvent(**{name: getattr(row, name) for name in _STORED})


def _conditions(wanted: EventFilter, scope: CommunityScope) -> list[ColumnElement[bool]]:
    conditions = [scope.clause(EventRow.community_id)]
    if wanted.community_id is not None:
        conditions.append(EventRow.community_id == wanted.community_id)
    if wanted.door_id is not None:
        conditions.append(EventRow.door_id == wanted.door_id)
    if wanted.person_id is not None:
        conditions.append(EventRow.person_id == wanted.person_id)
    if wanted.outcome is not None:
        conditions.append(EventRow.outcome == wanted.outcome)
    if wanted.credential_kind is not None:
        conditions.append(EventRow.credential_kind == wanted.credential_kind)
    if wanted.liveness is not None:
        conditions.append(EventRow.liveness == wanted.liveness)
    if wanted.flag is not None:
        conditions.append(EventRow.flag == wanted.flag)
    if wanted.since is not None:
        conditions.append(EventRow.occurred_at >= wanted.since)
    if wanted.until is not None:
        conditions.append(EventRow.occurred_at < wanted.until)
    return conditions


def _before(occurred_at: datetime, event_id: int) -> ColumnElement[bool]:
    return or_(
        EventRow.occurred_at < occurred_at,
        and_(EventRow.occurred_at == occurred_at, EventRow.id < event_id),
    )


class EventRepository:
    """Events of the communities in the caller's scope, newest first."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, events: Sequence[AccessEvent]) -> int:
        """Store events not stored before; returns how many were new.

        One ``INSERT … ON CONFLICT (idempotency_key) DO NOTHING`` for the whole batch, so a
        batch re-sent after a crash, or overlapping an earlier one, inserts nothing twice.
        """
        if not events:
            return 0
        for event in events:
            check_event(event)
        self._check_doors_belong_to_their_communities(events)
        values = [[getattr(event, name) for name in _FIELDS] + [None] for event in events]
        try:
            return len(insert_events(self._session.connection(), values))
        except IntegrityError:
            # the transaction is spoilt; leaving the unit of work rolls the batch back whole
            raise UnknownReference() from None

    def _check_doors_belong_to_their_communities(self, events: Sequence[AccessEvent]) -> None:
        """An event of community A at a door of community B would leak across tenants."""
        claimed = {(event.door_id, event.community_id) for event in events}
        doors = dict(
            self._session.execute(
                select(DoorRow.id, DoorRow.community_id).where(
                    DoorRow.id.in_(sorted({door_id for door_id, _ in claimed}))
                )
            ).all()
        )
        if any(doors.get(door_id) != community_id for door_id, community_id in claimed):
            raise UnknownReference()

    def add(self, event: AccessEvent) -> bool:
        """Store one event; ``False`` when it was already stored."""
        return self.add_many([event]) == 1

    def _select(self, wanted: EventFilter, scope: CommunityScope) -> Select[Any]:
        return select(EventRow).where(*_conditions(wanted, scope))

    def page(
        self,
        wanted: EventFilter,
        scope: CommunityScope,
        *,
        limit: int = 100,
        after: str | None = None,
        offset: int | None = None,
        with_total: bool = False,
    ) -> EventPage:
        """One page, newest first: by keyset (``after`` = the previous ``next_key``) or offset."""
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        query = self._select(wanted, scope)
        if after is not None:
            query = query.where(_before(*decode_page_key(after)))
        query = query.order_by(EventRow.occurred_at.desc(), EventRow.id.desc()).limit(limit + 1)
        if offset:
            query = query.offset(max(0, offset))
        rows = self._session.scalars(query).all()
        events = tuple(_to_event(row) for row in rows[:limit])
        next_key = None
        if len(rows) > limit:
            last = events[-1]
            assert last.id is not None
            next_key = encode_page_key(last.occurred_at, last.id)
        total = self.count(wanted, scope) if with_total else None
        return EventPage(events, next_key, total)

    def count(self, wanted: EventFilter, scope: CommunityScope) -> int:
        query = select(func.count()).select_from(EventRow).where(*_conditions(wanted, scope))
        return int(self._session.scalar(query) or 0)

    def count_by_outcome(self, wanted: EventFilter, scope: CommunityScope) -> dict[str, int]:
        """Aggregates without personal data, e.g. for a supervisor's overview."""
        query = (
            select(EventRow.outcome, func.count())
            .where(*_conditions(wanted, scope))
            .group_by(EventRow.outcome)
        )
        return {outcome: int(n) for outcome, n in self._session.execute(query).all()}

    def count_in_windows(
        self, wanted: EventFilter, scope: CommunityScope, edges: Sequence[datetime]
    ) -> dict[tuple[int, str, str], int]:
        """Counts per (window, credential kind, outcome), window ``i`` from ``edges[i]`` to
        ``edges[i + 1]``: e.g. the 24 hours of a day in the community's own time zone.

        Aggregated in SQL with one ``CASE`` over the edges, so it reads the same on SQLite and
        PostgreSQL whatever the time zone; events outside the edges are not counted.
        """
        if len(edges) < 2:
            return {}
        window = case(
            *(
                (EventRow.occurred_at < edge, index - 1)
                for index, edge in enumerate(edges)
                if index
            ),
            else_=-1,
        )
        # Labelled in a subquery and grouped outside it: PostgreSQL binds the edges as
        # parameters, and would not see a repeated CASE in GROUP BY as the same expression.
        labelled = (
            select(
                window.label("slot"),
                EventRow.credential_kind.label("kind"),
                EventRow.outcome.label("outcome"),
            )
            .where(
                *_conditions(wanted, scope),
                EventRow.occurred_at >= edges[0],
                EventRow.occurred_at < edges[-1],
            )
            .subquery()
        )
        query = select(labelled.c.slot, labelled.c.kind, labelled.c.outcome, func.count()).group_by(
            labelled.c.slot, labelled.c.kind, labelled.c.outcome
        )
        return {
            (int(index), kind, outcome): int(n)
            for index, kind, outcome, n in self._session.execute(query).all()
        }

    def by_key(self, idempotency_key: str, scope: CommunityScope) -> AccessEvent | None:
        row = self._session.scalar(
            select(EventRow).where(
                EventRow.idempotency_key == idempotency_key, scope.clause(EventRow.community_id)
            )
        )
        return None if row is None else _to_event(row)

    def delete_before(self, community_id: uuid.UUID, before: datetime) -> int:
        """Retention: drop a community's events older than ``before``; returns how many."""
        result = self._session.execute(
            delete(EventRow).where(
                EventRow.community_id == community_id, EventRow.occurred_at < before
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


def iter_events(
    open_session: Callable[[], Session],
    wanted: EventFilter,
    scope: CommunityScope,
    *,
    chunk: int = 1000,
) -> Iterator[AccessEvent]:
    """Every matching event, newest first, read in keyset chunks of short transactions.

    No transaction stays open while a slow client downloads an export.
    """
    after: str | None = None
    while True:
        with open_session() as session:
            page = EventRepository(session).page(wanted, scope, limit=chunk, after=after)
        yield from page.events
        if page.next_key is None:
            return
        after = page.next_key


def events_csv(events: Iterable[AccessEvent]) -> Iterator[str]:
    """CSV text, one chunk per line, header first; safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for event in events:
        values = [getattr(event, name) for name in CSV_COLUMNS]
        writer.writerow(
            [
                "" if v is None else defuse(v.isoformat() if isinstance(v, datetime) else str(v))
                for v in values
            ]
        )
        yield flush()
