"""Rotating and revoking a community's pass keys, with a change for its gates to pull."""

from __future__ import annotations

import uuid

from menwei.privacy.pass_keys import PassKey, PassKeyRing
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

PASS_KEY_ENTITY = "qr_key"  # noqa: S105 (a record kind, not a secret)


def rotate_pass_key(uow: UnitOfWork, ring: PassKeyRing, community_id: uuid.UUID) -> PassKey:
    """A new signing key for the community; gates learn its public half at their next pull."""
    with uow:
        uow.places.community(community_id, CommunityScope.all())
        key = ring.rotate(community_id)
        uow.changes.record(community_id, PASS_KEY_ENTITY, key.key_id, "upsert")
        uow.commit()
    return key


def revoke_pass_key(
    uow: UnitOfWork, ring: PassKeyRing, community_id: uuid.UUID, key_id: int
) -> PassKey:
    """Revoke a key; gates drop it at their next pull, and every pass it signed stops."""
    with uow:
        uow.places.community(community_id, CommunityScope.all())
        key = ring.revoke(community_id, key_id)
        uow.changes.record(community_id, PASS_KEY_ENTITY, key.key_id, "delete")
        uow.commit()
    return key
