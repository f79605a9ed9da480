"""The tailgating rule: more distinct people crossed than were let in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from menwei.core import (
    CredentialKind,
    Crossing,
    Direction,
    Door,
    DoorKind,
    InvalidConfiguration,
    TailgatingMode,
    TailgatingRule,
    assess_tailgating,
    is_tailgating,
)

T0 = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


RULE = TailgatingRule(window=timedelta(seconds=6))


def test_one_card_and_one_person_is_not_tailgating() -> None:
    verdict = assess_tailgating([s(0)], [Crossing(1, s(2)), Crossing(1, s(2.5))], RULE)
    assert not verdict.tailgating and verdict.crossings == 1


def test_one_card_and_two_people_is_tailgating() -> None:
    verdict = assess_tailgating([s(0)], [Crossing(1, s(2)), Crossing(2, s(3))], RULE)
    assert verdict.tailgating and verdict.extra_people == 1


def test_two_authorisations_cover_two_people() -> None:
    assert not assess_tailgating(
        [s(0), s(1)], [Crossing(1, s(2)), Crossing(2, s(3))], RULE
    ).tailgating


def test_someone_crossing_after_the_window_belongs_to_no_episode() -> None:
    verdict = assess_tailgating([s(0)], [Crossing(1, s(2)), Crossing(2, s(6))], RULE)
    assert not verdict.tailgating and verdict.crossings == 1


def test_a_later_authorisation_extends_the_window() -> None:
    verdict = assess_tailgating([s(0), s(5)], [Crossing(1, s(2)), Crossing(2, s(10))], RULE)
    assert verdict.crossings == 2 and not verdict.tailgating


def test_tolerance_forgives_the_configured_number_of_extra_people() -> None:
    lenient = TailgatingRule(window=timedelta(seconds=6), tolerance=1)
    crossings = [Crossing(1, s(1)), Crossing(2, s(2))]
    assert not assess_tailgating([s(0)], crossings, lenient).tailgating
    assert assess_tailgating([s(0)], [*crossings, Crossing(3, s(3))], lenient).tailgating


def test_people_crossing_with_no_authorisation_at_all_are_tailgating() -> None:
    assert assess_tailgating([], [Crossing("a", s(1))], RULE).tailgating


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 5))
def test_the_count_rule_flags_exactly_the_excess(
    granted: int, crossed: int, tolerance: int
) -> None:
    rule = TailgatingRule(tolerance=tolerance)
    assert is_tailgating(granted, crossed, rule) is (crossed - granted > tolerance)


def test_a_window_must_be_positive_and_tolerance_not_negative() -> None:
    with pytest.raises(InvalidConfiguration):
        TailgatingRule(window=timedelta(0))
    with pytest.raises(InvalidConfiguration):
        TailgatingRule(tolerance=-1)


def _door(accepts: set[str], **extra: object) -> Door:
    return Door(
        id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        name="南大门",
        kind=DoorKind.GATE,
        direction=Direction.IN,
        accepts=frozenset(CredentialKind(k) for k in accepts),
        **extra,  # type: ignore[arg-type]
    )


def test_each_door_alerts_by_default_and_a_door_without_a_camera_watches_nothing() -> None:
    assert _door({"face", "card"}).tailgating_in_effect is TailgatingMode.ALERT
    held = _door({"face", "card"}, tailgating="hold")
    assert held.tailgating is TailgatingMode.HOLD and held.tailgating_in_effect.watches
    no_camera = _door({"card", "qr"}, tailgating="hold")
    assert no_camera.tailgating is TailgatingMode.HOLD  # kept as set, for when a camera comes
    assert no_camera.tailgating_in_effect is TailgatingMode.OFF
    assert not no_camera.tailgating_in_effect.watches


def test_an_unknown_rule_is_refused_in_both_languages() -> None:
    with pytest.raises(InvalidConfiguration) as refused:
        _door({"face", "card"}, tailgating="lock_everyone_out")
    assert "南大门" in refused.value.message_zh and "not recognised" in refused.value.message_en
