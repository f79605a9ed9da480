"""Rotating the key-encryption key: a new KEK wraps every community key, the old one retires."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from menwei.privacy.audit import AuditAction
from menwei.privacy.keys import write_key_file
from menwei.server.services.privacy_kit import SYSTEM_ACTOR, PrivacyKit
from menwei.store.uow import UnitOfWork


def rotate_keks(uow: UnitOfWork, kit: PrivacyKit, *, key_file: Path | None, at: datetime) -> int:
    """A new KEK: written to the key file first, community keys re-wrapped, old KEK retired.

    Each step leaves a working state: if it stops after the first write, the file holds both
    KEKs and everything still opens; running it again finishes the job.

    With ``key_file`` ``None`` the keys come from the environment (``MENWEI_KEK``), which menwei
    cannot rewrite: the operator puts the new KEK first in ``MENWEI_KEK``, keeping the old one
    after it, runs this to re-wrap under the new one, then removes the old one.
    """
    if key_file is None:
        rotated = kit.keys
        count = kit.vault.rotate_keks(rotated.kek_ring)
    else:
        rotated = kit.keys.with_new_kek()
        write_key_file(key_file, rotated)
        count = kit.vault.rotate_keks(rotated.kek_ring)
        retired = rotated.retire_old_keks()
        write_key_file(key_file, retired)
        kit.keys = retired
        kit.vault.use_keks(retired.kek_ring)
    with uow:
        chain = kit.chain(uow.privacy)
        chain.append(
            at=at,
            actor=SYSTEM_ACTOR,
            action=AuditAction.KEY_ROTATION,
            detail={"community_keys_rewrapped": count, "keks_retired": len(rotated.keks) - 1},
        )
        chain.checkpoint(at)
        uow.commit()
    return count
