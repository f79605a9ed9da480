"""The one rule every face data path passes: while face recognition is off, nothing moves.

Consent to face processing, enrolment (self or assisted), sealing a template and delivering it to
a gate all ask ``require_face_on`` first, inside their unit of work, so a route, a page, a CLI
command and a device sync are refused alike. The flag it reads, ``communities.face_enabled``, is
written only by ``write_face_switch``, which the compliance desk calls after its activation gate.
``FaceGate`` offers the same rule on a unit of work's session (``uow.face_gate``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from menwei.privacy.errors import FaceRecognitionOff
from menwei.store.repositories.changes import UPSERT, ChangeLog
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.tables import CommunityRow, CredentialRow

#: Shown when the caller cannot say more (a CLI path): the compliance desk names the conditions.
_OFF_ZH = (
    "本小区的人脸识别未开启：须先公示处理规则、完成影响评估、业主表决通过并公示期满，由物业开启。"
)
_OFF_EN = (
    "Face recognition is off in this community: it must first have a published notice, an "
    "impact assessment, a passed owners' vote and a completed notice period, and then be "
    "switched on."
)


def face_is_on(session: Session, community_id: uuid.UUID) -> bool:
    return bool(
        session.scalar(select(CommunityRow.face_enabled).where(CommunityRow.id == community_id))
    )


def face_off_error(unmet: Sequence[tuple[str, str, str]] = ()) -> FaceRecognitionOff:
    """The 409 refusal, naming each unmet condition as ``(code, zh, en)``."""
    zh = _OFF_ZH if not unmet else "本小区的人脸识别未开启：" + "；".join(u[1] for u in unmet)
    en = (
        _OFF_EN
        if not unmet
        else "Face recognition is off in this community: " + " ".join(u[2] for u in unmet)
    )
    return FaceRecognitionOff(
        zh,
        en,
        unmet=[{"code": c, "zh": z, "en": e} for c, z, e in unmet],
    )


def require_face_on(session: Session, community_id: uuid.UUID) -> None:
    """``FaceRecognitionOff`` unless the community's face recognition is switched on."""
    if not face_is_on(session, community_id):
        raise face_off_error()


def write_face_switch(
    session: Session, community_id: uuid.UUID, *, enabled: bool, at: datetime, by: str
) -> bool:
    """The only writer of ``face_enabled``; returns whether anything changed.

    Switching off touches every face credential of the community in the change log, so each gate's
    next pull carries them and, with no template usable, a delete for every template it holds.
    """
    row = session.get(CommunityRow, community_id)
    if row is None or bool(row.face_enabled) == enabled:
        return False
    row.face_enabled = enabled
    FaceSwitches(session).record(community_id, enabled=enabled, at=at, by=by)
    changes = ChangeLog(session)
    for credential_id in session.scalars(
        select(CredentialRow.id).where(
            CredentialRow.community_id == community_id, CredentialRow.kind == "face"
        )
    ):
        changes.record(community_id, "credential", credential_id, UPSERT)
    session.flush()
    return True


class FaceGate:
    """The face switch of communities on one session: read it, require it, throw it."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def is_on(self, community_id: uuid.UUID) -> bool:
        return face_is_on(self._session, community_id)

    def require_on(self, community_id: uuid.UUID) -> None:
        """``FaceRecognitionOff`` unless the community's face recognition is switched on."""
        require_face_on(self._session, community_id)

    def switch(self, community_id: uuid.UUID, *, enabled: bool, at: datetime, by: str) -> bool:
        """Write the switch (see ``write_face_switch``); returns whether anything changed."""
        return write_face_switch(self._session, community_id, enabled=enabled, at=at, by=by)
