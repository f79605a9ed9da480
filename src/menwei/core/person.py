"""People and their households: roles, date of birth, guardians, move-in and move-out.

Date of birth matters because under-14s need a guardian's consent before any face enrolment
(PIPL Art 28, 31; R4); ``age_on`` and ``is_under_14`` are what the privacy room's guardian rule
calls.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from menwei.core.errors import InvalidConfiguration
from menwei.core.text import check_name

GUARDIAN_AGE = 14


class Role(StrEnum):
    OWNER = "owner"  # 业主
    FAMILY_MEMBER = "family_member"  # 家庭成员
    TENANT = "tenant"  # 租户
    STAFF = "staff"  # 物业工作人员
    VISITOR = "visitor"  # 访客

    @property
    def is_resident(self) -> bool:
        return self in (Role.OWNER, Role.FAMILY_MEMBER, Role.TENANT)


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """Anyone who passes a door. ``guardian_id`` links a child to the adult who consents."""

    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    role: Role
    date_of_birth: date | None = None
    guardian_id: uuid.UUID | None = None
    phone: str = ""

    def __post_init__(self) -> None:
        check_name(self.name)
        try:
            object.__setattr__(self, "role", Role(self.role))
        except ValueError:
            raise InvalidConfiguration(
                message_id="invalid_configuration.unknown_role", values={"role": self.role}
            ) from None
        if self.guardian_id is not None and self.guardian_id == self.id:
            raise InvalidConfiguration(message_id="invalid_configuration.person_cannot_their_own")

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day``; ``None`` when the date of birth is unknown."""
        return None if self.date_of_birth is None else age_on(self.date_of_birth, day)

    def is_under_14(self, day: date) -> bool:
        """Whether a guardian must consent for this person on ``day``.

        An unknown date of birth counts as under 14: the safe side for consent is to ask.
        """
        age = self.age_on(day)
        return age is None or age < GUARDIAN_AGE


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years completed on ``day``; someone born on 29 February ages on 1 March."""
    if day < date_of_birth:
        raise InvalidConfiguration(message_id="invalid_configuration.date_birth_after_day")
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseholdMembership:
    """A person living in a unit from ``moved_in`` until ``moved_out`` (exclusive), if set."""

    id: uuid.UUID
    person_id: uuid.UUID
    unit_id: uuid.UUID
    moved_in: date
    moved_out: date | None = None

    def __post_init__(self) -> None:
        if self.moved_out is not None and self.moved_out < self.moved_in:
            raise InvalidConfiguration(message_id="invalid_configuration.move_out_date_before")

    def is_current(self, day: date) -> bool:
        """Whether the person lives in the unit on ``day``."""
        return self.moved_in <= day and (self.moved_out is None or day < self.moved_out)
