"""Privacy operations that span the database and the keys outside it, one transaction each.

The server's routes and the ``menwei`` commands call these; each takes a ``UnitOfWork`` and the
``PrivacyKit`` (keys, key store, vault — everything that lives outside the database), and
commits once. Order matters on erasure: the person's data key is destroyed in the key store
*before* the database transaction commits, so a crash in between leaves a ciphertext nobody can
open — never a readable template that the person was told is gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from menwei.core.person import Person
from menwei.privacy.audit import (
    AuditAction,
    AuditChain,
    ChainPosition,
    VerifyReport,
    verify_chain,
    verify_chain_after,
)
from menwei.privacy.audit_head import Witness, head_file_for
from menwei.privacy.compliance import (
    FILING_THRESHOLD,
    FilingStatus,
    NoVoteRequired,
    OwnersVoteHook,
    filing_status,
    require_activation,
)
from menwei.privacy.consent import (
    Channel,
    ConsentRecord,
    ConsentRefusal,
    NoticeContent,
    NoticeVersion,
    TemplateStatus,
    give_consent,
    may_ask_for_consent,
    publish_notice,
    refuse_consent,
    template_status,
    withdraw_consent,
)
from menwei.privacy.errors import ConsentRequired, NotAllowed, RequestError
from menwei.privacy.face_data import erase_face_data
from menwei.privacy.keys import KekRing, ProcessorKeys, load_processor_keys, write_key_file
from menwei.privacy.keystore import FileKeyStore, KeyStore, key_store_path
from menwei.privacy.pass_keys import PassKeyRing, pass_key_folder
from menwei.privacy.retention import RetentionReport, due_for_erasure, events_cutoff
from menwei.privacy.rights import (
    RequestKind,
    RightsRequest,
    access_bundle,
    fulfil,
    open_request,
    refuse,
    render_summary_html,
)
from menwei.privacy.vault import DEFAULT_MODEL_ID, SealedTemplate, Vault
from menwei.store.repositories.audit_head import check_ends, sign_head_after_commit, stored_head
from menwei.store.repositories.face_gate import face_is_on, require_face_on, write_face_switch
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow, ProcessorRow
from menwei.store.tables.privacy import FaceTemplateRow
from menwei.store.uow import UnitOfWork

SYSTEM_ACTOR = "system:maintenance"


@dataclass
class PrivacyKit:
    """What the privacy operations need from outside the database."""

    keys: ProcessorKeys
    key_store: KeyStore
    vault: Vault
    processor_name: str = "menwei"
    checkpoint_every: int = 1000
    #: where the signed head of the audit log is written after each commit that appended;
    #: outside the database, so a database admin cannot roll the log back unseen
    head_file: Path | None = None
    #: the per-community QR pass keys, in the key folder
    pass_keys: PassKeyRing | None = None

    def chain(self, store: PrivacyStore) -> AuditChain:
        chain = AuditChain(
            store.audit_log,
            signing_key=self.keys.signing_key,
            pepper=self.keys.subject_pepper,
            checkpoint_every=self.checkpoint_every,
        )
        if self.head_file is not None:
            sign_head_after_commit(store.session, chain, self.keys.signing_key, self.head_file)
        return chain


def open_kit(
    key_file: Path,
    *,
    processor_name: str = "menwei",
    environ: Mapping[str, str] | None = None,
    create: bool = True,
) -> PrivacyKit:
    """Load (or on first run create) the key file and open the key store beside it."""
    keys = load_processor_keys(key_file, environ, create=create)
    store = FileKeyStore(key_store_path(key_file))

    def reload_keks() -> KekRing:
        return load_processor_keys(key_file, environ, create=False).kek_ring

    vault = Vault(keys.kek_ring, store, reload_keks=reload_keks)
    return PrivacyKit(
        keys,
        store,
        vault,
        processor_name,
        head_file=head_file_for(key_file),
        pass_keys=PassKeyRing(pass_key_folder(key_file)),
    )


def erase_person(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    community_id: uuid.UUID,
    reason: str,
    actor: str,
    at: datetime,
    tell_devices: Callable[[Sequence[str]], None] | None = None,
) -> dict[str, Any]:
    """Crypto-shred a person's face data, keep and return the signed receipt."""
    with uow:
        receipt = _erase(uow, kit, person_id, community_id, reason, actor, at, tell_devices)
        uow.commit()
    return receipt


