"""What a gate gets when it syncs, and what it tells the server back: one call each.

A pull is the device's page of changes (``device_sync``: doors, people, credentials, groups,
the face policy, pass keys, the liveness threshold) plus the face templates that page calls for,
sealed to the gate's transport key (``template_delivery``). Its steps, in order:

1. the transport key the gate presented is pinned (its own short transaction, committed before
   anything is sealed to it, so two racing first pulls cannot both have templates sealed);
2. the changes and the templates they call for are read in one transaction, so the page and
   its templates come from the same state of the database;
3. the templates are opened and sealed to the key outside any transaction;
4. each delivery is logged in the audit chain (one transaction, only when templates travelled).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from menwei.privacy.pass_keys import PassKeyRing
from menwei.server.domain.caller import Caller
from menwei.server.services import device_sync, template_delivery
from menwei.server.services.device_sync import Record
from menwei.server.services.face_model import configured_model_id
from menwei.server.services.gate_templates import record_device_sync
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.uow import UnitOfWork

KitSource = Callable[[], PrivacyKit]
"""Opens the privacy kit; called only when a template must be opened or a delivery logged."""


@dataclass(frozen=True, slots=True)
class PulledPage:
    """One page of a gate's sync: its records (templates included), the next cursor, and
    whether more changes wait."""

    records: tuple[Record, ...]
    cursor: int
    more: bool


def pull(
    uow: UnitOfWork,
    caller: Caller,
    *,
    cursor: int,
    limit: int,
    device_key: str | None,
    pass_keys: PassKeyRing,
    kit_source: KitSource,
    now: datetime | None = None,
) -> PulledPage:
    """Changes of the device's community after ``cursor``, with the templates they call for.

    ``device_key`` is the gate's X25519 public key as its header carries it (base64); without
    one the gate gets no templates, only their removals.
    """
    device = device_sync.gate_device(caller)
    public_key = template_delivery.device_public_key(device_key)
    if public_key is not None:
        template_delivery.pin_device_key(uow, device.id, public_key)
    with uow:
        page = device_sync.changes_page(
            uow, device, cursor=cursor, limit=limit, pass_keys=pass_keys
        )
        faces = template_delivery.faces_of(page.records)
        wanted = template_delivery.wanted_people(faces, public_key)
        model_id = configured_model_id() if wanted else ""
        usable = template_delivery.usable_in(uow, device.community_id, wanted, model_id)
    if not faces:
        return PulledPage(page.records, page.cursor, page.more)
    at = now or datetime.now(UTC)
    opened = kit_source().vault.unseal_many(usable) if wanted else {}
    templates = template_delivery.template_records(
        faces, opened, device_id=device.id, public_key=public_key, model_id=model_id, at=at
    )
    delivered = [uuid.UUID(r.id) for r in templates if r.action == "upsert"]
    if delivered:
        record_device_sync(
            uow,
            kit_source(),
            community_id=device.community_id,
            device_id=device.id,
            person_ids=delivered,
            at=at,
        )
    return PulledPage((*page.records, *templates), page.cursor, page.more)


def acknowledge(
    uow: UnitOfWork,
    caller: Caller,
    *,
    cursor: int,
    door_driver: str | None,
    dropped_templates: Sequence[str],
    kit_source: KitSource,
) -> None:
    """Remember how far the device has applied the log, and log each template it dropped."""
    device = device_sync.gate_device(caller)
    device_sync.acknowledge(uow, device, cursor=cursor, door_driver=door_driver)
    template_delivery.record_dropped(
        uow,
        kit_source,
        device_id=device.id,
        community_id=device.community_id,
        person_ids=dropped_templates,
    )
