"""The life of a person's face data: stored only with consent, erased with a signed receipt.

``store_template`` is the one way a template enters the system: it checks the consent, seals the
template under the person's own key, saves the ciphertext and logs it. ``erase_face_data`` is the
one way out: the data key is destroyed *first* (so that even if a later step fails the data is
already unusable), then the ciphertexts are deleted, the erasure is logged, and a signed receipt
naming the devices that held a copy is returned for the person to keep. The devices learn of the
erasure from the change feed their gates pull (the caller withdraws the face credentials in the
same transaction), not from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from menwei.privacy.audit import AuditAction, AuditChain
from menwei.privacy.consent import ConsentRecord, NoticeVersion, require_consent_to_store
from menwei.privacy.receipts import DeletionReceipt, issue_receipt
from menwei.privacy.vault import DEFAULT_MODEL_ID, SealedTemplate, Vault


class TemplateRepository(Protocol):
    """Where sealed templates are kept (the store implements it on the database)."""

    def add(self, sealed: SealedTemplate, *, consent_id: str) -> None: ...
    def latest_version(self, community_id: str, person_id: str) -> int | None: ...
    def versions_of(self, community_id: str, person_id: str) -> list[int]: ...
    def delete_all(self, community_id: str, person_id: str) -> int: ...
    def devices_holding(self, community_id: str, person_id: str) -> list[str]: ...


def store_template(
    *,
    vault: Vault,
    templates: TemplateRepository,
    audit: AuditChain,
    consent: ConsentRecord | None,
    current_notice: NoticeVersion,
    consented_notice: NoticeVersion | None,
    template: bytes,
    at: datetime,
    actor: str,
    liveness: Mapping[str, Any] | None = None,
    model_id: str = DEFAULT_MODEL_ID,
) -> SealedTemplate:
    """Seal and keep a template, refusing with ``ConsentRequired`` when consent does not cover it.

    The plaintext ``template`` is used only in memory; what is stored is the ciphertext.
    ``liveness`` says which liveness checks the photos went through (names and verdicts only,
    never images or scores), for the audit entry. ``model_id`` names the recognition model
    that made the template: it is stored with it and bound to its ciphertext.
    """
    granted = require_consent_to_store(consent, current_notice, consented_notice)
    community_id, person_id = str(granted.community_id), str(granted.person_id)
    latest = templates.latest_version(community_id, person_id)
    version = 1 if latest is None else latest + 1
    sealed = vault.seal(
        community_id=community_id,
        person_id=person_id,
        template_version=version,
        template=template,
        at=at,
        model_id=model_id,
    )
    templates.add(sealed, consent_id=str(granted.id))
    audit.append(
        at=at,
        actor=actor,
        action=AuditAction.ENROL if latest is None else AuditAction.UPDATE,
        person_id=granted.person_id,
        community_id=community_id,
        detail={
            "template_version": version,
            "notice_version": granted.notice_version,
            "model_id": model_id,
            **({"liveness": dict(liveness)} if liveness else {}),
        },
    )
    return sealed


def erase_face_data(
    *,
    vault: Vault,
    templates: TemplateRepository,
    audit: AuditChain,
    signing_key: Ed25519PrivateKey,
    processor: str,
    community_id: object,
    person_id: object,
    reason: str,
    actor: str,
    at: datetime,
) -> DeletionReceipt:
    """Crypto-shred the person's face data; return the signed deletion receipt.

    The data key goes first: once it is destroyed the ciphertexts (here and on any device) can
    never be opened again, whatever happens to the rest of the caller's transaction.
    """
    community, person = str(community_id), str(person_id)
    versions = templates.versions_of(community, person)
    devices = templates.devices_holding(community, person)
    vault.shred(community, person)
    templates.delete_all(community, person)
    audit.append(
        at=at,
        actor=actor,
        action=AuditAction.ERASURE,
        person_id=person_id,
        community_id=community,
        detail={"reason": reason, "template_versions": versions, "devices_told": devices},
    )
    document = issue_receipt(
        signing_key=signing_key,
        processor=processor,
        community_id=community,
        person_id=person,
        template_versions=versions,
        devices_told=devices,
        reason=reason,
        deleted_at=at,
        issued_at=at,
    )
    return DeletionReceipt.from_document(document)