def _erase(
    uow: UnitOfWork,
    kit: PrivacyKit,
    person_id: uuid.UUID,
    community_id: uuid.UUID,
    reason: str,
    actor: str,
    at: datetime,
    tell_devices: Callable[[Sequence[str]], None] | None,
) -> dict[str, Any]:
    store = PrivacyStore(uow.session)
    chain = kit.chain(store)
    uow.credentials.withdraw_face_consent(person_id, at)
    processor = uow.session.scalar(
        select(ProcessorRow.name)
        .join(CommunityRow, CommunityRow.processor_id == ProcessorRow.id)
        .where(CommunityRow.id == community_id)
    )
    receipt = erase_face_data(
        vault=kit.vault,
        templates=store.templates,
        audit=chain,
        signing_key=kit.keys.signing_key,
        processor=processor or kit.processor_name,
        community_id=community_id,
        person_id=person_id,
        reason=reason,
        actor=actor,
        at=at,
        tell_devices=tell_devices,
    )
    store.receipts.add(receipt, subject=chain.subject_of(person_id))
    return receipt


def withdraw_and_erase(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person: Person,
    channel: Channel,
    at: datetime,
    guardian: Person | None = None,
    staff_account: str | None = None,
    written_request: str | None = None,
    tell_devices: Callable[[Sequence[str]], None] | None = None,
) -> dict[str, Any]:
    """One action: withdraw consent, erase the face data, return the receipt.

    Cards, PINs and QR codes are not touched: only face credentials are marked withdrawn.
    """
    with uow:
        store = PrivacyStore(uow.session)
        consent = store.consents.live_for(person.id)
        if consent is None:
            raise NotAllowed("没有可撤回的同意记录。", "There is no consent to withdraw.")
        withdrawn = withdraw_consent(
            consent,
            person,
            channel=channel,
            at=at,
            guardian=guardian,
            staff_account=staff_account,
            written_request=written_request,
        )
        store.consents.record_withdrawal(withdrawn)
        actor = withdrawn.withdrawn_by or str(person.id)
        kit.chain(store).append(
            at=at,
            actor=actor,
            action=AuditAction.WITHDRAWAL,
            person_id=person.id,
            community_id=person.community_id,
            detail={"channel": channel.value, "written_request": bool(written_request)},
        )
        receipt = _erase(
            uow, kit, person.id, person.community_id, "withdrawal", actor, at, tell_devices
        )
        uow.commit()
    return receipt


def run_maintenance(uow: UnitOfWork, kit: PrivacyKit, *, now: datetime) -> list[RetentionReport]:
    """Apply every community's retention rules once; log each run and sign a checkpoint."""
    reports: list[RetentionReport] = []
    with uow:
        store = PrivacyStore(uow.session)
        communities = store.settings.community_ids()
    for community_id in communities:
        with uow:
            store = PrivacyStore(uow.session)
            policy = store.settings.get(community_id).retention
            report = RetentionReport(community_id)
            moved_out = store.retention.moved_out_with_face_data(community_id, now.date())
            for person in due_for_erasure(moved_out, policy, now.date()):
                receipt = _erase(
                    uow,
                    kit,
                    person.person_id,
                    community_id,
                    "moved_out",
                    SYSTEM_ACTOR,
                    now,
                    None,
                )
                report.erased_people += 1
                report.receipts.append(receipt["receipt_id"])
            for person_id in faces_due_after_switch_off(store, community_id, now):
                receipt = _erase(
                    uow,
                    kit,
                    person_id,
                    community_id,
                    FACE_OFF_REASON,
                    SYSTEM_ACTOR,
                    now,
                    None,
                )
                report.erased_people += 1
                report.receipts.append(receipt["receipt_id"])
            report.purged_events = store.retention.purge_events(
                community_id, events_cutoff(policy, now)
            )
            kit.chain(store).append(
                at=now,
                actor=SYSTEM_ACTOR,
                action=AuditAction.RETENTION_RUN,
                community_id=community_id,
                detail={**report.as_detail(), **asdict(policy)},
            )
            uow.commit()
        reports.append(report)
    with uow:
        kit.chain(PrivacyStore(uow.session)).checkpoint(now)
        uow.commit()
    return reports


