"""A small community for gate tests: one gate door, two residents, a card, face credentials."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from menwei.core import (
    AccessGroup,
    AccessPolicy,
    AccessState,
    Card,
    CredentialKind,
    Direction,
    Door,
    DoorKind,
    FaceCredential,
    FacePolicy,
    Person,
    Role,
    Validity,
    WeeklySchedule,
)

COMMUNITY = uuid.UUID(int=1)
ZHANG = uuid.UUID(int=101)
LI = uuid.UUID(int=102)
GROUP = uuid.UUID(int=201)
SINCE = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    door: Door
    state: AccessState


def make_world(*, withdrawn: set[uuid.UUID] | None = None) -> World:
    door = Door(
        id=uuid.UUID(int=301),
        community_id=COMMUNITY,
        name="东门",
        kind=DoorKind.GATE,
        direction=Direction.IN,
        accepts=frozenset(
            {CredentialKind.FACE, CredentialKind.CARD, CredentialKind.PIN, CredentialKind.QR}
        ),
    )
    people = [
        Person(id=ZHANG, community_id=COMMUNITY, name="张三", role=Role.OWNER),
        Person(id=LI, community_id=COMMUNITY, name="李四", role=Role.TENANT),
    ]
    validity = Validity(valid_from=SINCE)
    faces = [
        FaceCredential(
            id=uuid.uuid5(COMMUNITY, f"face-{p.id}"),
            person_id=p.id,
            template_ref=f"t-{p.id}",
            consent_id=uuid.uuid5(COMMUNITY, f"consent-{p.id}"),
            validity=validity,
        )
        for p in people
    ]
    if withdrawn:
        faces = [
            replace(f, consent_withdrawn_at=NOW - timedelta(hours=1))
            if f.person_id in withdrawn
            else f
            for f in faces
        ]
    cards = [Card(id=uuid.UUID(int=401), person_id=ZHANG, uid="0012345678", validity=validity)]
    group = AccessGroup(
        id=GROUP,
        community_id=COMMUNITY,
        name="住户",
        door_ids=frozenset({door.id}),
        schedule=WeeklySchedule.always(),
    )
    state = AccessState.build(
        policy=AccessPolicy(face=FacePolicy(confident=0.5, possible=0.35)),
        people=people,
        cards=cards,
        faces=faces,
        groups=[group],
        memberships={ZHANG: [GROUP], LI: [GROUP]},
    )
    return World(door, state)
