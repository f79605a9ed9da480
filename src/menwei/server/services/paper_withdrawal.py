"""Withdrawals made on paper or in person, and the deletion receipt as people read it.

Residents without a smartphone (often the elderly) withdraw at the office with a signed paper.
Staff record it with the paper's reference; the withdrawal itself is the same one action as in
the portal (``withdrawal.withdraw``). The receipt is then shown in plain words and printed, with
a fingerprint of the signed receipt and a QR code to a public page that checks it, so the person
holds proof without a phone. The public check shows only what the receipt itself says publicly:
no name, no person id.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from menwei.privacy.canonical import canonical_json
from menwei.privacy.errors import InvalidReceipt
from menwei.privacy.receipts import DeletionReceipt, verify_receipt
from menwei.server.domain.errors import NotFound
from menwei.store.uow import UnitOfWork

#: The zone a receipt's times are shown in when its community names none.
DEFAULT_ZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """What the public check of a printed receipt finds."""

    signature_ok: bool
    #: the stored receipt's fingerprint, in groups of four
    fingerprint: str
    fingerprint_given: bool
    fingerprint_matches: bool


def fingerprint(receipt: DeletionReceipt) -> str:
    """SHA-256 of the whole signed receipt, canonical form: what the printout and QR carry."""
    return hashlib.sha256(canonical_json(receipt.document())).hexdigest()


def grouped(hex_digest: str) -> str:
    """A fingerprint in groups of four, so it can be read aloud and compared by eye."""
    return " ".join(hex_digest[i : i + 4] for i in range(0, len(hex_digest), 4))


def stored_receipt(
    uow: UnitOfWork, receipt_id: uuid.UUID, community_id: uuid.UUID | None = None
) -> DeletionReceipt:
    """A receipt as issued (of one community when given), or ``NotFound``."""
    with uow:
        receipt = uow.privacy.receipts.get(receipt_id)
    if receipt is None or (community_id is not None and receipt.community_id != str(community_id)):
        raise NotFound()
    return receipt


def doors_told(uow: UnitOfWork, receipt: DeletionReceipt) -> list[str]:
    """The doors whose devices held a copy, by name (never the devices' ids)."""
    ids = []
    for text in receipt.devices_told_to_delete:
        try:
            ids.append(uuid.UUID(text))
        except ValueError:
            continue
    if not ids:
        return []
    with uow:
        return uow.privacy.receipts.doors_of_devices(ids)


def check(receipt: DeletionReceipt, claimed: str) -> ReceiptCheck:
    """Whether the stored receipt's signature holds and matches the printed fingerprint."""
    try:
        verify_receipt(receipt.document())
        signature_ok = True
    except InvalidReceipt:
        signature_ok = False
    actual = fingerprint(receipt)
    claimed = "".join(claimed.split()).lower()
    return ReceiptCheck(
        signature_ok=signature_ok,
        fingerprint=grouped(actual),
        fingerprint_given=bool(claimed),
        fingerprint_matches=claimed == actual,
    )


def zone_of(uow: UnitOfWork, receipt: DeletionReceipt) -> str:
    """The time zone of the community that issued ``receipt`` (Beijing time by default)."""
    try:
        community_id = uuid.UUID(receipt.community_id)
    except ValueError:
        return DEFAULT_ZONE
    with uow:
        return uow.privacy.communities.timezone(community_id) or DEFAULT_ZONE