#: Why templates were erased when face recognition stayed off past the community's period.
FACE_OFF_REASON = "face_recognition_off"
#: The entry in each person's own log (their portal) when a switch-off suspends their face.
FACE_SUSPENDED = "face_recognition_suspended"


def _face_holders(store: PrivacyStore, community_id: uuid.UUID) -> list[uuid.UUID]:
    return sorted(
        store.session.scalars(
            select(FaceTemplateRow.person_id)
            .where(FaceTemplateRow.community_id == community_id)
            .distinct()
        )
    )


def faces_due_after_switch_off(
    store: PrivacyStore, community_id: uuid.UUID, now: datetime
) -> list[uuid.UUID]:
    """People whose templates outlived the switch-off period (none while the switch is on)."""
    if face_is_on(store.session, community_id):
        return []
    latest = FaceSwitches(store.session).latest(community_id)
    if latest is None or latest.enabled:
        return []
    days = store.settings.get(community_id).face_off_days
    if now < latest.switched_at + timedelta(days=days):
        return []
    return _face_holders(store, community_id)


def tell_face_holders_of_suspension(
    uow: UnitOfWork, kit: PrivacyKit, *, community_id: uuid.UUID, at: datetime, actor: str
) -> int:
    """Write the suspension into each face-data holder's own log, with the erasure date
    (call inside the switch's unit of work); returns how many people were told."""
    store = PrivacyStore(uow.session)
    days = store.settings.get(community_id).face_off_days
    erase_on = (at + timedelta(days=days)).date().isoformat()
    chain = kit.chain(store)
    holders = _face_holders(store, community_id)
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


def verify_audit(uow: UnitOfWork, kit: PrivacyKit, witness: Witness | None = None) -> VerifyReport:
    """Verify the whole chain, streaming its entries: time linear, memory flat in its length.

    The chain must also reach the signed head kept outside the database, and hold the
    ``witness`` entry (copied from the public page) unchanged when one is given."""
    head = stored_head(kit.head_file)
    with uow:
        store = PrivacyStore(uow.session)
        log = store.audit_log
        report = verify_chain(
            log.entries(), log.checkpoints(), kit.keys.public_key, locate=log.seqs_of_hashes
        )
        return check_ends(store, report, head, kit.keys.public_key, witness)


def audit_length(uow: UnitOfWork) -> int:
    """How many entries the chain holds (its newest sequence number), from the index alone."""
    with uow:
        return PrivacyStore(uow.session).audit_log.last_seq()


def verify_audit_after(
    uow: UnitOfWork, kit: PrivacyKit, position: ChainPosition
) -> VerifyReport | None:
    """Verify only the entries and checkpoints written after an earlier verification's end.

    ``None`` when the signed checkpoints changed in a way only ``verify_audit`` can judge.
    """
    with uow:
        log = PrivacyStore(uow.session).audit_log
        return verify_chain_after(
            position,
            log.entry_at(position.seq) if position.seq else None,
            log.entries_after(position.seq),
            log.checkpoints(),
            kit.keys.public_key,
        )


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
        store = PrivacyStore(uow.session)
        chain = kit.chain(store)
        chain.append(
            at=at,
            actor=SYSTEM_ACTOR,
            action=AuditAction.KEY_ROTATION,
            detail={"community_keys_rewrapped": count, "keks_retired": len(rotated.keks) - 1},
        )
        chain.checkpoint(at)
        uow.commit()
    return count


