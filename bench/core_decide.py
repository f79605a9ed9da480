"""Decisions per second for ``menwei.core.decide`` alone, on one core.

A community of 10,000 people in 20 buildings, each with a card, a face and the residents'
default group, plus a staff group on a weekly shift. Every scenario cycles through different
people so dictionary lookups are not all cache hits. PIN decisions are reported on their own:
each one runs scrypt on purpose, so they measure the hash, not the rules.

    .venv/bin/python bench/core_decide.py [--people 10000] [--seconds 2]
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from menwei.core import (
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
    PassIssuer,
    Person,
    PinCredential,
    Presented,
    PresentedCard,
    PresentedFace,
    PresentedPin,
    QrPass,
    Role,
    Validity,
    decide,
    default_residents_group,
    hash_pin,
    sign_qr_pass,
)

AT = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
ALL = frozenset(CredentialKind)


def build(n_people: int) -> tuple[AccessState, list[Door], list[Person], list[str]]:
    community = uuid.uuid4()
    buildings = [uuid.uuid4() for _ in range(20)]
    gate = Door(
        id=uuid.uuid4(),
        community_id=community,
        name="东门",
        kind=DoorKind.TURNSTILE,
        direction=Direction.IN,
        accepts=ALL,
        anti_passback=AntiPassbackMode.SOFT,
        passback_zone="east",
    )
    unit_doors = [
        Door(
            id=uuid.uuid4(),
            community_id=community,
            name=f"{i + 1} 号楼单元门",
            kind=DoorKind.UNIT_DOOR,
            direction=Direction.BOTH,
            accepts=ALL,
            building_id=b,
        )
        for i, b in enumerate(buildings)
    ]
    doors = [gate, *unit_doors]
    groups = [
        default_residents_group(
            group_id=uuid.uuid4(),
            community_id=community,
            building_id=b,
            building_name=str(i),
            doors=doors,
        )
        for i, b in enumerate(buildings)
    ]
    validity = Validity(valid_from=AT - timedelta(days=365))
    people, cards, faces, memberships, uids = [], [], [], {}, []
    for i in range(n_people):
        person = Person(id=uuid.uuid4(), community_id=community, name=f"住户{i}", role=Role.OWNER)
        uid = f"{i:08X}"
        people.append(person)
        uids.append(uid)
        cards.append(Card(id=uuid.uuid4(), person_id=person.id, uid=uid, validity=validity))
        faces.append(
            FaceCredential(
                id=uuid.uuid4(),
                person_id=person.id,
                template_ref=f"vault:{i}",
                consent_id=uuid.uuid4(),
                validity=validity,
            )
        )
        memberships[person.id] = [groups[i % len(groups)].id]
    pins = [
        PinCredential(
            id=uuid.uuid4(), person_id=p.id, pin_hash=hash_pin("204816"), validity=validity
        )
        for p in people[:16]
    ]
    state = AccessState.build(
        policy=AccessPolicy(face=FacePolicy(confident=0.6, possible=0.4)),
        people=people,
        cards=cards,
        pins=pins,
        faces=faces,
        groups=groups,
        memberships=memberships,
        qr_keys={0: KEY.public_key()},
    )
    return state, doors, people, uids


def rate(
    label: str,
    make: Callable[[int], tuple[Presented, Door]],
    state: AccessState,
    seconds: float,
    expect_allowed: bool = True,
    n_cases: int = 1024,
) -> None:
    cases = [make(i) for i in range(n_cases)]
    for presented, door in cases[:64]:  # warm up, and check the scenario does what it says
        assert decide(presented, door, AT, state).allowed is expect_allowed, label
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for presented, door in cases:
            decide(presented, door, AT, state)
        count += len(cases)
    print(f"{label:<44} {count / elapsed:>12,.0f} decisions/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    state, doors, people, uids = build(args.people)
    gate, unit_doors = doors[0], doors[1:]
    n = len(people)

    def home(i: int) -> Door:
        return unit_doors[(i % n) % len(unit_doors)]

    print(
        f"people={n} doors={len(doors)} (one core, Python {__import__('sys').version.split()[0]})"
    )
    rate(
        "card, own unit door",
        lambda i: (Presented(card=PresentedCard(uids[i % n])), home(i)),
        state,
        args.seconds,
    )
    rate(
        "card, gate with soft anti-passback",
        lambda i: (Presented(card=PresentedCard(uids[i % n])), gate),
        state,
        args.seconds,
    )
    rate(
        "confident face, own unit door",
        lambda i: (Presented(face=PresentedFace(people[i % n].id, 0.8)), home(i)),
        state,
        args.seconds,
    )
    rate(
        "grey-zone face + same person's card",
        lambda i: (
            Presented(face=PresentedFace(people[i % n].id, 0.5), card=PresentedCard(uids[i % n])),
            home(i),
        ),
        state,
        args.seconds,
    )
    rate(
        "unknown card (denied)",
        lambda i: (Presented(card=PresentedCard(f"FF{i:08X}")), gate),
        state,
        args.seconds,
        expect_allowed=False,
    )
    rate(
        "unknown face (denied)",
        lambda i: (Presented(face=PresentedFace(None, 0.1)), gate),
        state,
        args.seconds,
        expect_allowed=False,
    )
    tokens = [
        sign_qr_pass(
            QrPass(
                id=uuid.uuid4(),
                holder_id=uuid.uuid4(),
                issued_by=people[i].id,
                issuer_kind=PassIssuer.RESIDENT,
                door_ids=frozenset({gate.id}),
                validity=Validity(
                    valid_from=AT - timedelta(hours=1), valid_until=AT + timedelta(hours=3)
                ),
                max_uses=1,
            ),
            KEY,
        )
        for i in range(64)
    ]
    rate(
        "QR visitor pass (Ed25519 verify)",
        lambda i: (Presented(qr=tokens[i % 64]), gate),
        state,
        args.seconds,
    )
    rate(
        "PIN + unit number (scrypt n=2^14)",
        lambda i: (Presented(pin=PresentedPin("204816", people[i % 16].id)), home(i % 16)),
        state,
        min(args.seconds, 1.0),
        n_cases=8,
    )


if __name__ == "__main__":
    main()
