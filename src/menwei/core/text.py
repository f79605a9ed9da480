"""What a name may hold: the one rule for people, doors, places and groups.

A name is shown on gate screens, printed on lists and written into CSV exports. One that is
only spaces shows as nothing; a bidirectional override (U+202E) makes "李娜‮txt.exe" read
backwards; a zero-width character makes two names look alike while comparing different; a
line break splits a list row or a CSV line. These are refused with a message that says which.
Everything a real name needs stays allowed: Chinese and other scripts, spaces between words,
the interpunct of transliterated names (阿卜杜拉·艾则孜, U+00B7 and U+30FB), hyphens,
apostrophes.
"""

from __future__ import annotations

import unicodedata

from menwei.core.errors import InvalidConfiguration
from menwei.text import Message

#: Directional formatting characters: embeddings, overrides, isolates and marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Characters that take no space: they make two equal-looking names differ.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e")


class InvalidName(InvalidConfiguration):
    """A name is blank or holds characters that hide or garble it."""

    code = "invalid_name"

    def __init__(self, field: str, problem: str) -> None:
        """``problem`` is the word ``problem_of`` gives; its text is ``invalid_name.<problem>``."""
        super().__init__(
            values={"problem_text": Message(f"{self.code}.{problem}")}, field=field, problem=problem
        )


def problem_of(value: str) -> str | None:
    """The first thing wrong with ``value`` as a name: a short stable word, or ``None``."""
    if not value.strip():
        return "blank"
    for char in value:
        if char in BIDI_CONTROLS:
            return "bidi"
        if char in ZERO_WIDTH:
            return "zero_width"
        if char in "\r\n\u0085\u2028\u2029" or unicodedata.category(char) in ("Zl", "Zp"):
            return "line_break"
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return "control"
    return None


def check_name(value: str, field: str = "name") -> str:
    """``value`` if it is a name that shows as written; ``InvalidName`` saying why if not."""
    problem = problem_of(value)
    if problem is None:
        return value
    raise InvalidName(field, problem)
