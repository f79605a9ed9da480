"""Switching face recognition on, only once every legal condition is met."""

from __future__ import annotations

import uuid
from datetime import datetime

from menwei.privacy.compliance import NoVoteRequired, OwnersVoteHook, require_activation
from menwei.privacy.errors import RequestError
from menwei.store.uow import UnitOfWork


def activate_face_recognition(
    uow: UnitOfWork,
    *,
    community_id: uuid.UUID,
    votes: OwnersVoteHook,
    at: datetime,
    by: str = "cli",
) -> None:
    """Switch face recognition on, or ``ActivationRefused`` naming every unmet condition."""
    with uow:
        store = uow.privacy
        settings = store.settings.get(community_id)
        require_activation(
            community_id=community_id,
            notice_displayed_since=store.notices.first_published_at(community_id),
            assessment=store.compliance.latest_assessment(community_id),
            votes=votes if settings.vote_required else NoVoteRequired(),
            now=at,
            display_days=settings.display_days,
        )
        if not store.communities.exists(community_id):
            raise RequestError(message_id="community_not_found")
        store.communities.switch_face_on(community_id, at=at, by=by)
        uow.commit()
