"""Properties of the tally that must hold for any roll and any ballots."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from menwei.governance import Choice, OwnedUnit, OwnerRoll, VoteRule, count_votes

areas = st.integers(min_value=1, max_value=50_000).map(lambda cents: Decimal(cents) / 100)


@st.composite
def rolls_and_choices(draw):
    """A roll of up to 25 units over up to 12 owners (shared and multi-unit ownership included)."""
    unit_count = draw(st.integers(min_value=1, max_value=25))
    people = [f"p{i}" for i in range(draw(st.integers(min_value=1, max_value=12)))]
    units = tuple(
        OwnedUnit(
            f"u{index:02d}",
            draw(areas),
            frozenset(draw(st.sets(st.sampled_from(people), min_size=1, max_size=3))),
        )
        for index in range(unit_count)
    )
    roll = OwnerRoll(units)
    voted = draw(st.sets(st.sampled_from([unit.unit_id for unit in units])))
    choices = [(unit_id, draw(st.sampled_from(list(Choice)))) for unit_id in sorted(voted)]
    return roll, choices, draw(st.sampled_from(list(VoteRule)))


@settings(max_examples=60, deadline=None)
@given(rolls_and_choices())
def test_areas_and_heads_of_each_choice_add_up_to_the_participants(case):
    roll, choices, rule = case
    tally = count_votes(roll, choices, rule)
    assert (
        tally.approving_area + tally.opposing_area + tally.abstaining_area
        == tally.participating_area
    )
    assert tally.participating_area == sum(
        (roll.unit(unit_id).area for unit_id, _ in choices), Decimal(0)
    )
    assert (
        tally.approving_heads + tally.opposing_heads + tally.abstaining_heads + tally.divided_heads
        == tally.participating_heads
    )
    assert tally.total_area == sum((unit.area for unit in roll.units), Decimal(0))
    assert tally.participating_area <= tally.total_area
    assert tally.participating_heads <= tally.total_heads <= len(roll.units)


@settings(max_examples=40, deadline=None)
@given(rolls_and_choices(), st.randoms(use_true_random=False))
def test_the_order_of_ballots_and_of_the_roll_does_not_change_the_tally(case, rng: random.Random):
    roll, choices, rule = case
    shuffled_choices = list(choices)
    rng.shuffle(shuffled_choices)
    shuffled_units = list(roll.units)
    rng.shuffle(shuffled_units)
    assert count_votes(OwnerRoll(tuple(shuffled_units)), shuffled_choices, rule) == count_votes(
        roll, choices, rule
    )


@settings(max_examples=40, deadline=None)
@given(rolls_and_choices())
def test_turning_one_opposing_ballot_into_approval_never_makes_a_vote_fail(case):
    roll, choices, rule = case
    before = count_votes(roll, choices, rule)
    for index, (unit_id, choice) in enumerate(choices):
        if choice is Choice.OPPOSE:
            changed = list(choices)
            changed[index] = (unit_id, Choice.APPROVE)
            after = count_votes(roll, changed, rule)
            assert after.passed or not before.passed
            assert after.approving_area > before.approving_area


@settings(max_examples=40, deadline=None)
@given(rolls_and_choices())
def test_whatever_passes_the_three_quarter_rule_passes_the_ordinary_rule(case):
    roll, choices, _ = case
    strict = count_votes(roll, choices, VoteRule.ART_278_ITEMS_6_TO_8)
    ordinary = count_votes(roll, choices, VoteRule.ORDINARY)
    assert ordinary.passed or not strict.passed
