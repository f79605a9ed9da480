"""The change log gate devices read to know what to refresh, one cursor per community."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from menwei.store.records import Change
from menwei.store.tables import ChangeCursorRow, ChangeRow
from menwei.store.tables.types import utcnow

UPSERT = "upsert"
DELETE = "delete"


class ChangeLog:
    """Append what changed; read what changed after a cursor."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _next_seq(self, community_id: uuid.UUID) -> int:
        bump = (
            update(ChangeCursorRow)
            .where(ChangeCursorRow.community_id == community_id)
            .values(last_seq=ChangeCursorRow.last_seq + 1)
            .returning(ChangeCursorRow.last_seq)
            # cursor rows are never loaded as objects: skip scanning the session for them
            .execution_options(synchronize_session=False)
        )
        seq = self._session.execute(bump).scalar()
        if seq is not None:
            return int(seq)
        connection = self._session.connection()
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(ChangeCursorRow)
            .values(community_id=community_id, last_seq=0)
            .on_conflict_do_nothing(index_elements=["community_id"])
        )
        return int(self._session.execute(bump).scalar_one())

    def record(self, community_id: uuid.UUID, entity: str, entity_id: object, action: str) -> int:
        """Note that ``entity`` ``entity_id`` changed; returns the community's new cursor.

        The cursor row stays locked until the transaction ends, so in each community change
        numbers become visible in order: a reader at N never later finds an N-1 it skipped.
        """
        seq = self._next_seq(community_id)
        self._session.execute(
            insert(ChangeRow).values(
                community_id=community_id,
                seq=seq,
                entity=entity,
                entity_id=str(entity_id),
                action=action,
                changed_at=utcnow(),
            )
        )
        return seq

    def since(self, community_id: uuid.UUID, cursor: int, *, limit: int = 500) -> list[Change]:
        """Changes after ``cursor``, oldest first, at most ``limit``."""
        rows = self._session.scalars(
            select(ChangeRow)
            .where(ChangeRow.community_id == community_id, ChangeRow.seq > cursor)
            .order_by(ChangeRow.seq)
            .limit(max(1, limit))
        ).all()
        return [
            Change(
                community_id=row.community_id,
                seq=row.seq,
                entity=row.entity,
                entity_id=row.entity_id,
                action=row.action,
                changed_at=row.changed_at,
            )
            for row in rows
        ]

    def cursor(self, community_id: uuid.UUID) -> int:
        """The newest change number of the community (0 before the first change)."""
        value = self._session.scalar(
            select(ChangeCursorRow.last_seq).where(ChangeCursorRow.community_id == community_id)
        )
        return int(value or 0)

    def record_batch(
        self, community_id: uuid.UUID, changes: Sequence[tuple[str, object, str]]
    ) -> int:
        """Note many ``(entity, entity_id, action)`` changes with one cursor bump and one insert.

        For bulk work (an import of thousands of residents); returns the new cursor.
        """
        if not changes:
            return self.cursor(community_id)
        self._next_seq(community_id)  # creates the cursor row if needed, and locks it
        last = self._session.execute(
            update(ChangeCursorRow)
            .where(ChangeCursorRow.community_id == community_id)
            .values(last_seq=ChangeCursorRow.last_seq + len(changes) - 1)
            .returning(ChangeCursorRow.last_seq)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        first = int(last) - len(changes) + 1
        now = utcnow()
        self._session.execute(
            insert(ChangeRow),
            [
                {
                    "community_id": community_id,
                    "seq": first + offset,
                    "entity": entity,
                    "entity_id": str(entity_id),
                    "action": action,
                    "changed_at": now,
                }
                for offset, (entity, entity_id, action) in enumerate(changes)
            ],
        )
        return int(last)
