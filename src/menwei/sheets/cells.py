"""Spreadsheet safety for cells the store reads from or writes to CSV and Excel files.

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is run as a formula by
Excel and WPS (``=cmd|' /C calc'!A0``). Exported cells are defused with a leading apostrophe;
imported cells are refused, because a name or card number never legitimately starts that way.
"""

from __future__ import annotations

import unicodedata

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def defuse(text: str) -> str:
    """The cell as it may be written to a CSV a person will open in a spreadsheet."""
    return "'" + text if looks_like_formula(text) else text


def has_control_characters(text: str) -> bool:
    """Control and format characters (NUL, bidi overrides, zero-width joiners …)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)
