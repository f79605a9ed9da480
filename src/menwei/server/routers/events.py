"""Events: filtered pages and CSV export for staff; batched, exactly-once upload for devices."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime, BaseModel, Field

from menwei.core import CredentialKind, Direction
from menwei.server.deps import Caller, InCommunity, Permit, SettingsDep, UowDep
from menwei.server.errors import request_locale
from menwei.server.pagination import CursorPage
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel, ResponseModel
from menwei.server.services import events
from menwei.store.records import AccessEvent, EventFilter

router = APIRouter(prefix=API_PREFIX, tags=["events"])

EventsRead = Annotated[Caller, Depends(InCommunity("events:read"))]
EventsExport = Annotated[Caller, Depends(InCommunity("events:export"))]
EventsIngest = Annotated[Caller, Depends(Permit("events:ingest"))]

Outcome = Literal["allow", "deny"]
Liveness = Literal["pass", "fail", "not_checked"]


class EventPublic(ResponseModel):
    """A stored event as staff read it: the passage event's fields (``core.passage``), the
    device that uploaded it and the store's id and time of receipt; never its key."""

    id: int | None
    occurred_at: datetime
    door_id: uuid.UUID
    device_id: uuid.UUID | None
    direction: str
    credential_kind: str
    person_id: uuid.UUID | None
    outcome: str
    reason_code: str
    flag: str | None
    liveness: str | None
    received_at: datetime | None


class EventReport(ApiModel):
    """A passage event (``core.passage``) as a gate uploads it, under the key it chose."""

    idempotency_key: Annotated[str, Field(min_length=8, max_length=100, pattern=r"^[\w.:\-]+$")]
    door_id: uuid.UUID
    occurred_at: AwareDatetime
    direction: Direction
    credential_kind: CredentialKind | Literal["none"]
    outcome: Outcome
    reason_code: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z_]+$")]
    person_id: uuid.UUID | None = None
    flag: Annotated[str | None, Field(max_length=40, pattern=r"^[a-z_]+$")] = None
    liveness: Liveness | None = Field(
        default=None, description="The gate's presentation-attack verdict for a face decision."
    )


class EventBatch(ApiModel):
    #: The server's own batch limit (``max_ingest_batch``) is smaller and says so by name.
    events: Annotated[list[EventReport], Field(min_length=1, max_length=10_000)]


class RefusedEventPublic(BaseModel):
    idempotency_key: str
    code: str
    message: str


class IngestReceiptPublic(BaseModel):
    received: int
    stored: int
    duplicates: int
    refused: list[RefusedEventPublic] = Field(
        default=[], description="Events not stored, each with the reason; the rest are stored."
    )


def event_public(e: AccessEvent) -> EventPublic:
    return EventPublic.model_validate(e)


class EventQuery(ApiModel):
    door_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    outcome: Outcome | None = None
    credential_kind: CredentialKind | None = None
    liveness: Liveness | None = None
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None


def _filter(caller: Caller, query: EventQuery) -> EventFilter:
    return EventFilter(
        community_id=caller.community_id,
        door_id=query.door_id,
        person_id=query.person_id,
        outcome=query.outcome,
        credential_kind=query.credential_kind.value if query.credential_kind else None,
        liveness=query.liveness,
        since=query.since,
        until=query.until,
    )


@router.get("/communities/{community_id}/events")
def list_events(
    caller: EventsRead,
    uow: UowDep,
    query: Annotated[EventQuery, Query()],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    with_total: bool = False,
) -> CursorPage[EventPublic]:
    """Newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
    found = events.page(
        uow, caller, _filter(caller, query), limit=limit, cursor=cursor, with_total=with_total
    )
    return CursorPage[EventPublic](
        items=[event_public(e) for e in found.events],
        next_cursor=found.next_key,
        total=found.total,
    )


@router.get("/communities/{community_id}/events.csv")
def export_events(
    caller: EventsExport, query: Annotated[EventQuery, Query()], uow: UowDep
) -> StreamingResponse:
    rows = events.export_csv(uow, caller, _filter(caller, query))
    return StreamingResponse(
        rows,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="events.csv"'},
    )


@router.post("/device/events")
def ingest_events(
    batch: EventBatch, request: Request, caller: EventsIngest, uow: UowDep, settings: SettingsDep
) -> IngestReceiptPublic:
    """A gate's upload. Re-sending a batch (or part of one) is safe: each event is kept once."""
    reported = [events.ReportedEvent(**e.model_dump()) for e in batch.events]
    receipt = events.ingest(
        uow, caller, reported, request.app.state.metrics, max_batch=settings.max_ingest_batch
    )
    english = request_locale(request) == "en"
    return IngestReceiptPublic(
        received=receipt.received,
        stored=receipt.stored,
        duplicates=receipt.duplicates,
        refused=[
            RefusedEventPublic(
                idempotency_key=r.idempotency_key,
                code=r.code,
                message=r.message_en if english else r.message_zh,
            )
            for r in receipt.refused
        ],
    )
