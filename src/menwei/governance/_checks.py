"""Checks on values entering governance, so bad input fails with a typed, readable error.

Text arrives from residents and staff through forms and paper ballots; it may be empty, huge,
of the wrong type, or carry control characters meant to break a page or a CSV file.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from menwei.governance.errors import InvalidInput

_ALLOWED_CONTROLS = {"\n", "\t"}
MAX_ID = 128
# Bounds that keep every sum of areas exact within Decimal's default 28 significant digits.
MAX_AREA = Decimal(1_000_000)
AREA_DECIMALS = 4


def text(field: str, value: object, *, max_length: int, multiline: bool = True) -> str:
    """Stripped text without control characters, not empty, at most ``max_length`` characters."""
    if not isinstance(value, str):
        raise InvalidInput(field, "invalid_input.must_text")
    cleaned = value.replace("\r\n", "\n").strip()
    if not cleaned:
        raise InvalidInput(field, "invalid_input.must_not_empty")
    if len(cleaned) > max_length:
        raise InvalidInput(field, "invalid_input.too_long", max_length=max_length)
    allowed = _ALLOWED_CONTROLS if multiline else set()
    for char in cleaned:
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"} and char not in allowed:
            raise InvalidInput(field, "invalid_input.contains_invisible_control_characters")
    return cleaned


def identifier(field: str, value: object) -> str:
    """An opaque record identifier: short single-line text, or a UUID given as one."""
    if isinstance(value, uuid.UUID):
        return str(value)
    return text(field, value, max_length=MAX_ID, multiline=False)


def record_id(field: str, value: object) -> uuid.UUID:
    """A record's id (community, proposal, notice, question): a UUID, as the store issues them.

    Text is refused rather than parsed, so an id is converted once, where it enters the process.
    """
    if not isinstance(value, uuid.UUID):
        raise InvalidInput(field, "invalid_input.must_record_id")
    return value


def aware(field: str, value: object) -> datetime:
    """A datetime that knows its time zone; naive times are ambiguous across time zones."""
    if not isinstance(value, datetime):
        raise InvalidInput(field, "invalid_input.must_date_time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(field, "invalid_input.must_carry_time_zone")
    return value


def area(field: str, value: object) -> Decimal:
    """A private floor area in square metres: an exact, finite, positive decimal.

    Floats are refused, because their binary rounding would make tallies inexact. The register
    records areas to the hundredth of a square metre; four places leave room for any source.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidInput(field, "invalid_input.must_exact_decimal_number")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(field, "invalid_input.not_number") from None
    if not number.is_finite() or number <= 0:
        raise InvalidInput(field, "invalid_input.must_greater_zero")
    if number >= MAX_AREA or number.as_tuple().exponent < -AREA_DECIMALS:  # type: ignore[operator]
        raise InvalidInput(
            field,
            "invalid_input.must_below_max_area",
            max_area=MAX_AREA,
            area_decimals=AREA_DECIMALS,
        )
    return number


def count(field: str, value: object) -> int:
    """A non-negative whole number."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, "invalid_input.must_whole_number")
    if value < 0:
        raise InvalidInput(field, "invalid_input.must_not_negative")
    return value
