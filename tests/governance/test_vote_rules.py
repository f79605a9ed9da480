"""Art 278 thresholds on small rolls where every figure can be checked by hand."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from menwei.governance import Choice, VoteRule

A, N, X = Choice.APPROVE, Choice.OPPOSE, Choice.ABSTAIN


def _close(vote, choices, during, after):
    for unit_id, choice in choices.items():
        owner = sorted(vote.roll.unit(unit_id).owner_ids)[0]
        vote.cast_online(unit_id=unit_id, voter_id=owner, choice=choice, at=during)
    return vote.close(after).tally


def test_turnout_of_exactly_two_thirds_by_area_and_owners_is_enough(
    roll_of, vote_on, during, after
):
    roll = roll_of(("u1", "90", {"a"}), ("u2", "90", {"b"}), ("u3", "90", {"c"}))
    tally = _close(vote_on(roll), {"u1": A, "u2": A}, during, after)
    assert tally.turnout_by_area() == Fraction(2, 3)
    assert tally.turnout_by_heads() == Fraction(2, 3)
    assert tally.turnout_met
    assert tally.passed


def test_turnout_a_hundredth_of_a_square_metre_short_of_two_thirds_fails(
    roll_of, vote_on, during, after
):
    roll = roll_of(("u1", "90", {"a"}), ("u2", "90", {"b"}), ("u3", "90.01", {"c"}))
    tally = _close(vote_on(roll), {"u1": A, "u2": A}, during, after)
    assert tally.turnout_by_heads() == Fraction(2, 3)
    assert not tally.turnout_met
    assert not tally.passed


def test_turnout_needs_two_thirds_of_owners_as_well_as_area(roll_of, vote_on, during, after):
    roll = roll_of(("big", "800", {"a"}), ("s1", "50", {"b"}), ("s2", "50", {"c"}))
    tally = _close(vote_on(roll), {"big": A}, during, after)
    assert tally.turnout_by_area() > Fraction(2, 3)
    assert tally.turnout_by_heads() == Fraction(1, 3)
    assert not tally.turnout_met


def test_exactly_half_of_participants_approving_does_not_pass_an_ordinary_matter(
    equal_roll, vote_on, during, after
):
    tally = _close(vote_on(equal_roll), {"u1": A, "u2": A, "u3": N, "u4": N}, during, after)
    assert tally.approval_by_area() == Fraction(1, 2)
    assert tally.approval_by_heads() == Fraction(1, 2)
    assert tally.turnout_met
    assert not tally.approval_met
    assert not tally.passed


def test_more_than_half_of_participants_passes_an_ordinary_matter(
    equal_roll, vote_on, during, after
):
    tally = _close(vote_on(equal_roll), {"u1": A, "u2": A, "u3": A, "u4": N}, during, after)
    assert tally.passed


def test_approval_needs_a_majority_of_owners_as_well_as_of_area(roll_of, vote_on, during, after):
    roll = roll_of(("big", "400", {"a"}), ("s1", "50", {"b"}), ("s2", "50", {"c"}))
    tally = _close(vote_on(roll), {"big": A, "s1": N, "s2": N}, during, after)
    assert tally.approval_by_area() == Fraction(4, 5)
    assert tally.approval_by_heads() == Fraction(1, 3)
    assert not tally.passed


def test_exactly_three_quarters_passes_an_item_6_to_8_matter(equal_roll, vote_on, during, after):
    vote = vote_on(equal_roll, rule=VoteRule.ART_278_ITEMS_6_TO_8)
    tally = _close(vote, {"u1": A, "u2": A, "u3": A, "u4": N}, during, after)
    assert tally.approval_by_area() == Fraction(3, 4)
    assert tally.passed


def test_two_thirds_approval_passes_an_ordinary_matter_but_not_an_item_6_to_8_matter(
    roll_of, vote_on, during, after
):
    units = (("u1", "80", {"a"}), ("u2", "80", {"b"}), ("u3", "80", {"c"}))
    choices = {"u1": A, "u2": A, "u3": N}
    ordinary = _close(vote_on(roll_of(*units)), choices, during, after)
    strict = _close(
        vote_on(roll_of(*units), rule=VoteRule.ART_278_ITEMS_6_TO_8), choices, during, after
    )
    assert ordinary.passed
    assert not strict.passed


def test_abstentions_count_toward_turnout_but_not_toward_approval(roll_of, vote_on, during, after):
    roll = roll_of(*((f"u{i}", "100", {f"o{i}"}) for i in range(1, 7)))
    tally = _close(vote_on(roll), {"u1": A, "u2": A, "u3": X, "u4": X}, during, after)
    assert tally.turnout_met
    assert tally.participating_heads == 4
    assert tally.abstaining_heads == 2
    assert tally.abstaining_area == Decimal(200)
    assert tally.approval_by_heads() == Fraction(1, 2)
    assert not tally.passed


def test_nobody_voting_fails_without_dividing_by_zero(equal_roll, vote_on, after):
    tally = vote_on(equal_roll).close(after).tally
    assert tally.participating_heads == 0
    assert tally.approval_by_area() == 0
    assert not tally.passed


def test_a_co_owned_unit_counts_as_one_owner_with_its_whole_area(roll_of, vote_on, during, after):
    roll = roll_of(("u1", "120.50", {"wife", "husband"}), ("u2", "60", {"c"}), ("u3", "60", {"d"}))
    assert roll.total_heads == 3
    vote = vote_on(roll)
    vote.cast_online(unit_id="u1", voter_id="wife", choice=A, at=during)
    vote.cast_online(unit_id="u1", voter_id="husband", choice=A, at=during)
    vote.cast_online(unit_id="u2", voter_id="c", choice=N, at=during)
    tally = vote.close(after).tally
    assert tally.participating_heads == 2
    assert tally.approving_heads == 1
    assert tally.approving_area == Decimal("120.50")
    assert tally.approval_by_heads() == Fraction(1, 2)
    assert not tally.passed


def test_an_owner_of_several_units_counts_once_by_head_and_for_every_unit_by_area(
    roll_of, vote_on, during, after
):
    roll = roll_of(
        ("u1", "100", {"landlord"}),
        ("u2", "100", {"landlord"}),
        ("u3", "100", {"landlord"}),
        ("u4", "100", {"b"}),
        ("u5", "100", {"c"}),
    )
    assert roll.total_heads == 3
    assert roll.total_area == Decimal(500)
    tally = _close(vote_on(roll), {"u1": A, "u2": A, "u3": A, "u4": A}, during, after)
    assert tally.participating_heads == 2
    assert tally.approving_heads == 2
    assert tally.approving_area == Decimal(400)
    assert tally.turnout_by_heads() == Fraction(2, 3)
    assert tally.passed


def test_units_linked_through_a_shared_owner_count_as_one_owner(roll_of):
    roll = roll_of(("a1", "80", {"p", "q"}), ("b2", "70", {"q"}), ("c3", "90", {"r"}))
    assert roll.total_heads == 2
    assert roll.head_of("b2") == roll.head_of("a1") == "a1"
    assert roll.head_of("c3") == "c3"


def test_an_owner_whose_units_vote_differently_takes_part_but_does_not_approve_by_head(
    roll_of, vote_on, during, after
):
    roll = roll_of(("u1", "100", {"p"}), ("u2", "100", {"p"}), ("u3", "100", {"q"}))
    tally = _close(vote_on(roll), {"u1": A, "u2": N, "u3": A}, during, after)
    assert tally.participating_heads == 2
    assert tally.divided_heads == 1
    assert tally.approving_heads == 1
    assert tally.approving_area == Decimal(200)
    assert tally.opposing_area == Decimal(100)
    assert tally.approval_by_heads() == Fraction(1, 2)
    assert not tally.passed
