"""The access decision: who is at the door, may they pass now, and what changes if they do.

``decide`` is a pure function of what was presented, the door, the time and the state. It
returns allow or deny with a stable reason code and the zh-CN / en message for the screen,
never a match score. The rules, in the order they are checked:

1. every presented kind must be one the door accepts;
2. each credential is checked on its own: QR signature, window, door and uses; card known,
   valid, not revoked; face graded against the policy's thresholds — an unknown face or a
   withdrawn consent never identifies anyone, and a face in the grey zone only counts together
   with a card or PIN; PIN not locked, then right (a wrong one counts towards lockout);
3. all credentials must name the same person;
4. the person's access groups must cover the door, on their schedule (a QR pass brings its
   own doors and window instead);
5. anti-passback for the door's zone: hard refuses, soft lets through and flags.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from menwei.core.anti_passback import AntiPassbackMode, is_passback
from menwei.core.credential import CredentialKind, QrPass, require_aware
from menwei.core.direction import Direction
from menwei.core.door import Door
from menwei.core.person import Role
from menwei.core.pin import after_failure, after_success, verify_pin
from menwei.core.policy import FaceGrade
from menwei.core.presented import Presented, PresentedFace, PresentedPin
from menwei.core.qr_pass import QrPassRefused, qr_refusal, read_qr_pass
from menwei.core.reason import Reason
from menwei.core.state import AccessState, Effect, PassageRecorded, PinUpdated, QrPassUsed


class Flag(StrEnum):
    """Something staff should see about a decision that was nonetheless allowed."""

    ANTI_PASSBACK = "anti_passback"


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """Allow or deny, why, and for whom. Deliberately holds no score."""

    allowed: bool
    reason: Reason
    door_id: uuid.UUID
    at: datetime
    person_id: uuid.UUID | None = None
    via: CredentialKind | None = None
    flags: frozenset[Flag] = frozenset()
    effects: tuple[Effect, ...] = ()

    @property
    def message_zh(self) -> str:
        return self.reason.message_zh

    @property
    def message_en(self) -> str:
        return self.reason.message_en

    def message(self, locale: str = "zh-CN") -> str:
        return self.reason.message(locale)


class _Refused(Exception):
    """Internal: a rule said no. Carries what the decision needs."""

    def __init__(
        self,
        reason: Reason,
        via: CredentialKind | None = None,
        person_id: uuid.UUID | None = None,
        effects: tuple[Effect, ...] = (),
    ) -> None:
        super().__init__(reason.value)
        self.reason, self.via, self.person_id, self.effects = reason, via, person_id, effects


# Precedence of the credential that "opened" the door, for events: the strongest factor shown.
_VIA_ORDER = (CredentialKind.QR, CredentialKind.CARD, CredentialKind.PIN, CredentialKind.FACE)


def decide(presented: Presented, door: Door, at: datetime, state: AccessState) -> Decision:
    """Allow or deny ``presented`` at ``door`` at the instant ``at``."""
    require_aware(at, "at")
    try:
        return _decide(presented, door, at, state)
    except _Refused as refusal:
        return Decision(
            allowed=False,
            reason=refusal.reason,
            door_id=door.id,
            at=at,
            person_id=refusal.person_id,
            via=refusal.via,
            effects=refusal.effects,
        )


def _decide(presented: Presented, door: Door, at: datetime, state: AccessState) -> Decision:
    kinds = presented.kinds
    if not kinds:
        raise _Refused(Reason.NOTHING_PRESENTED)
    for kind in _VIA_ORDER:
        if kind in kinds and not door.accepts_kind(kind):
            raise _Refused(Reason.CREDENTIAL_NOT_ACCEPTED, via=kind)

    strong: dict[CredentialKind, uuid.UUID] = {}  # factors that identify on their own
    weak_face: uuid.UUID | None = None  # a grey-zone face: needs a card or PIN of the same person
    effects: list[Effect] = []

    qr_pass = None
    if presented.qr is not None:
        qr_pass = _check_qr(presented.qr, door, at, state)
        strong[CredentialKind.QR] = qr_pass.holder_id
        effects.append(QrPassUsed(qr_pass.id))

    if presented.card is not None:
        card = state.cards.get(presented.card.key)
        if card is None:
            raise _Refused(Reason.UNKNOWN_CARD, via=CredentialKind.CARD)
        refusal = card.validity.refusal_at(at)
        if refusal is not None:
            raise _Refused(refusal, via=CredentialKind.CARD, person_id=card.person_id)
        strong[CredentialKind.CARD] = card.person_id

    face_refusal: Reason | None = None
    if presented.face is not None:
        face_person, face_refusal = _grade_face(presented.face, at, state)
        if face_person is not None and face_refusal is None:
            if state.policy.face.grade(presented.face.score) is FaceGrade.CONFIDENT:
                strong[CredentialKind.FACE] = face_person
            else:
                weak_face = face_person

    if presented.pin is not None:
        holder = _pin_holder(presented.pin, strong, weak_face)
        pin_effect = _check_pin(presented.pin.digits, holder, at, state)
        if pin_effect is not None:
            effects.append(pin_effect)
        strong[CredentialKind.PIN] = holder

    if not strong:
        if weak_face is not None:
            raise _Refused(Reason.STEP_UP_REQUIRED, via=CredentialKind.FACE)
        # Only a face was shown, and it identified nobody: say so, name nobody.
        raise _Refused(face_refusal or Reason.UNKNOWN_FACE, via=CredentialKind.FACE)
    try:
        return _authorise(presented, door, at, state, strong, weak_face, qr_pass, effects)
    except _Refused as refusal:
        # A right PIN still resets its counter when a later rule refuses; a pass is not used.
        refusal.effects = _pin_only(effects) + refusal.effects
        raise


def _authorise(
    presented: Presented,
    door: Door,
    at: datetime,
    state: AccessState,
    strong: dict[CredentialKind, uuid.UUID],
    weak_face: uuid.UUID | None,
    qr_pass: QrPass | None,
    effects: list[Effect],
) -> Decision:
    """Once the credentials are checked: one person, their groups, anti-passback."""
    via = next(k for k in _VIA_ORDER if k in strong)
    person_id = strong[via]
    if any(p != person_id for p in strong.values()) or (
        weak_face is not None and weak_face != person_id
    ):
        raise _Refused(Reason.CREDENTIALS_MISMATCH, via=via, person_id=person_id)

    if qr_pass is None:
        if person_id not in state.people:
            raise _Refused(Reason.UNKNOWN_PERSON, via=via)
        _check_groups(person_id, door, at, state, via)

    flags: set[Flag] = set()
    direction = door.direction
    if direction is Direction.BOTH and presented.direction is not None:
        direction = presented.direction
    if door.anti_passback is not AntiPassbackMode.OFF and door.passback_zone:
        expiry = state.policy.anti_passback_expiry
        if is_passback(state.last_passages, person_id, door.passback_zone, direction, at, expiry):
            if door.anti_passback is AntiPassbackMode.HARD:
                raise _Refused(Reason.ANTI_PASSBACK, via=via, person_id=person_id)
            flags.add(Flag.ANTI_PASSBACK)
        if direction is not Direction.BOTH:
            effects.append(PassageRecorded(person_id, door.passback_zone, direction, at))

    return Decision(
        allowed=True,
        reason=Reason.GRANTED,
        door_id=door.id,
        at=at,
        person_id=person_id,
        via=via,
        flags=frozenset(flags),
        effects=tuple(effects),
    )


def _pin_only(effects: list[Effect]) -> tuple[Effect, ...]:
    """On a late refusal, keep only the PIN bookkeeping (a pass is not used up by a refusal)."""
    return tuple(e for e in effects if isinstance(e, PinUpdated))


def _check_qr(token: str, door: Door, at: datetime, state: AccessState) -> QrPass:
    try:
        qr_pass = read_qr_pass(token, state.qr_keys)
    except QrPassRefused as refused:
        raise _Refused(refused.reason, via=CredentialKind.QR) from None
    refusal = qr_refusal(
        qr_pass,
        door_id=door.id,
        at=at,
        uses_so_far=state.qr_uses.get(qr_pass.id, 0),
        revoked=qr_pass.id in state.revoked_qr_passes,
    )
    if refusal is not None:
        raise _Refused(refusal, via=CredentialKind.QR, person_id=qr_pass.holder_id)
    return qr_pass


def _grade_face(
    face: PresentedFace, at: datetime, state: AccessState
) -> tuple[uuid.UUID | None, Reason | None]:
    """The face's candidate person, or why the face identifies nobody."""
    if face.person_id is None or state.policy.face.grade(face.score) is FaceGrade.NO_MATCH:
        return None, Reason.UNKNOWN_FACE
    credential = state.faces.get(face.person_id)
    person = state.people.get(face.person_id)
    if credential is None or (person is not None and person.role is Role.VISITOR):
        # Visitors are never face-enrolled; a stale gallery entry must not let one in.
        return None, Reason.FACE_NOT_ENROLLED
    if credential.consent_withdrawn(at):
        return None, Reason.FACE_CONSENT_WITHDRAWN
    refusal = credential.validity.refusal_at(at)
    if refusal is not None:
        return None, refusal
    return face.person_id, None


