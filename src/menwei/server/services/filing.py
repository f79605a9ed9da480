"""The processor's filing (备案) with the cyberspace administration: its number and day.

The office records them once the filing is made; the public page then says "filed, number X,
on day Y" instead of the threshold and the count. A processor files once for all the
communities it runs, so the office of any of them records it for the processor. The number's
format differs between provinces, so it is checked loosely: letters, digits, Chinese and the
usual separators, with at least two digits. The day is read in the community's own time zone
and may not lie in the future. Each recording is written to the audit chain.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import InvalidRequest
from menwei.server.services.privacy import staff_account
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.uow import UnitOfWork

#: The audit action of a recorded filing (the processor's: no person is the subject).
FILING_RECORDED = "filing_recorded"

NUMBER_MAX = 60
#: Letters, digits, Chinese characters, brackets and separators; nothing else.
_NUMBER = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff（）()〔〕【】\[\]\-—_/.· ]{4,60}$")
#: Nothing could be filed before the Personal Information Protection Law came into force.
EARLIEST = date(2021, 11, 1)


def check_number(text: str) -> str:
    """The filing number as stored, or a refusal that says what a number looks like."""
    number = " ".join(text.split())
    if not _NUMBER.match(number) or sum(c.isdigit() for c in number) < 2:
        raise InvalidRequest(
            code="invalid_filing", message_id="filing_number_invalid", max_length=NUMBER_MAX
        )
    return number


def check_day(text: str, today: date) -> date:
    """The filing day, which must be a real day between the law's start and today."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(code="invalid_filing", message_id="filing_day_unreadable") from None
    if day > today:
        raise InvalidRequest(code="invalid_filing", message_id="filing_day_in_future")
    if day < EARLIEST:
        raise InvalidRequest(code="invalid_filing", message_id="filing_day_before_law")
    return day


@dataclass(frozen=True, slots=True)
class Filing:
    """A processor's filing as recorded: its number and the day it was filed."""

    number: str
    filed_on: date


def record_filing(
    uow: UnitOfWork,
    caller: Caller,
    *,
    number: str,
    filed_on: str,
    at: datetime,
    kit: PrivacyKit | None = None,
) -> Filing:
    """Store the filing of the processor running the caller's community; bad input refused.

    Given the ``kit``, who recorded which number is written to the audit chain.
    """
    assert caller.community_id is not None
    with uow:
        community = uow.places.community(caller.community_id, caller.scope)
        today = at.astimezone(ZoneInfo(community.timezone)).date()
        stored = check_number(number)
        day = check_day(filed_on, today)
        uow.places.record_filing(community.processor_id, stored, day)
        if kit is not None:
            kit.chain(uow.privacy).append(
                at=at,
                actor=f"staff:{staff_account(caller)}",
                action=FILING_RECORDED,
                community_id=community.id,
                detail={"number": stored, "filed_on": day.isoformat()},
            )
        uow.commit()
    return Filing(stored, day)


def filing_of(uow: UnitOfWork, processor_id: uuid.UUID) -> Filing | None:
    """The stored filing as pages show it, or ``None`` while the processor has not filed."""
    with uow:
        found = uow.places.filing(processor_id)
    if found is None:
        return None
    number, day = found
    return Filing(number, day)
