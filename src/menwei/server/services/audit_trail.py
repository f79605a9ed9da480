"""The audit log as the services read and extend it: verification, a person's own entries, and
the staff views every person sees in their log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from menwei.privacy.audit import (
    AuditAction,
    ChainPosition,
    VerifyReport,
    verify_chain,
    verify_chain_after,
)
from menwei.privacy.audit_head import Witness
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.repositories.audit_head import check_ends, stored_head
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PersonalEntry:
    """One audit entry about a person, as they are shown it: when, who, what."""

    seq: int
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


def verify_audit(uow: UnitOfWork, kit: PrivacyKit, witness: Witness | None = None) -> VerifyReport:
    """Verify the whole chain, streaming its entries: time linear, memory flat in its length.

    The chain must also reach the signed head kept outside the database, and hold the
    ``witness`` entry (copied from the public page) unchanged when one is given."""
    head = stored_head(kit.head_file)
    with uow:
        log = uow.privacy.audit_log
        report = verify_chain(
            log.entries(), log.checkpoints(), kit.keys.public_key, locate=log.seqs_of_hashes
        )
        return check_ends(uow.privacy, report, head, kit.keys.public_key, witness)


def audit_length(uow: UnitOfWork) -> int:
    """How many entries the chain holds (its newest sequence number), from the index alone."""
    with uow:
        return uow.privacy.audit_log.last_seq()


def verify_audit_after(
    uow: UnitOfWork, kit: PrivacyKit, position: ChainPosition
) -> VerifyReport | None:
    """Verify only the entries and checkpoints written after an earlier verification's end.

    ``None`` when the signed checkpoints changed in a way only ``verify_audit`` can judge.
    """
    with uow:
        log = uow.privacy.audit_log
        return verify_chain_after(
            position,
            log.entry_at(position.seq) if position.seq else None,
            log.entries_after(position.seq),
            log.checkpoints(),
            kit.keys.public_key,
        )


def record_staff_view(
    uow: UnitOfWork, kit: PrivacyKit, *, staff_account: str, person_id: uuid.UUID, at: datetime
) -> None:
    """A staff member opened a person's face data record: the person will see it in their log."""
    with uow:
        person = uow.people.get(person_id, CommunityScope.all())
        kit.chain(uow.privacy).append(
            at=at,
            actor=f"staff:{staff_account}",
            action=AuditAction.STAFF_VIEW,
            person_id=person_id,
            community_id=person.community_id,
        )
        uow.commit()


def personal_entries(uow: UnitOfWork, kit: PrivacyKit, person_id: uuid.UUID) -> list[PersonalEntry]:
    """Every audit entry about the person, oldest first."""
    with uow:
        return [
            PersonalEntry(e.seq, e.at, e.actor, e.action, e.detail)
            for e in kit.chain(uow.privacy).entries_about(person_id)
        ]


def audit_entries_for(
    uow: UnitOfWork, kit: PrivacyKit, *, person_id: uuid.UUID
) -> list[PersonalEntry]:
    """Every audit entry about the person, ready to show them (time, who, what)."""
    return personal_entries(uow, kit, person_id)