def _pin_holder(
    pin: PresentedPin,
    strong: dict[CredentialKind, uuid.UUID],
    weak_face: uuid.UUID | None,
) -> uuid.UUID:
    """Whose PIN was typed: named at the keypad, or the person the other credentials show."""
    named = pin.person_id
    others = {*strong.values(), *([weak_face] if weak_face is not None else [])}
    if named is not None:
        if others and others != {named}:
            raise _Refused(Reason.CREDENTIALS_MISMATCH, via=CredentialKind.PIN)
        return named
    if len(others) == 1:
        return next(iter(others))
    if others:
        raise _Refused(Reason.CREDENTIALS_MISMATCH, via=CredentialKind.PIN)
    raise _Refused(Reason.PIN_HOLDER_UNKNOWN, via=CredentialKind.PIN)


def _check_pin(
    digits: str, holder: uuid.UUID, at: datetime, state: AccessState
) -> PinUpdated | None:
    pin = state.pins.get(holder)
    if pin is None:
        # Say "wrong PIN", not "no PIN": the keypad must not tell who has one.
        raise _Refused(Reason.WRONG_PIN, via=CredentialKind.PIN)
    if pin.is_locked(at):
        raise _Refused(Reason.PIN_LOCKED, via=CredentialKind.PIN, person_id=holder)
    refusal = pin.validity.refusal_at(at)
    if refusal is not None:
        raise _Refused(refusal, via=CredentialKind.PIN, person_id=holder)
    if not verify_pin(digits, pin.pin_hash):
        updated = after_failure(pin, at, state.policy.pin_lockout)
        raise _Refused(
            Reason.WRONG_PIN,
            via=CredentialKind.PIN,
            person_id=holder,
            effects=(PinUpdated(updated),),
        )
    updated = after_success(pin)
    return None if updated is pin else PinUpdated(updated)


def _check_groups(
    person_id: uuid.UUID, door: Door, at: datetime, state: AccessState, via: CredentialKind
) -> None:
    covering = [g for g in state.groups_of(person_id) if g.covers(door.id)]
    if not covering:
        raise _Refused(Reason.NOT_AUTHORISED_FOR_DOOR, via=via, person_id=person_id)
    if not any(g.schedule.is_open(at) for g in covering):
        raise _Refused(Reason.OUTSIDE_SCHEDULE, via=via, person_id=person_id)
