"""Whom an answer to a resident's question speaks for, read from the answering account's records.

The public page shows every answer under an organisation's name. That name must never come from
what the answerer types: a property company's clerk could otherwise sign as a sub-district
office, and residents would take the company's word for the government's. So the label is
looked up here, at the moment of answering, and stored with the answer:

* an account that belongs to a processor (property company, owners' committee or government
  office, as the platform recorded it) answers under that processor's name and kind;
* a committee member answers as the owners' committee of the question's community;
* a supervisor account with no processor answers under the name the platform administrator
  gave it (only the platform creates such accounts); without one it cannot answer;
* anyone else (staff, the platform's administrators) answers under the name of the processor
  that runs the community.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from menwei.core import ProcessorKind
from menwei.governance import AnswererRole, NoOrganisationOnRecord
from menwei.server.domain.caller import Caller
from menwei.server.policy import AccountRole
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

#: The longest label an answer stores (the column's width).
MAX_LABEL = 200
#: How a processor's kind speaks in an answer.
_ROLE_OF_KIND = {
    ProcessorKind.PROPERTY_COMPANY: AnswererRole.STAFF,
    ProcessorKind.OWNERS_COMMITTEE: AnswererRole.COMMITTEE,
    ProcessorKind.GOVERNMENT: AnswererRole.OFFICIAL,
}
COMMITTEE_SUFFIX = "业主委员会"


def answering_body(
    uow: UnitOfWork, caller: Caller, community_id: uuid.UUID
) -> tuple[AnswererRole, str]:
    """(role, organisation name) for an answer by ``caller`` in ``community_id`` (call inside
    a unit of work); :class:`NoOrganisationOnRecord` when the records name no organisation."""
    account = uow.accounts.get(caller.principal.id)
    role = AccountRole(account.role)
    if account.processor_id is not None:
        processor = uow.places.processor(account.processor_id)
        return _ROLE_OF_KIND[processor.kind], processor.name[:MAX_LABEL]
    if role is AccountRole.COMMITTEE_MEMBER:
        community = uow.places.community(community_id, CommunityScope.all())
        name = community.name[: MAX_LABEL - len(COMMITTEE_SUFFIX)]
        return AnswererRole.COMMITTEE, f"{name}{COMMITTEE_SUFFIX}"
    if role is AccountRole.SUPERVISOR:
        name = account.display_name.strip()
        if not name or name == account.login:
            raise NoOrganisationOnRecord()
        return AnswererRole.OFFICIAL, name[:MAX_LABEL]
    community = uow.places.community(community_id, CommunityScope.all())
    processor = uow.places.processor(community.processor_id)
    return _ROLE_OF_KIND[processor.kind], processor.name[:MAX_LABEL]


@dataclass(frozen=True, slots=True)
class AnsweringLabel:
    """The organisation an answer would carry, as the answer form words it: its ``name``, or
    for a committee member the community whose owners' committee it is (``committee_of``), so
    a page can word it in its own language."""

    name: str | None = None
    committee_of: str | None = None


def answering_label(
    uow: UnitOfWork, caller: Caller, community_id: uuid.UUID
) -> AnsweringLabel | None:
    """The organisation an answer by ``caller`` would carry, for the answer form; ``None`` when
    the records name none (answering is then refused)."""
    with uow:
        try:
            role, name = answering_body(uow, caller, community_id)
        except NoOrganisationOnRecord:
            return None
        account = uow.accounts.get(caller.principal.id)
        if role is AnswererRole.COMMITTEE and account.processor_id is None:
            community = uow.places.community(community_id, CommunityScope.all())
            return AnsweringLabel(committee_of=community.name)
    return AnsweringLabel(name=name)
