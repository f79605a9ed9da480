"""People, households and places: ages for the guardian rule, move-in dates, floor areas."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from menwei.core import (
    FaceNotAllowedForRole,
    HouseholdMembership,
    InvalidConfiguration,
    Person,
    Role,
    Unit,
    age_on,
    check_face_enrolment_allowed,
)


def person(born: date | None, role: Role = Role.FAMILY_MEMBER) -> Person:
    return Person(
        id=uuid.uuid4(), community_id=uuid.uuid4(), name="小明", role=role, date_of_birth=born
    )


def test_a_child_turns_14_on_their_birthday_not_the_day_before() -> None:
    child = person(date(2012, 6, 1))
    assert child.is_under_14(date(2026, 5, 31))
    assert not child.is_under_14(date(2026, 6, 1))


def test_a_leap_day_birthday_is_reached_on_the_first_of_march() -> None:
    assert age_on(date(2012, 2, 29), date(2026, 2, 28)) == 13
    assert age_on(date(2012, 2, 29), date(2026, 3, 1)) == 14


def test_an_unknown_date_of_birth_counts_as_under_14_so_a_guardian_is_asked() -> None:
    assert person(None).is_under_14(date(2026, 1, 1))
    assert person(None).age_on(date(2026, 1, 1)) is None


@given(st.dates(max_value=date(2100, 1, 1)), st.dates(max_value=date(2100, 1, 1)))
def test_age_never_decreases_and_matches_whole_years(born: date, later: date) -> None:
    if later < born:
        with pytest.raises(InvalidConfiguration):
            age_on(born, later)
        return
    years = age_on(born, later)
    assert years >= 0
    assert (later.year - born.year) - 1 <= years <= later.year - born.year


def test_a_person_cannot_be_their_own_guardian() -> None:
    pid = uuid.uuid4()
    with pytest.raises(InvalidConfiguration):
        Person(id=pid, community_id=uuid.uuid4(), name="x", role=Role.OWNER, guardian_id=pid)


def test_a_role_given_as_text_becomes_the_role_and_nonsense_is_refused() -> None:
    assert person(None, role="tenant").role is Role.TENANT  # type: ignore[arg-type]
    with pytest.raises(InvalidConfiguration):
        person(None, role="landlord")  # type: ignore[arg-type]


def test_visitors_are_never_face_enrolled_and_residents_may_be() -> None:
    with pytest.raises(FaceNotAllowedForRole):
        check_face_enrolment_allowed(person(date(1990, 1, 1), Role.VISITOR))
    check_face_enrolment_allowed(person(date(1990, 1, 1), Role.OWNER))


def test_a_household_membership_is_current_from_move_in_until_move_out() -> None:
    stay = HouseholdMembership(
        id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        unit_id=uuid.uuid4(),
        moved_in=date(2024, 3, 1),
        moved_out=date(2026, 3, 1),
    )
    assert not stay.is_current(date(2024, 2, 29))
    assert stay.is_current(date(2024, 3, 1))
    assert stay.is_current(date(2026, 2, 28))
    assert not stay.is_current(date(2026, 3, 1))


def test_moving_out_before_moving_in_is_refused() -> None:
    with pytest.raises(InvalidConfiguration):
        HouseholdMembership(
            id=uuid.uuid4(),
            person_id=uuid.uuid4(),
            unit_id=uuid.uuid4(),
            moved_in=date(2026, 3, 1),
            moved_out=date(2026, 2, 1),
        )


def test_a_unit_keeps_its_floor_area_exact() -> None:
    unit = Unit(
        id=uuid.uuid4(), building_id=uuid.uuid4(), number="301", floor_area_m2=Decimal("89.57")
    )
    assert unit.floor_area_m2 * 3 == Decimal("268.71")


@pytest.mark.parametrize(
    "area", [Decimal(0), Decimal("-1"), Decimal("NaN"), Decimal("Infinity"), 89.5]
)
def test_a_unit_without_a_positive_exact_area_is_refused(area: object) -> None:
    with pytest.raises(InvalidConfiguration):
        Unit(id=uuid.uuid4(), building_id=uuid.uuid4(), number="301", floor_area_m2=area)  # type: ignore[arg-type]
