"""What a gate pulls: the changes of its community since its cursor, as gate records.

The store's change log says only what changed (entity, id, action); the current state is read
here and shaped as the records ``menwei.gate.records`` parses. A device gets its own doors
only, every person, card, PIN and face reference of its community (a face record carries the
vault reference and the consent state, never a vector), every access group with its schedule,
and, on its first pull, the face policy, its community's public QR pass keys (a rotation or
revocation reaches it as a change) and the community's calibrated liveness threshold, if any (a
new calibration reaches it as a change). Templates themselves are added to the page by
``template_delivery``; ``device_pull`` puts the two together for the route.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from menwei.core import Person
from menwei.privacy.pass_keys import PassKeyRing
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import Forbidden
from menwei.server.services.gate_payloads import (
    Body,
    DoorBody,
    FaceBody,
    FacePolicyBody,
    GroupBody,
    LivenessBody,
    MembershipBody,
    PassKeyBody,
    PersonBody,
    PinLockoutBody,
    PolicyBody,
    credential_body,
    when,
)
from menwei.store.errors import RecordNotFound
from menwei.store.repositories.site_pad import CHANGE_ENTITY as SITE_PAD
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

Action = Literal["upsert", "delete"]


@dataclass(frozen=True, slots=True)
class Record:
    kind: str
    id: str
    version: int
    action: Action
    payload: Body | None


@dataclass(frozen=True, slots=True)
class ChangePage:
    records: tuple[Record, ...]
    cursor: int
    more: bool


@dataclass(frozen=True, slots=True)
class GateDevice:
    """The device a sync call comes from: its id, its one community and its doors."""

    id: uuid.UUID
    community_id: uuid.UUID
    door_ids: frozenset[uuid.UUID]


def gate_device(caller: Caller) -> GateDevice:
    """The calling device, or ``Forbidden`` for anyone else (a device serves one community)."""
    principal = caller.principal
    if principal.kind != "device" or len(principal.community_ids) != 1:
        raise Forbidden()
    (community_id,) = principal.community_ids
    return GateDevice(principal.id, community_id, principal.door_ids)


PASS_KEY = "qr_key"  # noqa: S105 (a record kind, not a secret)
LIVENESS = "liveness"


def liveness_records(uow: UnitOfWork, community_id: uuid.UUID, seq: int) -> list[Record]:
    """The community's calibrated liveness threshold, for the parameters it was made for."""
    found = uow.site_pad.get(community_id)
    if found is None:
        return []
    payload = LivenessBody(found.threshold, found.model_sha256)
    return [Record(LIVENESS, LIVENESS, seq, "upsert", payload)]


def pass_key_records(
    pass_keys: PassKeyRing, community_id: uuid.UUID, seq: int, only: int | None = None
) -> list[Record]:
    """The community's public pass keys as gate records; a revoked key as a delete."""
    records = []
    for key in pass_keys.keys(community_id):
        if only is not None and key.key_id != only:
            continue
        if key.revoked_at is not None:
            records.append(Record(PASS_KEY, str(key.key_id), seq, "delete", None))
        elif only is not None or seq == 0:
            public = base64.b64encode(key.public_bytes).decode("ascii")
            payload = PassKeyBody(key.key_id, public)
            records.append(Record(PASS_KEY, str(key.key_id), seq, "upsert", payload))
    return records


def _first_records(pass_keys: PassKeyRing, community_id: uuid.UUID) -> list[Record]:
    from menwei.server.services.face_model import configured_model_id, configured_thresholds

    thresholds = configured_thresholds()
    face = FacePolicyBody(thresholds.confident, thresholds.possible, configured_model_id())
    policy = PolicyBody(face, PinLockoutBody(max_failures=5, lockout_s=900))
    return [
        Record("policy", "policy", 0, "upsert", policy),
        *[r for r in pass_key_records(pass_keys, community_id, 0) if r.action == "upsert"],
    ]


def changes_page(
    uow: UnitOfWork, device: GateDevice, *, cursor: int, limit: int, pass_keys: PassKeyRing
) -> ChangePage:
    """The device's page of changes after ``cursor``, read inside the open unit of work."""
    community_id = device.community_id
    scope = CommunityScope.of([community_id])
    records: dict[tuple[str, str], Record] = {}
    if cursor == 0:
        pass_keys.current(community_id)  # a community's first gate gets a key to check with
        records.update({(r.kind, r.id): r for r in _first_records(pass_keys, community_id)})
    now = datetime.now(UTC)
    changes = uow.changes.since(community_id, cursor, limit=limit)
    known = _prefetch(uow, community_id, scope, changes, now)
    if cursor == 0:
        records.update({(r.kind, r.id): r for r in liveness_records(uow, community_id, 0)})
    for change in changes:
        if change.entity == PASS_KEY:
            found = pass_key_records(pass_keys, community_id, change.seq, int(change.entity_id))
            records.update({(r.kind, r.id): r for r in found})
            continue
        if change.entity == SITE_PAD:
            found = liveness_records(uow, community_id, change.seq)
            records.update({(r.kind, r.id): r for r in found})
            continue
        for record in _records_for(uow, scope, device.door_ids, change, known):
            records[(record.kind, record.id)] = record
    last = changes[-1].seq if changes else cursor
    return ChangePage(tuple(records.values()), last, len(changes) >= limit)