def export_person(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    at: datetime,
    actor: str,
    locale: str = "zh-CN",
) -> tuple[dict[str, Any], str]:
    """The person's complete data as a JSON bundle and a readable HTML summary; logged."""
    with uow:
        store = PrivacyStore(uow.session)
        person = uow.people.get(person_id, CommunityScope.all())
        chain = kit.chain(store)
        subject = chain.subject_of(person_id)
        credentials = [
            {"id": str(c.id), "kind": type(c).__name__}
            for c in uow.credentials.of_person(person_id, CommunityScope.all())
        ]
        versions = store.templates.versions_of(str(person.community_id), str(person_id))
        bundle = access_bundle(
            person={
                "id": str(person.id),
                "name": person.name,
                "role": person.role.value,
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
                "phone": person.phone,
                "community_id": str(person.community_id),
            },
            generated_at=at,
            consents=[_jsonable(asdict(c)) for c in store.consents.for_person(person_id)],
            face_templates=[
                {
                    "template_version": v,
                    "stored_as": "AES-256-GCM ciphertext under your own key",
                    "devices": store.templates.devices_holding(
                        str(person.community_id), str(person_id)
                    ),
                }
                for v in versions
            ],
            credentials=credentials,
            audit_entries=[
                {
                    "seq": e.seq,
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "detail": e.detail,
                }
                for e in store.audit_log.entries_about(subject)
            ],
            requests=[_jsonable(asdict(r)) for r in store.requests.for_person(person_id)],
            receipts=store.receipts.for_subject(subject),
        )
        chain.append(
            at=at,
            actor=actor,
            action=AuditAction.EXPORT,
            person_id=person_id,
            community_id=person.community_id,
        )
        uow.commit()
    return bundle, render_summary_html(bundle, locale)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
        elif isinstance(value, uuid.UUID):
            out[key] = str(value)
        elif hasattr(value, "value"):
            out[key] = value.value
        else:
            out[key] = value
    return out


# -- notices, consent, requests, compliance: what the server's routes call ---------------------


def publish_community_notice(
    uow: UnitOfWork, *, community_id: uuid.UUID, content: NoticeContent, at: datetime
) -> NoticeVersion:
    """Freeze the next notice version of the community (``InvalidNotice`` names what to fix)."""
    with uow:
        store = PrivacyStore(uow.session)
        notice = publish_notice(
            community_id, content, previous=store.notices.current(community_id), at=at
        )
        store.notices.add(notice)
        uow.commit()
    return notice


def record_consent(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    channel: Channel,
    at: datetime,
    guardian_id: uuid.UUID | None = None,
    staff_account: str | None = None,
) -> ConsentRecord:
    """Record a separate consent to the community's current notice, and log it."""
    with uow:
        store = PrivacyStore(uow.session)
        scope = CommunityScope.all()
        person = uow.people.get(person_id, scope)
        require_face_on(uow.session, person.community_id)
        guardian = uow.people.get(guardian_id, scope) if guardian_id else None
        notice = store.notices.current(person.community_id)
        if notice is None:
            raise ConsentRequired(
                "本小区尚未发布处理规则，暂不能同意。",
                "This community has published no processing notice yet; there is nothing to "
                "consent to.",
            )
        consent = give_consent(
            person, notice, channel=channel, at=at, guardian=guardian, staff_account=staff_account
        )
        store.consents.add(consent)
        actor = (
            f"staff:{staff_account}"
            if channel is Channel.STAFF_ASSISTED
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
    uow: UnitOfWork, *, person_id: uuid.UUID, channel: Channel, at: datetime
) -> ConsentRefusal:
    """Record that the person declined; nobody prompts them again until the terms change."""
    with uow:
        store = PrivacyStore(uow.session)
        person = uow.people.get(person_id, CommunityScope.all())
        require_face_on(uow.session, person.community_id)
        notice = store.notices.current(person.community_id)
        if notice is None:
            raise ConsentRequired(
                "本小区尚未发布处理规则。", "This community has published no processing notice."
            )
        refusal = store.consents.add_refusal(refuse_consent(person, notice, channel=channel, at=at))
        uow.commit()
    return refusal


def may_prompt_for_consent(uow: UnitOfWork, *, person_id: uuid.UUID) -> bool:
    """Whether the app or staff may ask this person for face consent now."""
    with uow:
        store = PrivacyStore(uow.session)
        person = uow.people.get(person_id, CommunityScope.all())
        current = store.notices.current(person.community_id)
        if not face_is_on(uow.session, person.community_id):
            return False
        if current is None or store.consents.live_for(person_id) is not None:
            return False
        refusal = store.consents.latest_refusal(person_id)
        refused = (
            store.notices.get(person.community_id, refusal.notice_version) if refusal else None
        )
        return may_ask_for_consent(refusal, current, refused)


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
        store = PrivacyStore(uow.session)
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
        entries = kit.chain(PrivacyStore(uow.session)).record_gate_matches(passages, actor=actor)
        uow.commit()
    return len(entries)


