"""Rights requests (access, copy, correction, deletion) with their deadlines.

A resident opens requests about themself; the community's staff list them with the days left,
fulfil them (a deletion request erases the face data and returns the receipt) or refuse them
with a reason the person will read. Opening, handling and refusing are each one transaction with
the audit entry the person later reads in their own log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from menwei.privacy.audit import AuditAction
from menwei.privacy.consent import ConsentChannel
from menwei.privacy.errors import RequestError
from menwei.privacy.receipts import DeletionReceipt
from menwei.privacy.rights import (
    RequestKind,
    RequestState,
    RightsRequest,
    correction_details,
    fulfil,
    open_request,
)
from menwei.privacy.rights import refuse as refuse_request
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import NotFound
from menwei.server.services.privacy import now, own_person_id, staff_account
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.server.services.withdrawal import erase_within
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class RequestStatus:
    """A request as its reader sees it at ``at``: overdue or not, days left while open, and the
    deletion receipt when fulfilling it erased the face data."""

    request: RightsRequest
    overdue: bool
    days_left: int | None
    receipt: DeletionReceipt | None = None

    @classmethod
    def at(
        cls, request: RightsRequest, at: datetime, receipt: DeletionReceipt | None = None
    ) -> RequestStatus:
        days_left = (request.due_at - at).days if request.state is RequestState.OPEN else None
        return cls(request, request.is_overdue(at), days_left, receipt)


# -- the records: one transaction each ---------------------------------------------------------


def open_rights_request(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    kind: RequestKind,
    at: datetime,
    details: str = "",
) -> RightsRequest:
    """A new request with the community's deadline (15 days unless configured)."""
    with uow:
        store = uow.privacy
        person = uow.people.get(person_id, CommunityScope.all())
        request = open_request(
            community_id=person.community_id,
            person_id=person_id,
            kind=kind,
            at=at,
            deadline_days=store.settings.get(person.community_id).request_deadline_days,
            details=details,
        )
        store.requests.save(request)
        kit.chain(store).append(
            at=at,
            actor=str(person_id),
            action=AuditAction.RIGHTS_REQUEST,
            person_id=person_id,
            community_id=person.community_id,
            detail={"kind": kind.value, "request_id": str(request.id)},
        )
        uow.commit()
    return request


def _log_handling(
    store: PrivacyStore, kit: PrivacyKit, closed: RightsRequest, *, at: datetime, outcome: str
) -> None:
    """The handling of a request goes into the person's log, as its opening did."""
    kit.chain(store).append(
        at=at,
        actor=f"staff:{closed.handled_by}",
        action=AuditAction.RIGHTS_REQUEST,
        person_id=closed.person_id,
        community_id=closed.community_id,
        detail={"kind": closed.kind.value, "request_id": str(closed.id), "outcome": outcome},
    )


def _existing(store: PrivacyStore, request_id: uuid.UUID) -> RightsRequest:
    request = store.requests.get(request_id)
    if request is None:
        raise RequestError(message_id="rights_request_not_found", request_id=str(request_id))
    return request


def _fulfil_within(
    uow: UnitOfWork, kit: PrivacyKit, request: RightsRequest, *, at: datetime, handled_by: str
) -> RightsRequest:
    if request.kind is RequestKind.DELETION:
        raise RequestError(message_id="deletion_needs_erasure", request_id=str(request.id))
    closed = fulfil(request, at=at, handled_by=handled_by)
    uow.privacy.requests.save(closed)
    _log_handling(uow.privacy, kit, closed, at=at, outcome="fulfilled")
    return closed


def fulfil_rights_request(
    uow: UnitOfWork, kit: PrivacyKit, *, request_id: uuid.UUID, at: datetime, handled_by: str
) -> RightsRequest:
    """Close an access, copy or correction request as fulfilled; logged for the person.

    A deletion request is fulfilled only by ``fulfil_deletion_request``, which erases."""
    with uow:
        request = _existing(uow.privacy, request_id)
        closed = _fulfil_within(uow, kit, request, at=at, handled_by=handled_by)
        uow.commit()
    return closed


def _refuse_within(
    uow: UnitOfWork,
    kit: PrivacyKit,
    request: RightsRequest,
    *,
    at: datetime,
    handled_by: str,
    reason: str,
) -> RightsRequest:
    closed = refuse_request(request, at=at, handled_by=handled_by, reason=reason)
    uow.privacy.requests.save(closed)
    _log_handling(uow.privacy, kit, closed, at=at, outcome="refused")
    return closed


def refuse_rights_request(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    request_id: uuid.UUID,
    at: datetime,
    handled_by: str,
    reason: str,
) -> RightsRequest:
    """Close a request as refused; the reason is required and shown to the person."""
    with uow:
        request = _existing(uow.privacy, request_id)
        closed = _refuse_within(uow, kit, request, at=at, handled_by=handled_by, reason=reason)
        uow.commit()
    return closed


