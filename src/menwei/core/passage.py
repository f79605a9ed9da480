"""A passage event: one decision at a door, as every room that carries it sees it.

The gate decides and writes the event to its outbox, sync reports it to the server, the server
checks and stores it, staff read it back. Each carrier wraps it in its own envelope (the
outbox's key and time, the community and device the server knows it by, the row's id), but
the event itself is this one record, so its fields are written once and everything else
derives from them. No image, no template, no score: only what the audit needs.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from menwei.core.credential import CredentialKind
from menwei.core.direction import Direction

#: The credential kind of an event no credential was shown for (an alarm, a reader going
#: offline): the event still names a kind, so that every stored event has one.
NO_CREDENTIAL = "none"
OUTCOMES = frozenset({"allow", "deny"})
DIRECTIONS = frozenset(direction.value for direction in Direction)
CREDENTIAL_KINDS = frozenset({kind.value for kind in CredentialKind} | {NO_CREDENTIAL})
LIVENESS_VERDICTS = frozenset({"pass", "fail", "not_checked"})


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageEvent:
    """Who passed (or was refused) which door, which way, how, when, and why.

    ``direction`` is one of ``DIRECTIONS``, ``credential_kind`` one of ``CREDENTIAL_KINDS``,
    ``outcome`` ``allow`` or ``deny``; ``reason_code`` is the decision's reason (or an alarm's
    code). ``person_id`` is ``None`` when nobody was recognised, ``flag`` names something staff
    should look at (``tailgating``), ``liveness`` is the face check's verdict, ``None`` where
    no face was judged. Checking the values is the job of whoever stores them.
    """

    door_id: uuid.UUID
    occurred_at: datetime
    direction: str
    credential_kind: str
    person_id: uuid.UUID | None = None
    outcome: str
    reason_code: str
    flag: str | None = None
    liveness: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """The event as JSON values: ids as text, the time in ISO 8601 with its offset."""
        return {name: _json_value(value) for name, value in passage_values(self).items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PassageEvent:
        """The event of ``to_json``'s shape; raises ``KeyError``/``ValueError`` when malformed."""
        person = data.get("person_id")
        return cls(
            door_id=uuid.UUID(str(data["door_id"])),
            occurred_at=datetime.fromisoformat(str(data["occurred_at"])),
            direction=str(data["direction"]),
            credential_kind=str(data["credential_kind"]),
            person_id=uuid.UUID(str(person)) if person else None,
            outcome=str(data["outcome"]),
            reason_code=str(data["reason_code"]),
            flag=_text(data.get("flag")),
            liveness=_text(data.get("liveness")),
        )


PASSAGE_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(PassageEvent))
"""The names every carrier of a passage event shares, in their declared order."""


def passage_values(event: PassageEvent) -> dict[str, Any]:
    """The passage fields of ``event`` (or of any record derived from it), by name.

    A record that extends the event (the server's stored event) passes through here to become
    another record's fields: only the shared ones are taken, never the envelope's.
    """
    return {name: getattr(event, name) for name in PASSAGE_FIELDS}


def _json_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