def open_rights_request(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    kind: RequestKind,
    at: datetime,
    details: str = "",
) -> RightsRequest:
    """A new request with the community's deadline (15 days unless configured)."""
    with uow:
        store = PrivacyStore(uow.session)
        person = uow.people.get(person_id, CommunityScope.all())
        request = open_request(
            community_id=person.community_id,
            person_id=person_id,
            kind=kind,
            at=at,
            deadline_days=store.settings.get(person.community_id).request_deadline_days,
            details=details,
        )
        store.requests.save(request)
        kit.chain(store).append(
            at=at,
            actor=str(person_id),
            action=AuditAction.RIGHTS_REQUEST,
            person_id=person_id,
            community_id=person.community_id,
            detail={"kind": kind.value, "request_id": str(request.id)},
        )
        uow.commit()
    return request


def _log_handling(
    store: PrivacyStore, kit: PrivacyKit, closed: RightsRequest, *, at: datetime, outcome: str
) -> None:
    """The handling of a request goes into the person's log, as its opening did."""
    kit.chain(store).append(
        at=at,
        actor=f"staff:{closed.handled_by}",
        action=AuditAction.RIGHTS_REQUEST,
        person_id=closed.person_id,
        community_id=closed.community_id,
        detail={"kind": closed.kind.value, "request_id": str(closed.id), "outcome": outcome},
    )


def _open_request_of(store: PrivacyStore, request_id: uuid.UUID) -> RightsRequest:
    request = store.requests.get(request_id)
    if request is None:
        raise RequestError("找不到该申请。", "No such request.", request_id=str(request_id))
    return request


def fulfil_rights_request(
    uow: UnitOfWork, kit: PrivacyKit, *, request_id: uuid.UUID, at: datetime, handled_by: str
) -> RightsRequest:
    """Close an access, copy or correction request as fulfilled; logged for the person.

    A deletion request is fulfilled only by ``fulfil_deletion_request``, which erases."""
    with uow:
        store = PrivacyStore(uow.session)
        request = _open_request_of(store, request_id)
        if request.kind is RequestKind.DELETION:
            raise RequestError(
                "删除申请须通过删除人脸数据来办理。",
                "A deletion request is fulfilled by erasing the face data.",
                request_id=str(request_id),
            )
        closed = fulfil(request, at=at, handled_by=handled_by)
        store.requests.save(closed)
        _log_handling(store, kit, closed, at=at, outcome="fulfilled")
        uow.commit()
    return closed


def refuse_rights_request(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    request_id: uuid.UUID,
    at: datetime,
    handled_by: str,
    reason: str,
) -> RightsRequest:
    """Close a request as refused; the reason is required and shown to the person."""
    with uow:
        store = PrivacyStore(uow.session)
        closed = refuse(
            _open_request_of(store, request_id), at=at, handled_by=handled_by, reason=reason
        )
        store.requests.save(closed)
        _log_handling(store, kit, closed, at=at, outcome="refused")
        uow.commit()
    return closed


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
        store = PrivacyStore(uow.session)
        settings = store.settings.get(community_id)
        require_activation(
            community_id=community_id,
            notice_displayed_since=store.notices.first_published_at(community_id),
            assessment=store.compliance.latest_assessment(community_id),
            votes=votes if settings.vote_required else NoVoteRequired(),
            now=at,
            display_days=settings.display_days,
        )
        community = uow.session.get(CommunityRow, community_id)
        if community is None:
            raise RequestError("找不到该小区。", "No such community.")
        write_face_switch(uow.session, community_id, enabled=True, at=at, by=by)
        uow.commit()


def templates_for_gates(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    community_id: uuid.UUID,
    model_id: str = DEFAULT_MODEL_ID,
) -> dict[str, bytes]:
    """Every template the community's gates may use today with ``model_id``, opened."""
    with uow:
        store = PrivacyStore(uow.session)
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
    if current is None or not face_is_on(store.session, community_id):
        return []  # face recognition off: no template travels, and gates drop what they hold
    latest = [sealed for sealed in latest if sealed.model_id == model_id]
    on_new_terms = store.settings.get(community_id).on_new_terms
    consents = store.consents.live_for_many([_uuid_of(s.person_id) for s in latest])
    notices: dict[int, NoticeVersion | None] = {}  # most consented to the same few versions
    usable = []
    for sealed in latest:
        consent = consents.get(_uuid_of(sealed.person_id))
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


