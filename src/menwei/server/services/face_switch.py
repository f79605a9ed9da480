"""Face recognition off means off: the server side of the rule, with the reasons spelled out.

Routes and pages that would create face data (consent, refusal, enrolment, its liveness challenge)
call ``require_on`` before reading any photo; it refuses with 409 ``face_recognition_off`` naming
each unmet activation condition in Chinese and English. The store checks the same flag again inside
each write (``menwei.store.repositories.face_gate``), so a CLI path or a device sync that does not
come through here is refused too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from menwei.server.services.compliance import (
    FACE_OFF,
    Condition,
    _recorded_votes,
    activation_unmet,
)
from menwei.server.services.privacy import now
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.server.services.retention_run import tell_face_holders_of_suspension
from menwei.store.repositories.face_gate import face_off_error
from menwei.store.uow import UnitOfWork
from menwei.text import Message


def _reason(code: str, message: Message) -> tuple[str, str, str]:
    """A reason as ``(code, zh, en)``, its words from the catalogue."""
    return code, message.render("zh-CN"), message.render("en")


#: Named when every condition holds but nobody switched it on, or it was switched off.
_NOT_SWITCHED_ON = _reason("not_switched_on", Message("face_not_switched_on"))
_SWITCHED_OFF = _reason("switched_off", Message("face_switched_off"))


def reasons_off(uow: UnitOfWork, community_id: uuid.UUID) -> list[tuple[str, str, str]]:
    """Why face recognition is off now, as ``(code, zh, en)``; empty when it is on (in a uow)."""
    if uow.face_gate.is_on(community_id):
        return []
    at = now()
    unmet = activation_unmet(uow, community_id, _recorded_votes(uow, community_id, at), at)
    reasons = [(u.code, u.zh, u.en) for u in unmet]
    latest = uow.face_switches.latest(community_id)
    if latest is not None and not latest.enabled:
        reasons.insert(0, _SWITCHED_OFF)
    return reasons or [_NOT_SWITCHED_ON]


def require_on(uow: UnitOfWork, community_id: uuid.UUID) -> None:
    """409 ``face_recognition_off`` naming every unmet condition, unless it is switched on."""
    with uow:
        reasons = reasons_off(uow, community_id)
    if reasons:
        raise face_off_error(reasons)


@dataclass(frozen=True, slots=True)
class FaceState:
    """Whether face recognition is on, and if not, each reason in both languages."""

    face_on: bool
    reasons: tuple[Condition, ...]


def off_state(uow: UnitOfWork, community_id: uuid.UUID) -> FaceState:
    """For pages: whether face recognition is on, and if not, why (both languages)."""
    with uow:
        reasons = reasons_off(uow, community_id)
    return FaceState(not reasons, tuple(Condition(c, z, e) for c, z, e in reasons))


def switch_off_in_uow(
    uow: UnitOfWork, kit: PrivacyKit, community_id: uuid.UUID, *, at: datetime, actor: str
) -> bool:
    """Switch off (inside the caller's unit of work): record and log the switch, and tell each
    face-data holder in their own log. Returns whether it was on."""
    if not uow.face_gate.switch(community_id, enabled=False, at=at, by=actor):
        return False
    kit.chain(uow.privacy).append(
        at=at,
        actor=actor,
        action=FACE_OFF,
        community_id=community_id,
        detail={"enabled": False},
    )
    tell_face_holders_of_suspension(uow, kit, community_id=community_id, at=at, actor=actor)
    return True
