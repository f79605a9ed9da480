"""The passage event: one record whose fields every carrier of an event shares."""

from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import datetime, timedelta, timezone

import pytest

from menwei.core.passage import (
    CREDENTIAL_KINDS,
    PASSAGE_FIELDS,
    PassageEvent,
    passage_values,
)

DOOR = uuid.UUID("00000000-0000-0000-0000-0000000000d1")
PERSON = uuid.UUID("00000000-0000-0000-0000-0000000000a1")


def _event(**overrides: object) -> PassageEvent:
    values: dict[str, object] = {
        "door_id": DOOR,
        "occurred_at": datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=8))),
        "direction": "in",
        "credential_kind": "face",
        "person_id": PERSON,
        "outcome": "allow",
        "reason_code": "granted",
        "liveness": "pass",
    }
    values.update(overrides)
    return PassageEvent(**values)  # type: ignore[arg-type]


def test_the_json_form_carries_ids_as_text_and_the_time_with_its_offset() -> None:
    assert _event().to_json() == {
        "door_id": str(DOOR),
        "occurred_at": "2026-03-01T08:30:00+08:00",
        "direction": "in",
        "credential_kind": "face",
        "person_id": str(PERSON),
        "outcome": "allow",
        "reason_code": "granted",
        "flag": None,
        "liveness": "pass",
    }


@pytest.mark.parametrize("person", [PERSON, None])
def test_the_json_form_reads_back_as_the_same_event(person: uuid.UUID | None) -> None:
    event = _event(person_id=person, flag="tailgating")
    assert PassageEvent.from_json(event.to_json()) == event


def test_malformed_json_is_refused_not_guessed() -> None:
    with pytest.raises(KeyError):
        PassageEvent.from_json({"door_id": str(DOOR)})
    with pytest.raises(ValueError, match="badly formed"):
        PassageEvent.from_json({**_event().to_json(), "door_id": "door 1"})


def test_the_shared_fields_are_the_records_own_and_only_those() -> None:
    assert tuple(f.name for f in fields(PassageEvent)) == PASSAGE_FIELDS
    assert set(_event().to_json()) == set(PASSAGE_FIELDS)
    assert passage_values(_event()) == {name: getattr(_event(), name) for name in PASSAGE_FIELDS}


def test_an_enum_value_is_written_as_its_text() -> None:
    from menwei.core import CredentialKind, Direction

    event = _event(direction=Direction.OUT, credential_kind=CredentialKind.CARD)
    assert (event.to_json()["direction"], event.to_json()["credential_kind"]) == ("out", "card")


def test_every_credential_kind_and_none_is_a_passage_credential_kind() -> None:
    from menwei.core import CredentialKind

    assert {kind.value for kind in CredentialKind} | {"none"} == CREDENTIAL_KINDS
