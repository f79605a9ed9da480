"""Everything ``decide`` needs to know besides what was presented: the gate's view of the world.

``AccessState`` is an immutable snapshot (people, credentials, groups, anti-passback history,
QR uses). ``decide`` never changes it; it returns the changes as effects, and the owner of the
state (the gate's cache, the server's store) applies them — ``apply_effects`` does it for the
in-memory snapshot. That keeps the rules testable without a clock, a disk or a database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from menwei.core.access_group import AccessGroup
from menwei.core.anti_passback import LastPassage
from menwei.core.credential import Card, FaceCredential, PinCredential
from menwei.core.direction import Direction
from menwei.core.person import Person
from menwei.core.policy import AccessPolicy
from menwei.core.qr_pass import PassVerifier

CardKey = tuple[str, int | None]
PassbackKey = tuple[uuid.UUID, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessState:
    policy: AccessPolicy
    people: Mapping[uuid.UUID, Person] = field(default_factory=dict)
    cards: Mapping[CardKey, Card] = field(default_factory=dict)
    pins: Mapping[uuid.UUID, PinCredential] = field(default_factory=dict)  # by person
    faces: Mapping[uuid.UUID, FaceCredential] = field(default_factory=dict)  # by person
    groups: Mapping[uuid.UUID, AccessGroup] = field(default_factory=dict)
    memberships: Mapping[uuid.UUID, frozenset[uuid.UUID]] = field(default_factory=dict)
    qr_keys: Mapping[int, PassVerifier] = field(default_factory=dict)  # public keys
    qr_uses: Mapping[uuid.UUID, int] = field(default_factory=dict)
    revoked_qr_passes: frozenset[uuid.UUID] = frozenset()
    last_passages: Mapping[PassbackKey, LastPassage] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        policy: AccessPolicy,
        people: Iterable[Person] = (),
        cards: Iterable[Card] = (),
        pins: Iterable[PinCredential] = (),
        faces: Iterable[FaceCredential] = (),
        groups: Iterable[AccessGroup] = (),
        memberships: Mapping[uuid.UUID, Iterable[uuid.UUID]] | None = None,
        qr_keys: Mapping[int, PassVerifier] | None = None,
        revoked_qr_passes: Iterable[uuid.UUID] = (),
    ) -> AccessState:
        """A snapshot indexed the way ``decide`` looks things up."""
        return cls(
            policy=policy,
            people={p.id: p for p in people},
            cards={c.key: c for c in cards},
            pins={p.person_id: p for p in pins},
            faces={f.person_id: f for f in faces},
            groups={g.id: g for g in groups},
            memberships={k: frozenset(v) for k, v in (memberships or {}).items()},
            qr_keys=dict(qr_keys or {}),
            revoked_qr_passes=frozenset(revoked_qr_passes),
        )

    def groups_of(self, person_id: uuid.UUID) -> list[AccessGroup]:
        ids = self.memberships.get(person_id, frozenset())
        return [self.groups[g] for g in ids if g in self.groups]


@dataclass(frozen=True, slots=True)
class PinUpdated:
    """The PIN's failure counter or lockout changed; store the new version."""

    pin: PinCredential = field(repr=False)


@dataclass(frozen=True, slots=True)
class QrPassUsed:
    pass_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class PassageRecorded:
    """The person passed a door of ``zone`` going ``direction`` (for anti-passback)."""

    person_id: uuid.UUID
    zone: str
    direction: Direction
    at: datetime


Effect = PinUpdated | QrPassUsed | PassageRecorded


def apply_effects(state: AccessState, effects: Iterable[Effect]) -> AccessState:
    """The snapshot after ``effects``; ``state`` itself is left as it was."""
    pins: dict[uuid.UUID, PinCredential] | None = None
    uses: dict[uuid.UUID, int] | None = None
    passages: dict[PassbackKey, LastPassage] | None = None
    for effect in effects:
        if isinstance(effect, PinUpdated):
            pins = dict(state.pins) if pins is None else pins
            pins[effect.pin.person_id] = effect.pin
        elif isinstance(effect, QrPassUsed):
            uses = dict(state.qr_uses) if uses is None else uses
            uses[effect.pass_id] = uses.get(effect.pass_id, 0) + 1
        else:
            passages = dict(state.last_passages) if passages is None else passages
            passages[(effect.person_id, effect.zone)] = LastPassage(effect.direction, effect.at)
    return replace(
        state,
        pins=state.pins if pins is None else pins,
        qr_uses=state.qr_uses if uses is None else uses,
        last_passages=state.last_passages if passages is None else passages,
    )
