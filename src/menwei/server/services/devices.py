"""Gate devices: registered with the doors they serve; the token is shown once, stored hashed."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from menwei.server.auth.tokens import DEVICE_TOKEN_PREFIX, new_token, token_hash
from menwei.server.domain.caller import Caller
from menwei.store.records import Device
from menwei.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class RegisteredDevice:
    device: Device
    token: str


def save_device(uow: UnitOfWork, device: Device) -> None:
    """Create or update a device with the doors it serves, in the caller's transaction."""
    uow.devices.save(device)


def list_devices(uow: UnitOfWork, caller: Caller) -> list[Device]:
    with uow:
        return uow.devices.list(caller.scope, community_id=caller.community_id)


def get_device(uow: UnitOfWork, caller: Caller, device_id: uuid.UUID) -> Device:
    with uow:
        return uow.devices.get(device_id, caller.scope)


def register(
    uow: UnitOfWork,
    caller: Caller,
    *,
    name: str,
    door_ids: frozenset[uuid.UUID],
    transport_public_key: bytes | None = None,
) -> RegisteredDevice:
    """A new device for doors of this community; any door elsewhere is 'not found'.

    A ``transport_public_key`` given here (the installer read it off the gate) is pinned from
    the start, so not even the first pull can bring another key.
    """
    assert caller.community_id is not None
    token = new_token(DEVICE_TOKEN_PREFIX)
    device = Device(
        id=uuid.uuid4(),
        community_id=caller.community_id,
        name=name,
        token_sha256=token_hash(token),
        door_ids=door_ids,
        transport_public_key=(
            None
            if transport_public_key is None
            else base64.b64encode(transport_public_key).decode("ascii")
        ),
    )
    with uow:
        uow.places.community(caller.community_id, caller.scope)
        save_device(uow, device)
        uow.commit()
    return RegisteredDevice(device, token)


def revoke(uow: UnitOfWork, caller: Caller, device_id: uuid.UUID) -> Device:
    with uow:
        uow.devices.revoke(device_id, datetime.now(UTC), caller.scope)
        uow.commit()
        return uow.devices.get(device_id, caller.scope)


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the office can tell about a gate's copy: how many face templates it was sent and
    when last; whether its transport key is pinned. Never the templates themselves."""

    templates: int
    templates_synced_at: datetime | None
    key_pinned: bool


def sync_states(
    uow: UnitOfWork, caller: Caller, listed: list[Device]
) -> dict[uuid.UUID, SyncState]:
    """The sync state of each device in ``listed`` (devices the caller has already read)."""
    ids = [device.id for device in listed]
    with uow:
        held = uow.devices.template_copies(ids)
    return {
        device.id: SyncState(
            templates=int(held.get(device.id, (0, None))[0]),
            templates_synced_at=held.get(device.id, (0, None))[1],
            key_pinned=device.transport_public_key is not None,
        )
        for device in listed
    }
