"""Withdrawing consent and erasing face data: one action, one transaction, a signed receipt.

Whoever asks — the resident on their page, a guardian for a child, the office on a signed paper,
staff fulfilling a deletion request, the retention run — the same steps run inside one unit of
work: the consent is marked withdrawn, the person's face credentials are marked withdrawn, the
person's data key is destroyed in the key store, the sealed templates are deleted, the erasure is
logged and the signed receipt kept. The key goes before the transaction commits: a crash between
the two leaves a ciphertext nobody can open, never a readable template the person was told is
gone.

Gates are not called from here. Marking the face credentials withdrawn writes them to the change
feed, so every gate's next pull carries them and drops the template it holds; the receipt names
the devices that held a copy. Cards, PINs and QR passes are not touched.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from menwei.core.person import Person
from menwei.privacy.audit import AuditAction
from menwei.privacy.consent import ConsentChannel, withdraw_consent
from menwei.privacy.errors import NotAllowed
from menwei.privacy.face_data import erase_face_data
from menwei.privacy.receipts import DeletionReceipt
from menwei.server.domain.caller import Caller
from menwei.server.services.privacy import acting_within, now, own_person_id
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


def erase_within(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    community_id: uuid.UUID,
    reason: str,
    actor: str,
    at: datetime,
) -> DeletionReceipt:
    """Crypto-shred the person's face data inside the caller's open unit of work.

    The face credentials are marked withdrawn (the gates' change feed carries them), the data
    key is destroyed in the key store at once, and the receipt is kept; the caller commits.
    """
    store = uow.privacy
    chain = kit.chain(store)
    uow.credentials.withdraw_face_consent(person_id, at)
    receipt = erase_face_data(
        vault=kit.vault,
        templates=store.templates,
        audit=chain,
        signing_key=kit.keys.signing_key,
        processor=store.communities.processor_name(community_id) or kit.processor_name,
        community_id=community_id,
        person_id=person_id,
        reason=reason,
        actor=actor,
        at=at,
    )
    store.receipts.add(receipt, subject=chain.subject_of(person_id))
    return receipt


def erase_person(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    community_id: uuid.UUID,
    reason: str,
    actor: str,
    at: datetime,
) -> DeletionReceipt:
    """Crypto-shred a person's face data in one transaction; keep and return the receipt."""
    with uow:
        receipt = erase_within(
            uow,
            kit,
            person_id=person_id,
            community_id=community_id,
            reason=reason,
            actor=actor,
            at=at,
        )
        uow.commit()
    return receipt


def withdraw_within(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person: Person,
    channel: ConsentChannel,
    at: datetime,
    guardian: Person | None = None,
    staff_account: str | None = None,
    written_request: str | None = None,
) -> DeletionReceipt:
    """Withdraw the live consent and erase, inside the caller's open unit of work.

    ``NotAllowed`` when there is no consent to withdraw (nothing is then changed).
    """
    store = uow.privacy
    consent = store.consents.live_for(person.id)
    if consent is None:
        raise NotAllowed(message_id="no_consent_to_withdraw")
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
    return erase_within(
        uow,
        kit,
        person_id=person.id,
        community_id=person.community_id,
        reason="withdrawal",
        actor=actor,
        at=at,
    )


def withdraw_and_erase(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person: Person,
    channel: ConsentChannel,
    at: datetime,
    guardian: Person | None = None,
    staff_account: str | None = None,
    written_request: str | None = None,
) -> DeletionReceipt:
    """One action in one transaction: withdraw consent, erase the face data, the receipt."""
    with uow:
        receipt = withdraw_within(
            uow,
            kit,
            person=person,
            channel=channel,
            at=at,
            guardian=guardian,
            staff_account=staff_account,
            written_request=written_request,
        )
        uow.commit()
    return receipt


def withdraw(
    uow: UnitOfWork,
    kit: PrivacyKit,
    caller: Caller,
    person_id: uuid.UUID,
    *,
    written_request: str | None,
) -> DeletionReceipt:
    """Withdraw in the caller's capacity (self, guardian, staff on a written request).

    Who the caller acts for, the guardian's record, the withdrawal and the erasure are read and
    written in one transaction, so a withdrawal is either wholly recorded or not at all.
    """
    with uow:
        acting = acting_within(uow, caller, person_id)
        guardian = None
        if acting.guardian_id is not None:
            guardian = uow.people.get(acting.guardian_id, CommunityScope.all())
        receipt = withdraw_within(
            uow,
            kit,
            person=acting.person,
            channel=acting.channel,
            at=now(),
            guardian=guardian,
            staff_account=acting.staff,
            written_request=written_request,
        )
        uow.commit()
    return receipt


def erase_mine(uow: UnitOfWork, kit: PrivacyKit, caller: Caller) -> DeletionReceipt:
    """Withdraw and erase in one action from the resident's own page."""
    return withdraw(uow, kit, caller, own_person_id(caller), written_request=None)
