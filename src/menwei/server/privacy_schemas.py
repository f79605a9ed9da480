"""The API's answers about privacy: typed schemas built from what the services return.

Timestamps are written as the services always wrote them (``datetime.isoformat``, with the
``+00:00`` offset), so the JSON the API answers does not change with the typed values behind it.
A deletion receipt travels as its signed document, exactly as issued, or it would not verify.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from menwei.privacy.receipts import DeletionReceipt
from menwei.server.services.rights import RequestStatus


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def receipt_json(receipt: DeletionReceipt) -> dict[str, Any]:
    """The signed receipt as the person downloads it (``menwei receipt verify`` checks it)."""
    return receipt.document()


class RightsRequestOut(BaseModel):
    """A rights request with its deadline as its reader sees it now."""

    id: str
    community_id: str
    person_id: str
    kind: str
    received_at: str
    due_at: str
    details: str
    state: str
    closed_at: str | None
    handled_by: str | None
    refusal_reason: str | None
    overdue: bool
    days_left: int | None
    #: present only when fulfilling a deletion request erased the face data
    receipt: dict[str, Any] | None = None

    @classmethod
    def of(cls, status: RequestStatus) -> RightsRequestOut:
        request = status.request
        return cls(
            id=str(request.id),
            community_id=str(request.community_id),
            person_id=str(request.person_id),
            kind=request.kind.value,
            received_at=request.received_at.isoformat(),
            due_at=request.due_at.isoformat(),
            details=request.details,
            state=request.state.value,
            closed_at=_iso(request.closed_at),
            handled_by=request.handled_by,
            refusal_reason=request.refusal_reason,
            overdue=status.overdue,
            days_left=status.days_left,
            receipt=None if status.receipt is None else receipt_json(status.receipt),
        )

    def as_json(self) -> dict[str, Any]:
        """The answer's JSON; ``receipt`` appears only when there is one."""
        return self.model_dump(exclude={"receipt"} if self.receipt is None else set())


def request_json(status: RequestStatus) -> dict[str, Any]:
    return RightsRequestOut.of(status).as_json()
