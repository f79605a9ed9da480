"""The retention run: each community's rules applied once, every erasure with its receipt.

People who moved out longer ago than the community keeps face data, and everyone's templates
once face recognition stayed off past the community's period, are erased (through the same
``withdrawal.erase_within`` as a withdrawal); old passage events are purged. Each community's run
is one transaction and one audit entry; a signed checkpoint closes the run.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime, timedelta

from menwei.privacy.audit import AuditAction
from menwei.privacy.retention import RetentionReport, due_for_erasure, events_cutoff
from menwei.server.services.privacy_kit import SYSTEM_ACTOR, PrivacyKit
from menwei.server.services.withdrawal import erase_within
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

#: Why templates were erased when face recognition stayed off past the community's period.
FACE_OFF_REASON = "face_recognition_off"
#: The entry in each person's own log (their portal) when a switch-off suspends their face.
FACE_SUSPENDED = "face_recognition_suspended"


def run_maintenance(uow: UnitOfWork, kit: PrivacyKit, *, now: datetime) -> list[RetentionReport]:
    """Apply every community's retention rules once; log each run and sign a checkpoint."""
    reports: list[RetentionReport] = []
    with uow:
        communities = uow.privacy.settings.community_ids()
    for community_id in communities:
        with uow:
            reports.append(_run_for(uow, kit, community_id, now))
            uow.commit()
    with uow:
        kit.chain(uow.privacy).checkpoint(now)
        uow.commit()
    return reports


def _run_for(
    uow: UnitOfWork, kit: PrivacyKit, community_id: uuid.UUID, now: datetime
) -> RetentionReport:
    store = uow.privacy
    policy = store.settings.get(community_id).retention
    report = RetentionReport(community_id)
    moved_out = store.retention.moved_out_with_face_data(community_id, now.date())
    for person in due_for_erasure(moved_out, policy, now.date()):
        _erase(uow, kit, report, person.person_id, "moved_out", now)
    # read after the move-outs are gone, so nobody is erased twice
    for person_id in faces_due_after_switch_off(store, community_id, now):
        _erase(uow, kit, report, person_id, FACE_OFF_REASON, now)
    report.purged_events = store.retention.purge_events(community_id, events_cutoff(policy, now))
    kit.chain(store).append(
        at=now,
        actor=SYSTEM_ACTOR,
        action=AuditAction.RETENTION_RUN,
        community_id=community_id,
        detail={**report.as_detail(), **asdict(policy)},
    )
    return report


def _erase(
    uow: UnitOfWork,
    kit: PrivacyKit,
    report: RetentionReport,
    person_id: uuid.UUID,
    reason: str,
    now: datetime,
) -> None:
    receipt = erase_within(
        uow,
        kit,
        person_id=person_id,
        community_id=report.community_id,
        reason=reason,
        actor=SYSTEM_ACTOR,
        at=now,
    )
    report.erased_people += 1
    report.receipts.append(str(receipt.receipt_id))


def faces_due_after_switch_off(
    store: PrivacyStore, community_id: uuid.UUID, now: datetime
) -> list[uuid.UUID]:
    """People whose templates outlived the switch-off period (none while the switch is on)."""
    if store.communities.face_is_on(community_id):
        return []
    latest = store.communities.latest_switch(community_id)
    if latest is None or latest.enabled:
        return []
    days = store.settings.get(community_id).face_off_days
    if now < latest.switched_at + timedelta(days=days):
        return []
    return store.templates.holders(community_id)


def tell_face_holders_of_suspension(
    uow: UnitOfWork, kit: PrivacyKit, *, community_id: uuid.UUID, at: datetime, actor: str
) -> int:
    """Write the suspension into each face-data holder's own log, with the erasure date
    (call inside the switch's unit of work); returns how many people were told."""
    store = uow.privacy
    days = store.settings.get(community_id).face_off_days
    erase_on = (at + timedelta(days=days)).date().isoformat()
    chain = kit.chain(store)
    holders = store.templates.holders(community_id)
    for person_id in holders:
        chain.append(
            at=at,
            actor=actor,
            action=FACE_SUSPENDED,
            person_id=person_id,
            community_id=community_id,
            detail={"erase_on": erase_on, "unless": "switched_on_again"},
        )
    return len(holders)
