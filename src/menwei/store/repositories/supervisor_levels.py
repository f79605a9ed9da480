"""The level a supervisor account speaks at: 社区 (community), 街道 (sub-district) or 区 (district).

A label only: what an account may see is still its role and the communities it supervises. It
is shown in the supervisor's pages so an official sees in which capacity they are signed in.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy.orm import Session

from menwei.store.tables.governance import SupervisorLevelRow


class SupervisorLevel(StrEnum):
    COMMUNITY = "community"
    SUBDISTRICT = "subdistrict"
    DISTRICT = "district"


class SupervisorLevels:
    """Read and set the level labels (call inside a unit of work)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, account_id: uuid.UUID) -> SupervisorLevel | None:
        row = self._session.get(SupervisorLevelRow, account_id)
        return None if row is None else SupervisorLevel(row.level)

    def set(self, account_id: uuid.UUID, level: SupervisorLevel | None) -> None:
        row = self._session.get(SupervisorLevelRow, account_id)
        if level is None:
            if row is not None:
                self._session.delete(row)
        elif row is None:
            self._session.add(SupervisorLevelRow(account_id=account_id, level=level.value))
        else:
            row.level = level.value
        self._session.flush()
