"""Rotating and revoking a community's pass keys, with a change for its gates to pull."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from menwei.privacy.pass_keys import PassKey, PassKeyRing
from menwei.store.repositories.changes import ChangeLog
from menwei.store.repositories.places import PlaceRepository
from menwei.store.scope import CommunityScope

if TYPE_CHECKING:
    from menwei.store.uow import UnitOfWork

PASS_KEY_ENTITY = "qr_key"  # noqa: S105 (a record kind, not a secret)


class PassKeyChanges:
    """Key changes noted in one session's change log (``uow.pass_keys``), so gates pull them."""

    def __init__(self, places: PlaceRepository, changes: ChangeLog) -> None:
        self._places = places
        self._changes = changes

    def rotate(self, ring: PassKeyRing, community_id: uuid.UUID) -> PassKey:
        """A new signing key for the community; gates learn its public half at their next pull."""
        self._places.community(community_id, CommunityScope.all())
        key = ring.rotate(community_id)
        self._changes.record(community_id, PASS_KEY_ENTITY, key.key_id, "upsert")
        return key

    def revoke(self, ring: PassKeyRing, community_id: uuid.UUID, key_id: int) -> PassKey:
        """Revoke a key; gates drop it at their next pull, and every pass it signed stops."""
        self._places.community(community_id, CommunityScope.all())
        key = ring.revoke(community_id, key_id)
        self._changes.record(community_id, PASS_KEY_ENTITY, key.key_id, "delete")
        return key


def rotate_pass_key(uow: UnitOfWork, ring: PassKeyRing, community_id: uuid.UUID) -> PassKey:
    """Rotate in a transaction of its own."""
    with uow:
        key = uow.pass_keys.rotate(ring, community_id)
        uow.commit()
    return key


def revoke_pass_key(
    uow: UnitOfWork, ring: PassKeyRing, community_id: uuid.UUID, key_id: int
) -> PassKey:
    """Revoke in a transaction of its own."""
    with uow:
        key = uow.pass_keys.revoke(ring, community_id, key_id)
        uow.commit()
    return key
