"""Enrolling a face template: sealed under the person's own key, stored only with consent.

The rest of the privacy records live in their own modules: ``privacy_kit`` (keys outside the
database), ``withdrawal`` (withdrawal and erasure), ``consent_records``, ``rights``,
``audit_trail``, ``gate_templates``, ``retention_run``, ``data_export``, ``face_data_counts``,
``face_activation`` and ``key_rotation``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from menwei.privacy.errors import ConsentRequired
from menwei.privacy.face_data import store_template
from menwei.privacy.vault import DEFAULT_MODEL_ID, SealedTemplate
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.repositories.face_gate import require_face_on
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork


def enrol_template(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    community_id: uuid.UUID,
    template: bytes,
    at: datetime,
    actor: str,
    liveness: Mapping[str, Any] | None = None,
    model_id: str = DEFAULT_MODEL_ID,
) -> SealedTemplate:
    """Seal and store a template; ``ConsentRequired`` or ``FaceRecognitionOff`` store nothing.

    ``model_id`` is the recognition model that made it; a later enrolment with another model
    replaces it (the newest version is the one gates get).
    """
    with uow:
        require_face_on(uow.session, community_id)
        store = PrivacyStore(uow.session)
        consent = store.consents.live_for(person_id)
        current = store.notices.current(community_id)
        if current is None:
            raise ConsentRequired(
                "本小区尚未发布人脸识别处理规则，不能录入人脸。",
                "This community has published no processing notice, so no face can be enrolled.",
            )
        consented = store.notices.get(community_id, consent.notice_version) if consent else None
        sealed = store_template(
            vault=kit.vault,
            templates=store.templates,
            audit=kit.chain(store),
            consent=consent,
            current_notice=current,
            consented_notice=consented,
            template=template,
            at=at,
            actor=actor,
            liveness=liveness,
            model_id=model_id,
        )
        uow.commit()
    return sealed
