"""Plain records the store reads and writes that the domain does not model itself.

Accounts, tokens, devices, events and changes are bookkeeping of the installation rather than
access-control rules, so they live here as frozen dataclasses; repositories return these, never
table rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from menwei.core.passage import PassageEvent


@dataclass(frozen=True, slots=True, kw_only=True)
class UserAccount:
    """Someone who logs in. ``password_hash`` is an argon2 hash string, never a password."""

    id: uuid.UUID
    login: str
    password_hash: str
    role: str
    display_name: str = ""
    locale: str = "zh-CN"
    processor_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    staff_of: frozenset[uuid.UUID] = frozenset()
    committee_of: frozenset[uuid.UUID] = frozenset()
    supervises: frozenset[uuid.UUID] = frozenset()
    disabled: bool = False
    created_at: datetime | None = None
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiToken:
    """A bearer token of an account, known to the store only by the SHA-256 of its secret."""

    id: uuid.UUID
    account_id: uuid.UUID
    token_sha256: str
    name: str = ""
    created_at: datetime | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable_at(self, at: datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= at:
            return False
        return self.expires_at is None or at < self.expires_at


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginSession:
    """A browser session, known to the store only by the SHA-256 of its cookie."""

    id: uuid.UUID
    account_id: uuid.UUID
    token_sha256: str
    expires_at: datetime
    created_at: datetime | None = None
    last_seen_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """A gate agent of one community, allowed to act for ``door_ids`` only."""

    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    token_sha256: str
    door_ids: frozenset[uuid.UUID] = frozenset()
    created_at: datetime | None = None
    last_seen_at: datetime | None = None
    sync_cursor: int = 0
    revoked_at: datetime | None = None
    transport_public_key: str | None = None
    door_driver: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessEvent(PassageEvent):
    """A passage event as the server stores it: the gate's report, in the store's envelope.

    ``idempotency_key`` is chosen by the gate when it decides; uploading the same event twice
    stores it once. ``device_id`` is the device that uploaded it, ``id`` and ``received_at``
    the store's (``None`` before it is stored).
    """

    idempotency_key: str
    community_id: uuid.UUID
    device_id: uuid.UUID | None = None
    id: int | None = None
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFilter:
    """What an event search asks for; every field is optional and they combine with AND."""

    community_id: uuid.UUID | None = None
    door_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    outcome: str | None = None
    credential_kind: str | None = None
    liveness: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    #: something staff should look at, e.g. ``"tailgating"``
    flag: str | None = None


@dataclass(frozen=True, slots=True)
class EventPage:
    """A page of events, newest first, with the key to ask for the next one (``None`` at end)."""

    events: tuple[AccessEvent, ...]
    next_key: str | None
    total: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """Something a gate must refresh: entity kind, its id, and whether it was upserted or deleted.

    A change never carries the data itself (and never template bytes): the device fetches the
    current state of what changed through its own scoped API.
    """

    community_id: uuid.UUID
    seq: int
    entity: str
    entity_id: str
    action: str
    changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What a bulk import created."""

    buildings: int = 0
    units: int = 0
    people: int = 0
    memberships: int = 0
    cards: int = 0
    skipped_existing: int = 0
