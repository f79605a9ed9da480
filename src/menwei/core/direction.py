"""Which way a door is passed: in, out, or either (a two-way door whose reader cannot tell)."""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    IN = "in"
    OUT = "out"
    BOTH = "both"
