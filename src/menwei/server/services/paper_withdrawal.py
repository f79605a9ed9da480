"""Withdrawals made on paper or in person, and the deletion receipt as people read it.

Residents without a smartphone (often the elderly) withdraw at the office with a signed paper.
Staff record it with the paper's reference; the withdrawal itself is the same one action as in
the portal (``privacy.withdraw``). The receipt is then shown in plain words and printed, with a
fingerprint of the signed receipt and a QR code to a public page that checks it, so the person
holds proof without a phone. The public check shows only what the receipt itself says publicly:
no name, no person id.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import select

from menwei.privacy.canonical import canonical_json
from menwei.privacy.errors import InvalidReceipt
from menwei.privacy.receipts import verify_receipt
from menwei.server.domain.errors import NotFound
from menwei.store.tables.devices import DeviceDoorRow, DeviceRow
from menwei.store.tables.places import DoorRow
from menwei.store.tables.privacy import DeletionReceiptRow
from menwei.store.uow import UnitOfWork


def fingerprint(receipt: dict[str, Any]) -> str:
    """SHA-256 of the whole signed receipt, canonical form: what the printout and QR carry."""
    return hashlib.sha256(canonical_json(receipt)).hexdigest()


def grouped(hex_digest: str) -> str:
    """A fingerprint in groups of four, so it can be read aloud and compared by eye."""
    return " ".join(hex_digest[i : i + 4] for i in range(0, len(hex_digest), 4))


def stored_receipt(
    uow: UnitOfWork, receipt_id: uuid.UUID, community_id: uuid.UUID | None = None
) -> dict[str, Any]:
    """A receipt as issued (of one community when given), or ``NotFound``."""
    with uow:
        row = uow.session.get(DeletionReceiptRow, receipt_id)
        body = None if row is None else dict(row.body)
        held_by = None if row is None else row.community_id
    if body is None or (community_id is not None and held_by != str(community_id)):
        raise NotFound()
    return body


def doors_told(uow: UnitOfWork, receipt: dict[str, Any]) -> list[str]:
    """The doors whose devices were told to delete, by name (never the devices' ids)."""
    ids = []
    for text in receipt.get("deleted", {}).get("devices_told_to_delete", []):
        try:
            ids.append(uuid.UUID(str(text)))
        except ValueError:
            continue
    if not ids:
        return []
    with uow:
        names = uow.session.scalars(
            select(DoorRow.name)
            .join(DeviceDoorRow, DeviceDoorRow.door_id == DoorRow.id)
            .join(DeviceRow, DeviceRow.id == DeviceDoorRow.device_id)
            .where(DeviceRow.id.in_(ids))
            .distinct()
        )
        return sorted(names)


def check(receipt: dict[str, Any], claimed: str) -> dict[str, Any]:
    """Whether the stored receipt's signature holds and matches the printed fingerprint."""
    try:
        verify_receipt(receipt)
        signature_ok = True
    except InvalidReceipt:
        signature_ok = False
    actual = fingerprint(receipt)
    claimed = "".join(claimed.split()).lower()
    return {
        "signature_ok": signature_ok,
        "fingerprint": grouped(actual),
        "fingerprint_given": bool(claimed),
        "fingerprint_matches": claimed == actual,
    }


def zone_of(uow: UnitOfWork, receipt: dict[str, Any]) -> str:
    """The time zone of the community that issued ``receipt`` (Beijing time by default)."""
    from menwei.store.tables import CommunityRow

    try:
        community_id = uuid.UUID(str(receipt.get("community_id")))
    except ValueError:
        return "Asia/Shanghai"
    with uow:
        row = uow.session.get(CommunityRow, community_id)
        return (row.timezone if row is not None else "") or "Asia/Shanghai"
