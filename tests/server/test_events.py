"""Event upload from gates (exactly once, own doors only) and event reads for staff."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

INGEST = "/api/v1/device/events"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _event(door_id: uuid.UUID, n: int, **extra: object) -> dict[str, object]:
    return {
        "idempotency_key": f"gate-a:{n:08d}",
        "door_id": str(door_id),
        "occurred_at": (T0 + timedelta(seconds=n)).isoformat(),
        "direction": "in",
        "credential_kind": "card",
        "outcome": "allow" if n % 3 else "deny",
        "reason_code": "granted" if n % 3 else "expired",
        **extra,
    }


def test_a_batch_is_stored_once_even_when_sent_twice(client, world) -> None:  # type: ignore[no-untyped-def]
    batch = {"events": [_event(world.a.gate_id, n) for n in range(100)]}
    first = client.post(INGEST, json=batch, headers=world.auth("device_a"))
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 100, "stored": 100, "duplicates": 0, "refused": []}
    again = client.post(INGEST, json=batch, headers=world.auth("device_a"))
    assert again.json() == {"received": 100, "stored": 0, "duplicates": 100, "refused": []}
    page = client.get(
        f"/api/v1/communities/{world.a.community_id}/events?with_total=true&limit=10",
        headers=world.auth("community_staff"),
    ).json()
    assert page["total"] == 100


def test_an_overlapping_retry_stores_only_the_new_events_and_counts_them_once(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    client.post(
        INGEST,
        json={"events": [_event(world.a.gate_id, n) for n in range(0, 10)]},
        headers=world.auth("device_a"),
    )
    overlap = client.post(
        INGEST,
        json={"events": [_event(world.a.gate_id, n) for n in range(5, 15)]},
        headers=world.auth("device_a"),
    )
    assert overlap.json() == {"received": 10, "stored": 5, "duplicates": 5, "refused": []}
    metrics = client.get("/metrics").text
    allowed = sum(1 for n in range(15) if n % 3)
    assert f'menwei_decisions_total{{outcome="allow"}} {float(allowed)}' in metrics
    assert f'menwei_decisions_total{{outcome="deny"}} {float(15 - allowed)}' in metrics


def test_a_device_cannot_report_for_a_door_it_does_not_serve(client, world) -> None:  # type: ignore[no-untyped-def]
    batch = {
        "events": [_event(world.a.gate_id, 1), _event(world.a.unit_door_id, 2)],
    }
    response = client.post(INGEST, json=batch, headers=world.auth("device_a"))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "device_door_forbidden"
    assert error["details"]["door_ids"] == [str(world.a.unit_door_id)]
    other_tenant = client.post(
        INGEST, json={"events": [_event(world.b.gate_id, 3)]}, headers=world.auth("device_a")
    )
    assert other_tenant.status_code == 403
    page = client.get(
        f"/api/v1/communities/{world.a.community_id}/events",
        headers=world.auth("community_staff"),
    ).json()
    assert page["items"] == []


def test_a_revoked_device_token_opens_nothing(client, world) -> None:  # type: ignore[no-untyped-def]
    revoke = client.post(
        f"/api/v1/communities/{world.a.community_id}/devices/{world.a.device_id}/revoke",
        headers=world.auth("community_staff"),
    )
    assert revoke.status_code == 200
    assert revoke.json()["revoked_at"] is not None
    response = client.post(
        INGEST, json={"events": [_event(world.a.gate_id, 1)]}, headers=world.auth("device_a")
    )
    assert response.status_code == 401


def test_an_event_carrying_a_score_or_an_image_field_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    event = _event(world.a.gate_id, 1)
    response = client.post(
        INGEST,
        json={"events": [{**event, "score": 0.91}]},
        headers=world.auth("device_a"),
    )
    # Unknown fields are ignored, never stored: the stored event has no such column.
    assert response.status_code == 200
    stored = client.get(
        f"/api/v1/communities/{world.a.community_id}/events",
        headers=world.auth("community_staff"),
    ).json()["items"][0]
    assert "score" not in stored


def test_a_bad_event_in_a_batch_names_its_position_and_field(client, world) -> None:  # type: ignore[no-untyped-def]
    batch = {"events": [_event(world.a.gate_id, 1), _event(world.a.gate_id, 2, outcome="maybe")]}
    response = client.post(INGEST, json=batch, headers=world.auth("device_a"))
    assert response.status_code == 422
    fields = [f["field"] for f in response.json()["error"]["details"]["fields"]]
    assert fields == ["events.1.outcome"]


def test_an_oversized_batch_is_refused_whole(client, world, app) -> None:  # type: ignore[no-untyped-def]
    limit = app.state.settings.max_ingest_batch
    batch = {"events": [_event(world.a.gate_id, n) for n in range(limit + 1)]}
    response = client.post(INGEST, json=batch, headers=world.auth("device_a"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_events_page_newest_first_with_a_cursor(client, world) -> None:  # type: ignore[no-untyped-def]
    client.post(
        INGEST,
        json={"events": [_event(world.a.gate_id, n) for n in range(25)]},
        headers=world.auth("device_a"),
    )
    base = f"/api/v1/communities/{world.a.community_id}/events"
    seen: list[str] = []
    cursor = None
    while True:
        query = "?limit=10&outcome=allow" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(base + query, headers=world.auth("community_staff")).json()
        seen += [e["occurred_at"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == sum(1 for n in range(25) if n % 3)
    assert seen == sorted(seen, reverse=True)


def test_a_forged_cursor_is_a_clear_error(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        f"/api/v1/communities/{world.a.community_id}/events?cursor=garbage",
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_page_key"


def test_events_export_as_csv_for_the_filtered_range(client, world) -> None:  # type: ignore[no-untyped-def]
    client.post(
        INGEST,
        json={"events": [_event(world.a.gate_id, n) for n in range(6)]},
        headers=world.auth("device_a"),
    )
    response = client.get(
        f"/api/v1/communities/{world.a.community_id}/events.csv?outcome=deny",
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2
    assert {row["reason_code"] for row in rows} == {"expired"}


def test_a_supervisor_sees_counts_but_never_the_events(client, world) -> None:  # type: ignore[no-untyped-def]
    client.post(
        INGEST,
        json={"events": [_event(world.a.gate_id, n) for n in range(6)]},
        headers=world.auth("device_a"),
    )
    stats = client.get(
        f"/api/v1/communities/{world.a.community_id}/stats", headers=world.auth("supervisor")
    )
    assert stats.status_code == 200
    assert stats.json()["events_allowed"] == 4
    assert stats.json()["events_denied"] == 2
    events = client.get(
        f"/api/v1/communities/{world.a.community_id}/events", headers=world.auth("supervisor")
    )
    assert events.status_code == 403
    people = client.get(
        f"/api/v1/communities/{world.a.community_id}/people", headers=world.auth("supervisor")
    )
    assert people.status_code == 403


def test_the_apis_event_shapes_are_the_passage_event_and_its_envelopes() -> None:
    """A field added to the passage event and forgotten in the API would be lost on the way."""
    from menwei.core.passage import PASSAGE_FIELDS
    from menwei.server.routers.events import EventPublic, EventReport
    from menwei.server.services.events import ReportedEvent

    assert set(EventReport.model_fields) == {*PASSAGE_FIELDS, "idempotency_key"}
    assert set(EventPublic.model_fields) == {*PASSAGE_FIELDS, "id", "device_id", "received_at"}
    assert set(ReportedEvent.__dataclass_fields__) == set(EventReport.model_fields)
