"""A small community to decide in: two buildings, a paired gate, unit doors and a garage.

Built once per session where it is costly (PIN hashes use scrypt); every test gets the same
immutable snapshot and changes it only through ``apply_effects`` or ``dataclasses.replace``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from menwei.core import (
    AccessGroup,
    AccessPolicy,
    AccessState,
    AntiPassbackMode,
    Card,
    CredentialKind,
    Direction,
    Door,
    DoorKind,
    FaceCredential,
    FacePolicy,
    Person,
    PinCredential,
    Role,
    TimeWindow,
    Validity,
    WeeklySchedule,
    default_residents_group,
    hash_pin,
)

CARD, PIN, QR, FACE = (
    CredentialKind.CARD,
    CredentialKind.PIN,
    CredentialKind.QR,
    CredentialKind.FACE,
)
# A Wednesday at 10:00 in Shanghai.
NOON_ISH = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
SINCE = datetime(2026, 1, 1, tzinfo=UTC)
ALICE_PIN = "204816"
BOB_PIN = "731905"
QR_KEY = Ed25519PrivateKey.from_private_bytes(b"k" * 32)


@dataclass(frozen=True)
class World:
    community_id: uuid.UUID
    building_a: uuid.UUID
    building_b: uuid.UUID
    east_in: Door
    east_out: Door
    side_gate: Door
    a_door: Door
    b_door: Door
    garage: Door
    alice: Person
    bob: Person
    cleaner: Person
    visitor: Person
    state: AccessState
    now: datetime = NOON_ISH
    alice_pin: str = ALICE_PIN
    bob_pin: str = BOB_PIN
    qr_key: Ed25519PrivateKey = QR_KEY


def _id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture(scope="session")
def world() -> World:
    community, a, b = _id(), _id(), _id()
    all_kinds = frozenset({CARD, PIN, QR, FACE})

    def door(name: str, kind: DoorKind, direction: Direction, **extra: object) -> Door:
        return Door(
            id=_id(),
            community_id=community,
            name=name,
            kind=kind,
            direction=direction,
            accepts=extra.pop("accepts", all_kinds),  # type: ignore[arg-type]
            **extra,  # type: ignore[arg-type]
        )

    east_in = door(
        "东门进",
        DoorKind.TURNSTILE,
        Direction.IN,
        anti_passback=AntiPassbackMode.HARD,
        passback_zone="east",
    )
    east_out = door(
        "东门出",
        DoorKind.TURNSTILE,
        Direction.OUT,
        anti_passback=AntiPassbackMode.HARD,
        passback_zone="east",
    )
    side_gate = door(
        "西侧门",
        DoorKind.GATE,
        Direction.IN,
        anti_passback=AntiPassbackMode.SOFT,
        passback_zone="west",
    )
    a_door = door("1 号楼单元门", DoorKind.UNIT_DOOR, Direction.BOTH, building_id=a)
    b_door = door("2 号楼单元门", DoorKind.UNIT_DOOR, Direction.BOTH, building_id=b)
    garage = door("车库道闸", DoorKind.GARAGE_BARRIER, Direction.IN, accepts=frozenset({CARD}))
    doors = [east_in, east_out, side_gate, a_door, b_door, garage]

    alice = Person(
        id=_id(),
        community_id=community,
        name="王丽",
        role=Role.OWNER,
        date_of_birth=date(1980, 5, 1),
    )
    bob = Person(id=_id(), community_id=community, name="李强", role=Role.TENANT)
    cleaner = Person(id=_id(), community_id=community, name="张姐", role=Role.STAFF)
    visitor = Person(id=_id(), community_id=community, name="访客", role=Role.VISITOR)

    residents_a = default_residents_group(
        group_id=_id(), community_id=community, building_id=a, building_name="1 号楼", doors=doors
    )
    day_shift = WeeklySchedule(
        weekly={d: (TimeWindow(time(7), time(19)),) for d in range(5)},
        holidays={date(2026, 10, 1): ()},
    )
    staff = AccessGroup(
        id=_id(),
        community_id=community,
        name="保洁",
        door_ids=frozenset({east_in.id, east_out.id, a_door.id, b_door.id}),
        schedule=day_shift,
    )
    validity = Validity(valid_from=SINCE)
    state = AccessState.build(
        policy=AccessPolicy(face=FacePolicy(confident=0.6, possible=0.4)),
        people=[alice, bob, cleaner, visitor],
        cards=[
            Card(id=_id(), person_id=alice.id, uid="04A21B7C", validity=validity),
            Card(id=_id(), person_id=bob.id, uid="0B0B0B0B", validity=validity),
            Card(id=_id(), person_id=cleaner.id, uid="C1EA4E55", validity=validity),
        ],
        pins=[
            PinCredential(
                id=_id(), person_id=alice.id, pin_hash=hash_pin(ALICE_PIN), validity=validity
            ),
            PinCredential(
                id=_id(), person_id=bob.id, pin_hash=hash_pin(BOB_PIN), validity=validity
            ),
        ],
        faces=[
            FaceCredential(
                id=_id(),
                person_id=alice.id,
                template_ref="vault:alice",
                consent_id=_id(),
                validity=validity,
            ),
            FaceCredential(
                id=_id(),
                person_id=bob.id,
                template_ref="vault:bob",
                consent_id=_id(),
                validity=validity,
            ),
        ],
        groups=[residents_a, staff],
        memberships={
            alice.id: [residents_a.id],
            bob.id: [residents_a.id],
            cleaner.id: [staff.id],
        },
        qr_keys={0: QR_KEY.public_key()},
    )
    return World(
        community_id=community,
        building_a=a,
        building_b=b,
        east_in=east_in,
        east_out=east_out,
        side_gate=side_gate,
        a_door=a_door,
        b_door=b_door,
        garage=garage,
        alice=alice,
        bob=bob,
        cleaner=cleaner,
        visitor=visitor,
        state=state,
    )
