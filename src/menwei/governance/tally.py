"""Counting an owners' vote exactly: area in ``Decimal``, heads in whole numbers, no rounding.

Civil Code Art 278 (R16):

* turnout — owners holding at least 2/3 of the private floor area AND at least 2/3 of the owners
  must take part;
* ordinary matters pass with MORE than 1/2 of the participating area AND of the participating
  owners (exactly one half is not enough);
* items (6)–(8) — raising the maintenance fund, rebuilding, changing the use of common parts —
  need AT LEAST 3/4 of the participating area AND of the participating owners.

Every comparison is done by cross-multiplication, so 2/3 is never approximated.

Abstentions take part (they count toward turnout) but do not approve. A head (counted owner,
see :mod:`menwei.governance.roll`) whose several units voted differently takes part but neither
approves nor opposes in the headcount: approval needs a clear yes. Each unit's area still counts
with its own unit's choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from menwei.governance.roll import OwnerRoll


class Choice(StrEnum):
    """What a ballot says."""

    APPROVE = "approve"
    OPPOSE = "oppose"
    ABSTAIN = "abstain"


class VoteRule(StrEnum):
    """Which Art 278 threshold applies; the community chooses when it publishes a proposal."""

    ORDINARY = "ordinary"
    ART_278_ITEMS_6_TO_8 = "art278_items_6_to_8"


@dataclass(frozen=True)
class Tally:
    """The counted figures of one vote. Contains counts and areas only, never a person."""

    rule: VoteRule
    total_area: Decimal
    total_heads: int
    participating_area: Decimal
    participating_heads: int
    approving_area: Decimal
    approving_heads: int
    opposing_area: Decimal
    opposing_heads: int
    abstaining_area: Decimal
    abstaining_heads: int
    divided_heads: int

    @property
    def turnout_met(self) -> bool:
        """At least 2/3 of all area and at least 2/3 of all owners took part."""
        return (
            self.participating_area * 3 >= self.total_area * 2
            and self.participating_heads * 3 >= self.total_heads * 2
        )

    @property
    def approval_met(self) -> bool:
        """The approving share of participants reaches the rule's threshold, by area and heads."""
        if self.participating_heads == 0:
            return False
        if self.rule is VoteRule.ART_278_ITEMS_6_TO_8:
            return (
                self.approving_area * 4 >= self.participating_area * 3
                and self.approving_heads * 4 >= self.participating_heads * 3
            )
        return (
            self.approving_area * 2 > self.participating_area
            and self.approving_heads * 2 > self.participating_heads
        )

    @property
    def passed(self) -> bool:
        """Both turnout and approval are met."""
        return self.turnout_met and self.approval_met

    def turnout_by_area(self) -> Fraction:
        """Participating share of all private floor area."""
        return Fraction(self.participating_area) / Fraction(self.total_area)

    def turnout_by_heads(self) -> Fraction:
        """Participating share of all owners."""
        return Fraction(self.participating_heads, self.total_heads)

    def approval_by_area(self) -> Fraction:
        """Approving share of the participating area (0 when nobody took part)."""
        if not self.participating_area:
            return Fraction(0)
        return Fraction(self.approving_area) / Fraction(self.participating_area)

    def approval_by_heads(self) -> Fraction:
        """Approving share of the participating owners (0 when nobody took part)."""
        if not self.participating_heads:
            return Fraction(0)
        return Fraction(self.approving_heads, self.participating_heads)


def percent_down(share: Fraction) -> Decimal:
    """A share in percent to one decimal place, rounded DOWN: a threshold or 100 % is shown as
    reached only when it truly is (2/3 reads 66.6, 999/1000 reads 99.9)."""
    tenths = share.numerator * 1000 // share.denominator
    return Decimal(tenths).scaleb(-1)


def count_votes(roll: OwnerRoll, choices: Iterable[tuple[str, Choice]], rule: VoteRule) -> Tally:
    """Tally one choice per unit against the roll. A unit listed twice is an error of the caller."""
    area = {choice: Decimal(0) for choice in Choice}
    head_choices: dict[str, set[Choice]] = {}
    seen: set[str] = set()
    for unit_id, choice in choices:
        if unit_id in seen:
            raise ValueError(f"unit {unit_id} has more than one effective ballot")
        seen.add(unit_id)
        unit = roll.unit(unit_id)
        choice = Choice(choice)
        area[choice] += unit.area
        head_choices.setdefault(roll.head_of(unit_id), set()).add(choice)
    heads = dict.fromkeys(Choice, 0)
    divided = 0
    for choices_of_head in head_choices.values():
        if len(choices_of_head) == 1:
            heads[next(iter(choices_of_head))] += 1
        else:
            divided += 1
    return Tally(
        rule=VoteRule(rule),
        total_area=roll.total_area,
        total_heads=roll.total_heads,
        participating_area=sum(area.values(), Decimal(0)),
        participating_heads=len(head_choices),
        approving_area=area[Choice.APPROVE],
        approving_heads=heads[Choice.APPROVE],
        opposing_area=area[Choice.OPPOSE],
        opposing_heads=heads[Choice.OPPOSE],
        abstaining_area=area[Choice.ABSTAIN],
        abstaining_heads=heads[Choice.ABSTAIN],
        divided_heads=divided,
    )