@dataclass(frozen=True, slots=True)
class _Current:
    """The current state of the people and credentials a page of changes names, read with a
    few queries for the whole page instead of one or more per change."""

    people: dict[uuid.UUID, Person]
    group_ids: dict[uuid.UUID, list[uuid.UUID]]
    credentials: dict[uuid.UUID, object]
    #: when face recognition is off, every face credential travels revoked (no face decisions)
    faces_off_since: str | None = None


def _prefetch(
    uow: UnitOfWork, community_id: uuid.UUID, scope: CommunityScope, changes: Any, now: datetime
) -> _Current:
    def named(entity: str) -> set[uuid.UUID]:
        return {
            uuid.UUID(c.entity_id) for c in changes if c.entity == entity and c.action != "delete"
        }

    people = uow.people.get_many(named("person"), scope)
    return _Current(
        people=people,
        group_ids=uow.access.group_ids_of(people, now),
        credentials=dict(uow.credentials.get_many(sorted(named("credential")), scope)),
        faces_off_since=None if uow.face_gate.is_on(community_id) else when(now),
    )


def _records_for(
    uow: UnitOfWork,
    scope: CommunityScope,
    door_ids: frozenset[uuid.UUID],
    change: Any,
    known: _Current,
) -> list[Record]:
    seq, entity, key = change.seq, change.entity, str(change.entity_id)
    deleted = change.action == "delete"

    def gone(*kinds: str) -> list[Record]:
        return [Record(kind, key, seq, "delete", None) for kind in kinds]

    try:
        if entity == "door":
            if uuid.UUID(key) not in door_ids:
                return []
            if deleted:
                return gone("door")
            door = uow.places.door(uuid.UUID(key), scope)
            payload = DoorBody(
                id=str(door.id),
                community_id=str(door.community_id),
                name=door.name,
                kind=door.kind.value,
                direction=door.direction.value,
                accepts=tuple(sorted(k.value for k in door.accepts)),
                building_id=None if door.building_id is None else str(door.building_id),
                anti_passback=door.anti_passback.value,
                passback_zone=door.passback_zone,
                tailgating=door.tailgating.value,
            )
            return [Record("door", key, seq, "upsert", payload)]
        if entity == "person":
            if deleted:
                return gone("person", "membership")
            person = known.people.get(uuid.UUID(key))
            if person is None:
                return []  # changed, then deleted before this pull: a later change says so
            groups = tuple(str(g) for g in known.group_ids.get(person.id, []))
            return [
                Record("person", key, seq, "upsert", PersonBody.of(person)),
                Record("membership", key, seq, "upsert", MembershipBody(key, groups)),
            ]
        if entity == "credential":
            if deleted:
                return gone("card", "pin", "face")
            credential = known.credentials.get(uuid.UUID(key))
            shaped = None if credential is None else credential_body(credential)
            if shaped is None:
                return []
            kind, body = shaped
            off_since = known.faces_off_since
            if isinstance(body, FaceBody) and off_since and not body.validity.revoked_at:
                body = replace(body, validity=replace(body.validity, revoked_at=off_since))
            return [Record(kind, key, seq, "upsert", body)]
        if entity == "access_group":
            if deleted:
                return gone("group")
            group = uow.access.group(uuid.UUID(key), scope)
            return [Record("group", key, seq, "upsert", GroupBody.of(group))]
        if entity == "holidays":
            community_id = uuid.UUID(key)
            return [
                Record("group", str(g.id), seq, "upsert", GroupBody.of(g))
                for g in uow.access.groups(community_id, scope)
            ]
    except RecordNotFound:
        # Changed, then deleted before this pull: a later change in the log says so.
        return []
    return []


def acknowledge(
    uow: UnitOfWork, device: GateDevice, *, cursor: int, door_driver: str | None = None
) -> None:
    """Remember how far the device has applied the log, and which door driver it runs (for
    the devices page)."""
    with uow:
        uow.devices.seen(device.id, datetime.now(UTC), sync_cursor=cursor, door_driver=door_driver)
        uow.commit()
