"""Looking a message up by its id in the compiled ``errors`` catalogue and filling in its values.

The catalogue is compiled from ``locale/{zh_CN,en}/LC_MESSAGES/errors.po`` (``make catalogs``).
A message's named placeholders (``{field}``) are filled with ``str.format``; a value that is
itself a :class:`Message` (or a :class:`Bilingual` pair) is put into words in the same language
first.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "errors"
DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")


def _folder(locale: str) -> str:
    """The catalogue folder for ``locale``: English for any ``en*``, else Chinese."""
    return "en" if locale.lower().startswith("en") else "zh_CN"


@cache
def _catalogue(folder: str) -> gettext.NullTranslations:
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[folder])
    except OSError:  # a missing catalogue answers every id with the id itself
        return gettext.NullTranslations()


def has_message(message_id: str, locale: str = DEFAULT_LOCALE) -> bool:
    """Whether the catalogue for ``locale`` holds a text for ``message_id``."""
    return _catalogue(_folder(locale)).gettext(message_id) != message_id


def translate(message_id: str, locale: str = DEFAULT_LOCALE, /, **values: object) -> str:
    """The text of ``message_id`` in ``locale`` with its placeholders filled from ``values``.

    An id the catalogue lacks comes back as itself, so a missing text shows as its stable id
    rather than failing the refusal it should explain.
    """
    template = _catalogue(_folder(locale)).gettext(message_id)
    filled = {
        name: value.render(locale) if isinstance(value, Message | Bilingual) else value
        for name, value in values.items()
    }
    try:
        return template.format(**filled)
    except (KeyError, IndexError, ValueError):
        return template


@dataclass(frozen=True)
class Message:
    """A text not yet put into words: its message id and the values its placeholders name."""

    message_id: str
    values: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, message_id: str, /, **values: object) -> Message:
        """``Message.of("weak_pin", min_digits=6)``: the id and its values in one call."""
        return cls(message_id, values)

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        """The text in ``locale`` (zh-CN unless it asks for English)."""
        return translate(self.message_id, locale, **self.values)


@dataclass(frozen=True)
class Bilingual:
    """A value that already exists in both languages (a form's field label from a domain table),
    to be placed into a catalogued message in the reader's language."""

    zh: str
    en: str

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        """``en`` for an English reader, ``zh`` for everyone else."""
        return self.en if locale.lower().startswith("en") else self.zh
