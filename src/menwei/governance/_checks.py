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
        raise InvalidInput(field, "应为文字", "it must be text")
    cleaned = value.replace("\r\n", "\n").strip()
    if not cleaned:
        raise InvalidInput(field, "不能为空", "it must not be empty")
    if len(cleaned) > max_length:
        raise InvalidInput(
            field, f"不能超过 {max_length} 个字", f"it must be at most {max_length} characters"
        )
    allowed = _ALLOWED_CONTROLS if multiline else set()
    for char in cleaned:
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"} and char not in allowed:
            raise InvalidInput(
                field, "含有不可见的控制字符", "it contains invisible control characters"
            )
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
        raise InvalidInput(field, "应为记录编号", "it must be a record id (UUID)")
    return value


def aware(field: str, value: object) -> datetime:
    """A datetime that knows its time zone; naive times are ambiguous across time zones."""
    if not isinstance(value, datetime):
        raise InvalidInput(field, "应为日期时间", "it must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(field, "必须带时区", "it must carry a time zone")
    return value


def area(field: str, value: object) -> Decimal:
    """A private floor area in square metres: an exact, finite, positive decimal.

    Floats are refused, because their binary rounding would make tallies inexact. The register
    records areas to the hundredth of a square metre; four places leave room for any source.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidInput(field, "应为精确的十进制数", "it must be an exact decimal number")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(field, "不是数字", "it is not a number") from None
    if not number.is_finite() or number <= 0:
        raise InvalidInput(field, "必须大于零", "it must be greater than zero")
    if number >= MAX_AREA or number.as_tuple().exponent < -AREA_DECIMALS:  # type: ignore[operator]
        raise InvalidInput(
            field,
            f"应小于 {MAX_AREA} 平方米且最多 {AREA_DECIMALS} 位小数",
            f"it must be below {MAX_AREA} m² with at most {AREA_DECIMALS} decimal places",
        )
    return number


def count(field: str, value: object) -> int:
    """A non-negative whole number."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, "应为整数", "it must be a whole number")
    if value < 0:
        raise InvalidInput(field, "不能为负数", "it must not be negative")
    return value
