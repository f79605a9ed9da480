"""Retention: face data ends when its purpose does, and passage events do not pile up forever.

Per community: the templates of people who moved out are erased ``moved_out_days`` after the
move-out (default 30), and passage events are purged after ``event_days`` (default 180). These
functions decide *what* is due; ``menwei maintenance run`` does it through the store, erasing
each template the same way a withdrawal does (key shredded, receipt issued) and logging the run
in the audit chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from menwei.privacy.errors import InvalidNotice

DEFAULT_MOVED_OUT_DAYS = 30
DEFAULT_EVENT_DAYS = 180


@dataclass(frozen=True, kw_only=True)
class RetentionPolicy:
    moved_out_days: int = DEFAULT_MOVED_OUT_DAYS
    event_days: int = DEFAULT_EVENT_DAYS

    def __post_init__(self) -> None:
        for name in ("moved_out_days", "event_days"):
            days = getattr(self, name)
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3650:
                raise InvalidNotice(
                    message_id="invalid_notice.erasure_days_out_of_range", field=name
                )


@dataclass(frozen=True)
class MovedOut:
    """A person with face data whose last household membership ended on ``moved_out``."""

    person_id: uuid.UUID
    community_id: uuid.UUID
    moved_out: date


def due_for_erasure(
    people: Iterable[MovedOut], policy: RetentionPolicy, today: date
) -> list[MovedOut]:
    """The moved-out people whose face data must be erased today or earlier."""
    limit = timedelta(days=policy.moved_out_days)
    return sorted((p for p in people if today - p.moved_out >= limit), key=lambda p: p.moved_out)


def events_cutoff(policy: RetentionPolicy, now: datetime) -> datetime:
    """Passage events older than this are purged."""
    return now - timedelta(days=policy.event_days)


@dataclass
class RetentionReport:
    """What one maintenance run did, for the log and the operator."""

    community_id: uuid.UUID
    erased_people: int = 0
    purged_events: int = 0
    receipts: list[str] = field(default_factory=list)

    def as_detail(self) -> dict[str, object]:
        return {
            "erased_people": self.erased_people,
            "purged_events": self.purged_events,
            "receipts": list(self.receipts),
        }
