"""The one-door, one-resident community the gate benchmarks decide against."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

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
SINCE = Validity(valid_from=datetime(2025, 1, 1, tzinfo=UTC))


def one_resident_gate(
    resident: uuid.UUID,
    *,
    name: str,
    accepts: frozenset[CredentialKind],
    confident: float,
    cards: Sequence[Card] = (),
    faces: Sequence[FaceCredential] = (),
) -> tuple[Door, AccessState]:
    """The east gate, open at all hours to ``resident`` (an owner) and their credentials."""
    door = Door(
        id=uuid.UUID(int=301),
        community_id=COMMUNITY,
        name="east gate",
        kind=DoorKind.GATE,
        direction=Direction.IN,
        accepts=accepts,
    )
    group = AccessGroup(
        id=uuid.UUID(int=201),
        community_id=COMMUNITY,
        name="residents",
        door_ids=frozenset({door.id}),
        schedule=WeeklySchedule.always(),
    )
    state = AccessState.build(
        policy=AccessPolicy(face=FacePolicy(confident=confident, possible=0.35)),
        people=[Person(id=resident, community_id=COMMUNITY, name=name, role=Role.OWNER)],
        cards=list(cards),
        faces=list(faces),
        groups=[group],
        memberships={resident: [group.id]},
    )
    return door, state
