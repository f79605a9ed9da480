"""Events: one per decision, stored once however often a batch is re-sent, found by filter."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from tests.store.builders import T0, Site, make_site

from menwei.store.errors import StoreError
from menwei.store.records import AccessEvent, EventFilter
from menwei.store.repositories.events import events_csv, iter_events
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

EVERYTHING = CommunityScope.all()


def _event(site: Site, n: int, **overrides: object) -> AccessEvent:
    values: dict[str, object] = {
        "idempotency_key": f"{site.community.id}-{n}",
        "community_id": site.community.id,
        "door_id": site.gate.id,
        "occurred_at": T0 + timedelta(seconds=n),
        "direction": "in",
        "credential_kind": "card",
        "outcome": "allow",
        "reason_code": "granted",
        "person_id": site.owner.id,
    }
    values.update(overrides)
    return AccessEvent(**values)  # type: ignore[arg-type]


def test_a_resent_batch_inserts_nothing_twice(uow: UnitOfWork) -> None:
    site = make_site(uow)
    batch = [_event(site, n) for n in range(100)]
    with uow:
        assert uow.events.add_many(batch) == 100
        uow.commit()
    with uow:
        assert uow.events.add_many(batch) == 0
        assert uow.events.add_many([*batch[50:], _event(site, 100)]) == 1
        uow.commit()
    with uow:
        assert uow.events.count(EventFilter(), EVERYTHING) == 101


def test_a_batch_repeating_a_key_within_itself_stores_it_once(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow:
        assert uow.events.add_many([_event(site, 1), _event(site, 1)]) == 1


def test_an_unknown_face_is_stored_as_nothing_but_a_denial(uow: UnitOfWork) -> None:
    site = make_site(uow)
    unknown = _event(
        site, 1, credential_kind="face", outcome="deny", reason_code="unknown_face", person_id=None
    )
    with uow:
        uow.events.add(unknown)
        uow.commit()
    inspector = sa.inspect(uow.session_factory.kw["bind"])
    columns = {column["name"] for column in inspector.get_columns("events")}
    assert not columns & {"image", "score", "template", "embedding", "photo"}
    with uow:
        stored = uow.events.by_key(unknown.idempotency_key, EVERYTHING)
    assert stored is not None
    assert (stored.person_id, stored.outcome, stored.reason_code) == (None, "deny", "unknown_face")


def test_filters_combine_and_stay_inside_the_scope(uow: UnitOfWork) -> None:
    mine, theirs = make_site(uow, "太阳国际公寓"), make_site(uow, "武陵花园")
    events = [
        _event(mine, 1),
        _event(mine, 2, outcome="deny", reason_code="expired"),
        _event(mine, 3, door_id=mine.unit_door.id, credential_kind="pin"),
        _event(
            mine,
            4,
            person_id=None,
            credential_kind="face",
            outcome="deny",
            reason_code="unknown_face",
        ),
        _event(theirs, 5),
    ]
    scope = CommunityScope.of([mine.community.id])
    with uow:
        uow.events.add_many(events)
        uow.commit()
    with uow:
        find = uow.events.page
        assert len(find(EventFilter(), scope).events) == 4
        reasons = [e.reason_code for e in find(EventFilter(outcome="deny"), scope).events]
        assert sorted(reasons) == ["expired", "unknown_face"]
        denied = find(EventFilter(outcome="deny", credential_kind="face"), scope).events
        assert [e.idempotency_key for e in denied] == [events[3].idempotency_key]
        by_door = find(EventFilter(door_id=mine.unit_door.id), scope).events
        assert [e.credential_kind for e in by_door] == ["pin"]
        window = EventFilter(since=T0 + timedelta(seconds=2), until=T0 + timedelta(seconds=4))
        assert [e.idempotency_key for e in find(window, scope).events] == [
            events[2].idempotency_key,
            events[1].idempotency_key,
        ]
        other = EventFilter(community_id=theirs.community.id)
        assert find(other, scope).events == ()
        assert uow.events.count(EventFilter(person_id=mine.owner.id), scope) == 3


def test_keyset_pages_cover_every_event_once_newest_first(uow: UnitOfWork) -> None:
    site = make_site(uow)
    # several events share a timestamp, which is where naive paging loses rows
    batch = [_event(site, n, occurred_at=T0 + timedelta(seconds=n // 3)) for n in range(25)]
    with uow:
        uow.events.add_many(batch)
        uow.commit()
    seen: list[AccessEvent] = []
    after = None
    with uow:
        while True:
            page = uow.events.page(EventFilter(), EVERYTHING, limit=7, after=after)
            seen.extend(page.events)
            if page.next_key is None:
                break
            after = page.next_key
    assert len(seen) == 25
    assert len({e.idempotency_key for e in seen}) == 25
    times = [e.occurred_at for e in seen]
    assert times == sorted(times, reverse=True)


def test_offset_pages_report_the_total(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow:
        uow.events.add_many([_event(site, n) for n in range(12)])
        uow.commit()
    with uow:
        page = uow.events.page(EventFilter(), EVERYTHING, limit=5, offset=10, with_total=True)
    assert page.total == 12
    assert len(page.events) == 2
    assert page.next_key is None


def test_a_forged_page_key_is_refused_with_a_message(uow: UnitOfWork) -> None:
    with uow, pytest.raises(StoreError) as refused:
        uow.events.page(EventFilter(), EVERYTHING, after="bm90LWEta2V5")
    assert refused.value.code == "invalid_page_key"
    assert "第一页" in refused.value.message()


def test_a_naive_time_is_refused_rather_than_guessed(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow, pytest.raises(StoreError) as refused:
        uow.events.add(_event(site, 1, occurred_at=T0.replace(tzinfo=None)))
    assert refused.value.code == "invalid_event"


def test_times_come_back_in_utc_with_their_zone(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow:
        uow.events.add(_event(site, 1))
        uow.commit()
    with uow:
        (event,) = uow.events.page(EventFilter(), EVERYTHING).events
    assert event.occurred_at == T0 + timedelta(seconds=1)
    assert event.occurred_at.utcoffset() == timedelta(0)


def test_the_csv_export_streams_every_event_in_short_transactions(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow:
        uow.events.add_many([_event(site, n) for n in range(30)])
        uow.commit()
    chunks = list(events_csv(iter_events(uow.session_factory, EventFilter(), EVERYTHING, chunk=8)))
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert len(chunks) == 31
    assert len(rows) == 30
    assert rows[0]["occurred_at"] == (T0 + timedelta(seconds=29)).isoformat()
    assert {row["person_id"] for row in rows} == {str(site.owner.id)}


def test_the_csv_export_defuses_spreadsheet_formulas() -> None:
    hostile = AccessEvent(
        idempotency_key="k",
        community_id=uuid.uuid4(),
        door_id=uuid.uuid4(),
        occurred_at=T0,
        direction="in",
        credential_kind="card",
        outcome="deny",
        reason_code="=cmd|' /C calc'!A0",
    )
    text = "".join(events_csv([hostile]))
    assert "'=cmd" in text
    assert ",=cmd" not in text


def test_outcome_counts_carry_no_personal_data(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow:
        uow.events.add_many(
            [_event(site, 1), _event(site, 2), _event(site, 3, outcome="deny", reason_code="x")]
        )
        uow.commit()
    with uow:
        assert uow.events.count_by_outcome(EventFilter(), EVERYTHING) == {"allow": 2, "deny": 1}


def test_the_batch_path_writes_values_exactly_as_the_orm_does(uow: UnitOfWork) -> None:
    from menwei.store.tables import EventRow

    site = make_site(uow)
    on_the_second = T0 + timedelta(seconds=5)  # no microseconds: where text formats differ
    with uow:
        uow.events.add(_event(site, 1, occurred_at=on_the_second))
        uow.session.add(
            EventRow(
                idempotency_key="orm",
                community_id=site.community.id,
                door_id=site.gate.id,
                occurred_at=on_the_second,
                direction="in",
                credential_kind="card",
                person_id=site.owner.id,
                outcome="allow",
                reason_code="granted",
            )
        )
        uow.commit()
    with uow:
        same_time = uow.session.scalars(
            sa.select(EventRow.idempotency_key).where(EventRow.occurred_at == on_the_second)
        ).all()
        same_person = uow.events.count(EventFilter(person_id=site.owner.id), EVERYTHING)
    assert sorted(same_time) == sorted(["orm", f"{site.community.id}-1"])
    assert same_person == 2


def test_retention_drops_only_the_old_events_of_one_community(uow: UnitOfWork) -> None:
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    with uow:
        uow.events.add_many([_event(mine, n) for n in range(10)] + [_event(theirs, 1)])
        uow.commit()
    with uow:
        assert uow.events.delete_before(mine.community.id, T0 + timedelta(seconds=4)) == 4
        uow.commit()
    with uow:
        assert uow.events.count(EventFilter(community_id=mine.community.id), EVERYTHING) == 6
        assert uow.events.count(EventFilter(community_id=theirs.community.id), EVERYTHING) == 1


def test_deleting_a_person_keeps_their_events_without_a_name(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow:
        uow.events.add(_event(site, 1))
        uow.commit()
    with uow:
        uow.people.delete(site.owner.id, EVERYTHING)
        uow.commit()
    with uow:
        (event,) = uow.events.page(EventFilter(), EVERYTHING).events
    assert event.person_id is None and event.outcome == "allow"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("outcome", "maybe"),
        ("direction", "sideways"),
        ("credential_kind", "iris"),
        ("reason_code", "x" * 51),
        ("idempotency_key", "k\x00"),
        ("flag", "f" * 41),
        ("liveness", "probably"),
    ],
)
def test_a_malformed_event_is_refused_naming_its_field(
    uow: UnitOfWork, field: str, value: str
) -> None:
    site = make_site(uow)
    with uow, pytest.raises(StoreError) as refused:
        uow.events.add_many([_event(site, 1), _event(site, 2, **{field: value})])
    assert refused.value.code == "invalid_event"
    assert refused.value.details["field"] == field
    assert field in refused.value.message("en")
    with uow:
        assert uow.events.count(EventFilter(), EVERYTHING) == 0


def test_a_batch_naming_an_unknown_door_is_refused_whole(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow, pytest.raises(StoreError) as refused:
        uow.events.add_many([_event(site, 1), _event(site, 2, door_id=uuid.uuid4())])
    assert refused.value.code == "unknown_reference"
    with uow:
        assert uow.events.count(EventFilter(), EVERYTHING) == 0


def test_an_event_cannot_put_a_door_of_one_community_into_another(uow: UnitOfWork) -> None:
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    with uow, pytest.raises(StoreError) as refused:
        uow.events.add(_event(mine, 1, door_id=theirs.gate.id))
    assert refused.value.code == "unknown_reference"


def test_the_liveness_verdict_is_kept_filtered_and_exported(uow: UnitOfWork) -> None:
    site = make_site(uow)
    face = {"credential_kind": "face"}
    with uow:
        uow.events.add_many(
            [
                _event(site, 1, liveness="pass", **face),
                _event(site, 2, liveness="fail", outcome="deny", reason_code="spoof", **face),
                _event(site, 3, liveness="not_checked", **face),
                _event(site, 4),
            ]
        )
        uow.commit()
    with uow:
        failed = uow.events.page(EventFilter(liveness="fail"), EVERYTHING).events
        assert [(e.idempotency_key, e.reason_code) for e in failed] == [
            (f"{site.community.id}-2", "spoof")
        ]
        by_key = {
            e.idempotency_key: e.liveness for e in uow.events.page(EventFilter(), EVERYTHING).events
        }
    assert by_key[f"{site.community.id}-4"] is None
    assert by_key[f"{site.community.id}-3"] == "not_checked"
    rows = list(
        csv.DictReader(
            io.StringIO(
                "".join(events_csv(iter_events(uow.session_factory, EventFilter(), EVERYTHING)))
            )
        )
    )
    assert [row["liveness"] for row in rows] == ["", "not_checked", "fail", "pass"]


def test_the_database_itself_refuses_an_unknown_liveness_verdict(uow: UnitOfWork) -> None:
    """The check constraint holds even for a writer that bypasses the repository's checks."""
    site = make_site(uow)
    with uow:
        uow.events.add(_event(site, 1))
        uow.commit()
    with uow, pytest.raises(sa.exc.IntegrityError):
        uow.session.execute(sa.text("UPDATE events SET liveness = 'maybe'"))
        uow.session.flush()


def test_the_events_table_holds_every_field_of_a_stored_event() -> None:
    """The insert's columns are the passage event's fields and the store's envelope, no fewer."""
    from dataclasses import fields

    from menwei.core.passage import PASSAGE_FIELDS
    from menwei.store.repositories.event_insert import COLUMNS

    stored = {field.name for field in fields(AccessEvent)}
    assert set(PASSAGE_FIELDS) <= stored
    assert set(COLUMNS) == stored - {"id"}
