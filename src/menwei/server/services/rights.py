"""Rights requests (access, copy, correction, deletion) with their deadlines.

A resident opens requests about themself; the community's staff list them with the days left,
fulfil them (a deletion request erases the face data and returns the receipt) or refuse them
with a reason the person will read.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from menwei.privacy.errors import RequestError
from menwei.privacy.rights import (
    RequestKind,
    RequestState,
    RightsRequest,
    correction_details,
)
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import NotFound
from menwei.server.services import privacy_operations as ops
from menwei.server.services.privacy import now, own_person_id, staff_account
from menwei.server.services.privacy_operations import PrivacyKit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork


def request_public(request: RightsRequest, at: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in asdict(request).items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
        elif isinstance(value, uuid.UUID):
            out[key] = str(value)
        elif isinstance(value, RequestKind | RequestState):
            out[key] = value.value
        else:
            out[key] = value
    out["overdue"] = request.is_overdue(at)
    out["days_left"] = (request.due_at - at).days if request.state is RequestState.OPEN else None
    return out


def open_mine(
    uow: UnitOfWork,
    kit: PrivacyKit,
    caller: Caller,
    *,
    kind: RequestKind,
    details: str,
    wrong: str = "",
    correct: str = "",
) -> dict[str, Any]:
    """A request about the caller themself: the person is always the signed-in resident, never
    one named in the request. A correction says what is wrong and what it should be."""
    if wrong or correct or (kind is RequestKind.CORRECTION and not details.strip()):
        if kind is not RequestKind.CORRECTION:
            raise RequestError(
                "只有更正申请需要填写有误的信息和正确的内容。",
                "Only a correction request takes a wrong and a correct value.",
                field="wrong",
            )
        details = correction_details(wrong=wrong, correct=correct, note=details)
    at = now()
    request = ops.open_rights_request(
        uow, kit, person_id=own_person_id(caller), kind=kind, at=at, details=details
    )
    return request_public(request, at)


def mine(uow: UnitOfWork, caller: Caller) -> list[dict[str, Any]]:
    at = now()
    with uow:
        found = PrivacyStore(uow.session).requests.for_person(own_person_id(caller))
    return [request_public(r, at) for r in found]


def open_in_community(uow: UnitOfWork, caller: Caller) -> list[dict[str, Any]]:
    """Open requests of the community, soonest deadline first."""
    assert caller.community_id is not None
    at = now()
    with uow:
        found = PrivacyStore(uow.session).requests.open_in(caller.community_id)
    return [request_public(r, at) for r in sorted(found, key=lambda r: r.due_at)]


def _request(uow: UnitOfWork, caller: Caller, request_id: uuid.UUID) -> RightsRequest:
    with uow:
        found = PrivacyStore(uow.session).requests.get(request_id)
    if found is None or found.community_id != caller.community_id:
        raise NotFound()
    return found


def resolve(
    uow: UnitOfWork, kit: PrivacyKit, caller: Caller, request_id: uuid.UUID
) -> dict[str, Any]:
    """Fulfil a request. A deletion erases the face data and adds the receipt to the answer."""
    request = _request(uow, caller, request_id)
    at = now()
    handler = staff_account(caller)
    if request.kind is RequestKind.DELETION:
        receipt = ops.fulfil_deletion_request(
            uow, kit, request_id=request_id, at=at, handled_by=handler
        )
        with uow:
            closed = PrivacyStore(uow.session).requests.get(request_id)
        assert closed is not None
        return {**request_public(closed, at), "receipt": receipt}
    closed = ops.fulfil_rights_request(uow, kit, request_id=request_id, at=at, handled_by=handler)
    return request_public(closed, at)


def refuse(
    uow: UnitOfWork, kit: PrivacyKit, caller: Caller, request_id: uuid.UUID, *, reason: str
) -> dict[str, Any]:
    _request(uow, caller, request_id)
    at = now()
    closed = ops.refuse_rights_request(
        uow, kit, request_id=request_id, at=at, handled_by=staff_account(caller), reason=reason
    )
    return request_public(closed, at)