def fulfil_deletion_request(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    request_id: uuid.UUID,
    at: datetime,
    handled_by: str,
    tell_devices: Callable[[Sequence[str]], None] | None = None,
) -> dict[str, Any]:
    """Erase the person's face data for their deletion request, close it, return the receipt."""
    with uow:
        store = PrivacyStore(uow.session)
        request = store.requests.get(request_id)
        if request is None or request.kind is not RequestKind.DELETION:
            raise RequestError(
                "找不到该删除申请。", "No such deletion request.", request_id=str(request_id)
            )
        closed = fulfil(request, at=at, handled_by=handled_by)
        consent = store.consents.live_for(request.person_id)
        if consent is not None:
            store.consents.record_withdrawal(
                replace(
                    consent,
                    withdrawn_at=at,
                    withdrawal_channel=Channel.STAFF_ASSISTED,
                    withdrawn_by=f"staff:{handled_by}",
                    written_request=f"rights-request:{request.id}",
                )
            )
        receipt = _erase(
            uow,
            kit,
            request.person_id,
            request.community_id,
            "deletion_request",
            f"staff:{handled_by}",
            at,
            tell_devices,
        )
        store.requests.save(closed)
        _log_handling(store, kit, closed, at=at, outcome="fulfilled")
        uow.commit()
    return receipt


@dataclass(frozen=True)
class ModelStatus:
    """Whose stored templates another recognition model made than the configured one."""

    model_id: str
    #: people per community whose newest template another model made (they must enrol again)
    to_reenrol: dict[uuid.UUID, int]
    #: people per community whose newest template the configured model made
    current: dict[uuid.UUID, int]
    #: the other models' ids, with how many people's templates each made
    other_models: dict[str, int]

    @property
    def people_to_reenrol(self) -> int:
        return sum(self.to_reenrol.values())


def model_status(uow: UnitOfWork, *, model_id: str) -> ModelStatus:
    """Counts, per community, of templates made by ``model_id`` and by any other model."""
    with uow:
        counts = PrivacyStore(uow.session).templates.models_in_use()
    to_reenrol: dict[uuid.UUID, int] = {}
    current: dict[uuid.UUID, int] = {}
    others: dict[str, int] = {}
    for (community, model), people in counts.items():
        if model == model_id:
            current[community] = current.get(community, 0) + people
        else:
            to_reenrol[community] = to_reenrol.get(community, 0) + people
            others[model] = others.get(model, 0) + people
    return ModelStatus(model_id, to_reenrol, current, others)


def _uuid_of(value: str) -> uuid.UUID:
    return uuid.UUID(value)


def filing_statuses(
    uow: UnitOfWork, *, threshold: int = FILING_THRESHOLD
) -> dict[uuid.UUID, FilingStatus]:
    """Per processor: distinct people with stored face data, against the filing threshold."""
    with uow:
        store = PrivacyStore(uow.session)
        processors = uow.session.scalars(select(ProcessorRow.id).order_by(ProcessorRow.id))
        return {
            processor: filing_status(store.templates.people_with_face_data(processor), threshold)
            for processor in processors
        }


def record_staff_view(
    uow: UnitOfWork, kit: PrivacyKit, *, staff_account: str, person_id: uuid.UUID, at: datetime
) -> None:
    """A staff member opened a person's face data record: the person will see it in their log."""
    with uow:
        person = uow.people.get(person_id, CommunityScope.all())
        kit.chain(PrivacyStore(uow.session)).append(
            at=at,
            actor=f"staff:{staff_account}",
            action=AuditAction.STAFF_VIEW,
            person_id=person_id,
            community_id=person.community_id,
        )
        uow.commit()


def audit_entries_for(
    uow: UnitOfWork, kit: PrivacyKit, *, person_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Every audit entry about the person, ready to show them (time, who, what)."""
    with uow:
        store = PrivacyStore(uow.session)
        return [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "detail": e.detail,
            }
            for e in kit.chain(store).entries_about(person_id)
        ]
