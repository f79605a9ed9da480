"""What an enrolment writes: the sealed template, the face credential and the audit entry.

All three are written in one transaction, so a failure anywhere leaves none of them: never a
template without the credential that lets a gate use it, nor an audit entry for a template that
was not kept. The face switch and the consent are read again inside that transaction (the
enrolment service checked them before any photo was looked at, but they may have changed
while the photos were being processed).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from menwei.core import FaceCredential, Validity
from menwei.privacy.consent import ConsentRecord
from menwei.privacy.errors import ConsentRequired
from menwei.privacy.face_data import store_template
from menwei.privacy.vault import DEFAULT_MODEL_ID, SealedTemplate
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class StoredEnrolment:
    """What one enrolment stored, for its answer (never the template)."""

    sealed: SealedTemplate
    notice_version: int
    credential_id: uuid.UUID


def _seal(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    community_id: uuid.UUID,
    template: bytes,
    consent: ConsentRecord | None,
    at: datetime,
    actor: str,
    liveness: Mapping[str, Any] | None,
    model_id: str,
) -> SealedTemplate:
    """Seal and add the template and its audit entry inside the open unit of work."""
    uow.face_gate.require_on(community_id)
    store = uow.privacy
    current = store.notices.current(community_id)
    if current is None:
        raise ConsentRequired(message_id="no_notice_to_enrol_under")
    consented = store.notices.get(community_id, consent.notice_version) if consent else None
    return store_template(
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
    """Seal and store a template alone; ``ConsentRequired`` or ``FaceRecognitionOff`` store
    nothing. For the tools that seed templates; an enrolment stores its credential with it
    (``store_enrolment``).

    ``model_id`` is the recognition model that made it; a later enrolment with another model
    replaces it (the newest version is the one gates get).
    """
    with uow:
        sealed = _seal(
            uow,
            kit,
            community_id=community_id,
            template=template,
            consent=uow.privacy.consents.live_for(person_id),
            at=at,
            actor=actor,
            liveness=liveness,
            model_id=model_id,
        )
        uow.commit()
    return sealed


def store_enrolment(
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
) -> StoredEnrolment:
    """The sealed template, its audit entry and the face credential the gates sync, in one
    transaction: either all three are stored or none is."""
    with uow:
        consent = uow.privacy.consents.live_for(person_id)
        sealed = _seal(
            uow,
            kit,
            community_id=community_id,
            template=template,
            consent=consent,
            at=at,
            actor=actor,
            liveness=liveness,
            model_id=model_id,
        )
        assert consent is not None  # store_template refuses without a live consent
        credential = _face_credential(uow, person_id, sealed.template_version, consent.id, at)
        uow.credentials.save(credential)
        uow.commit()
    return StoredEnrolment(sealed, consent.notice_version, credential.id)


def _face_credential(
    uow: UnitOfWork, person_id: uuid.UUID, version: int, consent_id: uuid.UUID, at: datetime
) -> FaceCredential:
    """The person's live face credential, pointed at the new template version (or a new one)."""
    ref = f"{person_id}/v{version}"
    for existing in uow.credentials.of_person(person_id, CommunityScope.all()):
        if isinstance(existing, FaceCredential) and existing.consent_withdrawn_at is None:
            return replace(existing, template_ref=ref, consent_id=consent_id)
    return FaceCredential(
        id=uuid.uuid4(),
        person_id=person_id,
        template_ref=ref,
        consent_id=consent_id,
        validity=Validity(valid_from=at),
    )
