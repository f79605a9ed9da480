"""Which templates the gates may use, and the record of what reached them.

A template travels to a gate only with a live consent under the terms in force, while face
recognition is on, and made by the model the gates run. Each pull a device makes is remembered
(so an erasure receipt can name the devices that held a copy) and logged in the person's audit
trail; so are the passages a gate matched by face.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from menwei.privacy.audit import AuditAction
from menwei.privacy.consent import NoticeVersion, TemplateStatus, template_status
from menwei.privacy.vault import DEFAULT_MODEL_ID, SealedTemplate
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork


def templates_for_gates(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    community_id: uuid.UUID,
    model_id: str = DEFAULT_MODEL_ID,
) -> dict[str, bytes]:
    """Every template the community's gates may use today with ``model_id``, opened."""
    with uow:
        store = uow.privacy
        usable = usable_for_gates(
            store, community_id, store.templates.latest_for_community(community_id), model_id
        )
    return kit.vault.unseal_many(usable)


def usable_for_gates(
    store: PrivacyStore,
    community_id: uuid.UUID,
    latest: Sequence[SealedTemplate],
    model_id: str = DEFAULT_MODEL_ID,
) -> list[SealedTemplate]:
    """Those of ``latest`` (each person's newest template) the community's gates may use today.

    A template counts only with a live consent: under the current notice, or under an older
    one whose terms still cover it, or — when the community chose ``old_terms`` — under the
    old terms until fresh consent is given. Suspended and withdrawn ones are left out. The
    consents are read in one batch and each notice version once, however many people. Only
    templates made by ``model_id``, the recognition model the gates run, travel: a score
    between vectors of two models means nothing, so those people use a card, PIN or QR code
    until they enrol again.
    """
    current = store.notices.current(community_id)
    if current is None or not store.communities.face_is_on(community_id):
        return []  # face recognition off: no template travels, and gates drop what they hold
    latest = [sealed for sealed in latest if sealed.model_id == model_id]
    on_new_terms = store.settings.get(community_id).on_new_terms
    consents = store.consents.live_for_many([uuid.UUID(s.person_id) for s in latest])
    notices: dict[int, NoticeVersion | None] = {}  # most consented to the same few versions
    usable = []
    for sealed in latest:
        consent = consents.get(uuid.UUID(sealed.person_id))
        consented = None
        if consent is not None:
            version = consent.notice_version
            if version not in notices:
                notices[version] = store.notices.get(community_id, version)
            consented = notices[version]
        status = template_status(consent, current, consented, on_new_terms)
        if status is not TemplateStatus.SUSPENDED:
            usable.append(sealed)
    return usable


def record_device_sync(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    community_id: uuid.UUID,
    device_id: uuid.UUID,
    person_ids: Sequence[uuid.UUID],
    at: datetime,
) -> None:
    """A device pulled these people's sealed templates: remember it (for erasure) and log it."""
    with uow:
        store = uow.privacy
        chain = kit.chain(store)
        for person_id in person_ids:
            store.templates.record_device_copy(community_id, person_id, device_id, at)
            chain.append(
                at=at,
                actor=f"device:{device_id}",
                action=AuditAction.SYNC_TO_DEVICE,
                person_id=person_id,
                community_id=community_id,
            )
        uow.commit()


def record_gate_matches(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    passages: Sequence[tuple[uuid.UUID, uuid.UUID, datetime]],
    actor: str,
) -> int:
    """Log face passages ``(community, person, time)`` as one entry per person per day."""
    with uow:
        entries = kit.chain(uow.privacy).record_gate_matches(passages, actor=actor)
        uow.commit()
    return len(entries)