def _fulfil_deletion_within(
    uow: UnitOfWork, kit: PrivacyKit, request: RightsRequest, *, at: datetime, handled_by: str
) -> tuple[RightsRequest, DeletionReceipt]:
    """Withdraw any live consent, erase (the data key destroyed before the caller commits),
    close the request and log it; gates learn through the change feed, as on a withdrawal."""
    if request.kind is not RequestKind.DELETION:
        raise RequestError(message_id="deletion_request_not_found", request_id=str(request.id))
    store = uow.privacy
    closed = fulfil(request, at=at, handled_by=handled_by)
    consent = store.consents.live_for(request.person_id)
    if consent is not None:
        store.consents.record_withdrawal(
            replace(
                consent,
                withdrawn_at=at,
                withdrawal_channel=ConsentChannel.STAFF_ASSISTED,
                withdrawn_by=f"staff:{handled_by}",
                written_request=f"rights-request:{request.id}",
            )
        )
    receipt = erase_within(
        uow,
        kit,
        person_id=request.person_id,
        community_id=request.community_id,
        reason="deletion_request",
        actor=f"staff:{handled_by}",
        at=at,
    )
    store.requests.save(closed)
    _log_handling(store, kit, closed, at=at, outcome="fulfilled")
    return closed, receipt


def fulfil_deletion_request(
    uow: UnitOfWork, kit: PrivacyKit, *, request_id: uuid.UUID, at: datetime, handled_by: str
) -> DeletionReceipt:
    """Erase the person's face data for their deletion request, close it, return the receipt;
    one transaction."""
    with uow:
        request = uow.privacy.requests.get(request_id)
        if request is None:
            raise RequestError(message_id="deletion_request_not_found", request_id=str(request_id))
        _, receipt = _fulfil_deletion_within(uow, kit, request, at=at, handled_by=handled_by)
        uow.commit()
    return receipt


# -- in the caller's capacity ------------------------------------------------------------------


def open_mine(
    uow: UnitOfWork,
    kit: PrivacyKit,
    caller: Caller,
    *,
    kind: RequestKind,
    details: str,
    wrong: str = "",
    correct: str = "",
) -> RequestStatus:
    """A request about the caller themself: the person is always the signed-in resident, never
    one named in the request. A correction says what is wrong and what it should be."""
    if wrong or correct or (kind is RequestKind.CORRECTION and not details.strip()):
        if kind is not RequestKind.CORRECTION:
            raise RequestError(message_id="correction_fields_only", field="wrong")
        details = correction_details(wrong=wrong, correct=correct, note=details)
    at = now()
    request = open_rights_request(
        uow, kit, person_id=own_person_id(caller), kind=kind, at=at, details=details
    )
    return RequestStatus.at(request, at)


def mine(uow: UnitOfWork, caller: Caller) -> list[RequestStatus]:
    at = now()
    with uow:
        found = uow.privacy.requests.for_person(own_person_id(caller))
    return [RequestStatus.at(r, at) for r in found]


def open_in_community(uow: UnitOfWork, caller: Caller) -> list[RequestStatus]:
    """Open requests of the community, soonest deadline first."""
    assert caller.community_id is not None
    at = now()
    with uow:
        found = uow.privacy.requests.open_in(caller.community_id)
    return [RequestStatus.at(r, at) for r in sorted(found, key=lambda r: r.due_at)]


def _in_community(uow: UnitOfWork, caller: Caller, request_id: uuid.UUID) -> RightsRequest:
    """The request, read in the caller's open unit of work; 404 outside their community."""
    found = uow.privacy.requests.get(request_id)
    if found is None or found.community_id != caller.community_id:
        raise NotFound()
    return found


def resolve(
    uow: UnitOfWork, kit: PrivacyKit, caller: Caller, request_id: uuid.UUID
) -> RequestStatus:
    """Fulfil a request, in one transaction. A deletion erases the face data and the status
    carries the receipt."""
    at = now()
    handler = staff_account(caller)
    with uow:
        request = _in_community(uow, caller, request_id)
        receipt = None
        if request.kind is RequestKind.DELETION:
            closed, receipt = _fulfil_deletion_within(uow, kit, request, at=at, handled_by=handler)
        else:
            closed = _fulfil_within(uow, kit, request, at=at, handled_by=handler)
        uow.commit()
    return RequestStatus.at(closed, at, receipt)


def refuse(
    uow: UnitOfWork, kit: PrivacyKit, caller: Caller, request_id: uuid.UUID, *, reason: str
) -> RequestStatus:
    """Refuse a request of the caller's community, with the reason the person reads."""
    at = now()
    with uow:
        request = _in_community(uow, caller, request_id)
        closed = _refuse_within(
            uow, kit, request, at=at, handled_by=staff_account(caller), reason=reason
        )
        uow.commit()
    return RequestStatus.at(closed, at)
