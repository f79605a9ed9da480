"""Names for ids, for what people read: doors by the devices serving them, people, communities.

Logs and exports keep ids so they can be checked; the pages, files and commands people read
show names instead, and take them from here.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from menwei.store.tables import CommunityRow
from menwei.store.tables.devices import DeviceDoorRow
from menwei.store.tables.people import PersonRow
from menwei.store.tables.places import DoorRow


class NameLookups:
    """Id-to-name look-ups on one session (``uow.names``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def doors_of_devices(self, devices: Collection[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
        """``(device id, door name)`` for every door each device serves, by door name."""
        if not devices:
            return []
        rows = self._session.execute(
            select(DeviceDoorRow.device_id, DoorRow.name)
            .join(DoorRow, DoorRow.id == DeviceDoorRow.door_id)
            .where(DeviceDoorRow.device_id.in_(devices))
            .order_by(DoorRow.name)
        ).all()
        return [(device_id, name) for device_id, name in rows]

    def people_of_community(self, community_id: uuid.UUID) -> dict[uuid.UUID, str]:
        """Every person of the community by id."""
        rows = self._session.execute(
            select(PersonRow.id, PersonRow.name).where(PersonRow.community_id == community_id)
        ).all()
        return {row.id: row.name for row in rows}

    def communities(self, community_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        """The names of the communities asked for; an unknown id is left out."""
        if not community_ids:
            return {}
        rows = self._session.execute(
            select(CommunityRow.id, CommunityRow.name).where(CommunityRow.id.in_(community_ids))
        ).all()
        return {row.id: row.name for row in rows}
