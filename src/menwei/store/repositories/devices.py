"""Gate devices: looked up by token digest, scoped to their doors, with their sync cursor."""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from menwei.store.errors import RecordNotFound
from menwei.store.records import Device
from menwei.store.repositories.checks import require
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow, DeviceDoorRow, DeviceRow, DoorRow
from menwei.store.tables.privacy import TemplateDeviceRow


class DeviceRepository:
    """Devices of the communities in the caller's scope."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _device(self, row: DeviceRow) -> Device:
        door_ids = self._session.scalars(
            select(DeviceDoorRow.door_id).where(DeviceDoorRow.device_id == row.id)
        ).all()
        return Device(
            id=row.id,
            community_id=row.community_id,
            name=row.name,
            token_sha256=row.token_sha256,
            door_ids=frozenset(door_ids),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            sync_cursor=row.sync_cursor,
            revoked_at=row.revoked_at,
            transport_public_key=row.transport_public_key,
            door_driver=row.door_driver,
        )

    def save(self, device: Device) -> Device:
        """Create or update a device; every door it serves must be in its own community."""
        require(self._session, CommunityRow, device.community_id, "community")
        doors = set(
            self._session.scalars(
                select(DoorRow.id).where(
                    DoorRow.id.in_(sorted(device.door_ids)),
                    DoorRow.community_id == device.community_id,
                )
            ).all()
        )
        missing = sorted(device.door_ids - doors)
        if missing:
            raise RecordNotFound("door", missing[0])
        row = self._session.get(DeviceRow, device.id)
        if row is None:
            row = DeviceRow(
                id=device.id,
                community_id=device.community_id,
                name=device.name,
                token_sha256=device.token_sha256,
            )
            self._session.add(row)
            self._session.flush()
        elif row.community_id != device.community_id:
            raise RecordNotFound("device", device.id)
        row.name = device.name
        row.token_sha256 = device.token_sha256
        row.revoked_at = device.revoked_at
        row.transport_public_key = device.transport_public_key
        self._session.execute(delete(DeviceDoorRow).where(DeviceDoorRow.device_id == device.id))
        for door_id in sorted(device.door_ids):
            self._session.add(DeviceDoorRow(device_id=device.id, door_id=door_id))
        self._session.flush()
        return device

    def get(self, device_id: uuid.UUID, scope: CommunityScope) -> Device:
        row = self._session.scalar(
            select(DeviceRow).where(DeviceRow.id == device_id, scope.clause(DeviceRow.community_id))
        )
        if row is None:
            raise RecordNotFound("device", device_id)
        return self._device(row)

    def list(
        self, scope: CommunityScope, *, community_id: uuid.UUID | None = None
    ) -> builtins.list[Device]:
        query = select(DeviceRow).where(scope.clause(DeviceRow.community_id))
        if community_id is not None:
            query = query.where(DeviceRow.community_id == community_id)
        return [self._device(row) for row in self._session.scalars(query.order_by(DeviceRow.name))]

    def by_token_hash(self, token_sha256: str) -> Device | None:
        """The active device holding this token digest; a revoked device is not found."""
        row = self._session.scalar(
            select(DeviceRow).where(
                DeviceRow.token_sha256 == token_sha256, DeviceRow.revoked_at.is_(None)
            )
        )
        return None if row is None else self._device(row)

    def seen(
        self,
        device_id: uuid.UUID,
        at: datetime,
        *,
        sync_cursor: int | None = None,
        door_driver: str | None = None,
    ) -> None:
        """Note that a device called in, how far it has synced, and its door driver."""
        values: dict[str, object] = {"last_seen_at": at}
        if sync_cursor is not None:
            values["sync_cursor"] = sync_cursor
        if door_driver is not None:
            values["door_driver"] = door_driver
        self._session.execute(update(DeviceRow).where(DeviceRow.id == device_id).values(values))

    def pin_transport_key(self, device_id: uuid.UUID, public_key: str) -> str | None:
        """Pin ``public_key`` unless a key is pinned already; the device's key from now on.

        A conditional update, so two first pulls racing with different keys pin exactly one;
        once a key is pinned, a pull only reads it. ``None`` when the device does not exist.
        """
        pinned = self._session.scalar(
            select(DeviceRow.transport_public_key).where(DeviceRow.id == device_id)
        )
        if pinned is not None:
            return pinned
        self._session.execute(
            update(DeviceRow)
            .where(DeviceRow.id == device_id, DeviceRow.transport_public_key.is_(None))
            .values(transport_public_key=public_key)
        )
        return self._session.scalar(
            select(DeviceRow.transport_public_key).where(DeviceRow.id == device_id)
        )

    def revoke(self, device_id: uuid.UUID, at: datetime, scope: CommunityScope) -> None:
        row = self._session.scalar(
            select(DeviceRow).where(DeviceRow.id == device_id, scope.clause(DeviceRow.community_id))
        )
        if row is None:
            raise RecordNotFound("device", device_id)
        row.revoked_at = at
        self._session.flush()

    def template_copies(
        self, device_ids: builtins.list[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[int, datetime | None]]:
        """For each device that was sent face templates: how many people's, and when last."""
        rows = self._session.execute(
            select(
                TemplateDeviceRow.device_id,
                func.count(),
                func.max(TemplateDeviceRow.synced_at),
            )
            .where(TemplateDeviceRow.device_id.in_(device_ids))
            .group_by(TemplateDeviceRow.device_id)
        ).all()
        return {device_id: (int(count), latest) for device_id, count, latest in rows}
