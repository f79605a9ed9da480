"""Notices and consent as records: publishing a notice version, a consent, a refusal.

Each is one transaction with its audit entry. Who may ask for them is decided in
``menwei.server.services.privacy``; these take the person and the channel as given.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from menwei.privacy.audit import AuditAction
from menwei.privacy.consent import (
    ConsentChannel,
    ConsentRecord,
    ConsentRefusal,
    NoticeContent,
    NoticeVersion,
    give_consent,
    may_ask_for_consent,
    publish_notice,
    refuse_consent,
)
from menwei.privacy.errors import ConsentRequired
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


def publish_community_notice(
    uow: UnitOfWork, *, community_id: uuid.UUID, content: NoticeContent, at: datetime
) -> NoticeVersion:
    """Freeze the next notice version of the community (``InvalidNotice`` names what to fix)."""
    with uow:
        notices = uow.privacy.notices
        notice = publish_notice(
            community_id, content, previous=notices.current(community_id), at=at
        )
        notices.add(notice)
        uow.commit()
    return notice


def record_consent(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    channel: ConsentChannel,
    at: datetime,
    guardian_id: uuid.UUID | None = None,
    staff_account: str | None = None,
) -> ConsentRecord:
    """Record a separate consent to the community's current notice, and log it."""
    with uow:
        store = uow.privacy
        scope = CommunityScope.all()
        person = uow.people.get(person_id, scope)
        store.communities.require_face_on(person.community_id)
        guardian = uow.people.get(guardian_id, scope) if guardian_id else None
        notice = store.notices.current(person.community_id)
        if notice is None:
            raise ConsentRequired(message_id="no_notice_to_consent_to")
        consent = give_consent(
            person, notice, channel=channel, at=at, guardian=guardian, staff_account=staff_account
        )
        store.consents.add(consent)
        actor = (
            f"staff:{staff_account}"
            if channel is ConsentChannel.STAFF_ASSISTED
            else str(guardian_id if guardian_id else person_id)
        )
        kit.chain(store).append(
            at=at,
            actor=actor,
            action=AuditAction.CONSENT,
            person_id=person_id,
            community_id=person.community_id,
            detail={"notice_version": notice.version, "channel": channel.value},
        )
        uow.commit()
    return consent


def record_refusal(
    uow: UnitOfWork, *, person_id: uuid.UUID, channel: ConsentChannel, at: datetime
) -> ConsentRefusal:
    """Record that the person declined; nobody prompts them again until the terms change."""
    with uow:
        store = uow.privacy
        person = uow.people.get(person_id, CommunityScope.all())
        store.communities.require_face_on(person.community_id)
        notice = store.notices.current(person.community_id)
        if notice is None:
            raise ConsentRequired(message_id="no_notice_published")
        refusal = store.consents.add_refusal(refuse_consent(person, notice, channel=channel, at=at))
        uow.commit()
    return refusal


def may_prompt_for_consent(uow: UnitOfWork, *, person_id: uuid.UUID) -> bool:
    """Whether the app or staff may ask this person for face consent now."""
    with uow:
        store = uow.privacy
        person = uow.people.get(person_id, CommunityScope.all())
        current = store.notices.current(person.community_id)
        if not store.communities.face_is_on(person.community_id):
            return False
        if current is None or store.consents.live_for(person_id) is not None:
            return False
        refusal = store.consents.latest_refusal(person_id)
        refused = (
            store.notices.get(person.community_id, refusal.notice_version) if refusal else None
        )
        return may_ask_for_consent(refusal, current, refused)
