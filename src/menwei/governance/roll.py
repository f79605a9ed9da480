"""The owners' roll (业主名册) of one vote: units, their private floor area, and who owns them.

How Civil Code Art 278 counts owners, as this module reads it
-------------------------------------------------------------
Art 278 measures every joint decision twice: by 专有部分面积 (private floor area) and by
业主人数 (number of owners). The Supreme People's Court interpretation on ownership of
building units (法释〔2009〕7号, as amended in 2020, Art 8 and 9) says how to count them:

* Area is the private floor area of each unit as recorded in the property register; the total is
  the sum over all units. Every unit's area counts, whoever owns it — an owner of three units
  brings the area of all three.
* Owners are counted by units: one unit counts as one owner, so the co-owners (共有人) of one
  unit together count as ONE owner, however many names the register shows.
* A buyer who holds more than one unit counts as ONE owner, and so do the developer's unsold
  units.

Putting the two together, a person must never count twice in the headcount. This module groups
units into *heads*: two units belong to the same head when they share an owner, directly or
through a chain of shared owners (e.g. flat A is owned by a couple and flat B by one of them).
Each head counts once in the headcount; each unit counts its own area. The key of a head is the
smallest unit id in it, so results never need to name a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from menwei.governance import _checks
from menwei.governance.errors import InvalidInput, NotAnOwnerOfUnit


@dataclass(frozen=True)
class OwnedUnit:
    """One unit on the roll: its private floor area (m²) and the ids of its registered owners."""

    unit_id: str
    area: Decimal
    owner_ids: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_id", _checks.identifier("unit_id", self.unit_id))
        object.__setattr__(self, "area", _checks.area("area", self.area))
        if isinstance(self.owner_ids, str) or not isinstance(self.owner_ids, Iterable):
            raise InvalidInput("owner_ids", "invalid_input.must_set_owner_ids")
        owners = frozenset(_checks.identifier("owner_id", owner) for owner in self.owner_ids)
        if not owners:
            raise InvalidInput("owner_ids", "invalid_input.owner_missing")
        object.__setattr__(self, "owner_ids", owners)


@dataclass(frozen=True)
class OwnerRoll:
    """The roll a vote is counted against, fixed when the proposal is published."""

    units: tuple[OwnedUnit, ...]
    _by_id: Mapping[str, OwnedUnit] = field(init=False, repr=False, compare=False)
    _head_of: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        units = tuple(sorted(self.units, key=lambda unit: unit.unit_id))
        if not units:
            raise InvalidInput("units", "invalid_input.owners_roll_must_not")
        by_id: dict[str, OwnedUnit] = {}
        for unit in units:
            if not isinstance(unit, OwnedUnit):
                raise InvalidInput("units", "invalid_input.roll_entry_malformed")
            if unit.unit_id in by_id:
                raise InvalidInput("units", "invalid_input.unit_listed_twice", unit_id=unit.unit_id)
            by_id[unit.unit_id] = unit
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        object.__setattr__(self, "_head_of", MappingProxyType(_group_into_heads(units)))

    @property
    def total_area(self) -> Decimal:
        """Sum of every unit's private floor area."""
        return sum((unit.area for unit in self.units), Decimal(0))

    @property
    def total_heads(self) -> int:
        """Number of owners as Art 278 counts them (see the module's docstring)."""
        return len(set(self._head_of.values()))

    def unit(self, unit_id: str) -> OwnedUnit:
        """The unit on the roll, or :class:`NotAnOwnerOfUnit` when it is not there."""
        try:
            return self._by_id[unit_id]
        except KeyError:
            raise NotAnOwnerOfUnit(str(unit_id)) from None

    def head_of(self, unit_id: str) -> str:
        """The key of the head (counted owner) a unit belongs to."""
        self.unit(unit_id)
        return self._head_of[unit_id]

    def require_owner(self, unit_id: str, owner_id: str) -> OwnedUnit:
        """The unit, provided ``owner_id`` is one of its registered owners."""
        unit = self.unit(unit_id)
        if owner_id not in unit.owner_ids:
            raise NotAnOwnerOfUnit(unit_id)
        return unit


def _group_into_heads(units: tuple[OwnedUnit, ...]) -> dict[str, str]:
    """Union-find over units sharing an owner; each group is keyed by its smallest unit id."""
    parent = {unit.unit_id: unit.unit_id for unit in units}

    def find(unit_id: str) -> str:
        while parent[unit_id] != unit_id:
            parent[unit_id] = parent[parent[unit_id]]
            unit_id = parent[unit_id]
        return unit_id

    first_unit_of_owner: dict[str, str] = {}
    for unit in units:
        for owner in unit.owner_ids:
            other = first_unit_of_owner.setdefault(owner, unit.unit_id)
            a, b = find(other), find(unit.unit_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {unit.unit_id: find(unit.unit_id) for unit in units}
