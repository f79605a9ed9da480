"""User-facing messages of the server in zh-CN (the default) and en.

A message is looked up by a stable code in the ``errors`` catalogue (``menwei.text``); the
language comes from the signed-in user's locale or the ``Accept-Language`` header. Messages say
what went wrong and what to do next, plainly.
"""

from __future__ import annotations

from menwei.text import DEFAULT_LOCALE, LOCALES, has_message, translate

__all__ = ["DEFAULT_LOCALE", "LOCALES", "message", "negotiate"]


def negotiate(accept_language: str | None, preferred: str | None = None) -> str:
    """The locale to answer in: what this request asks for, else the user's own, else zh-CN."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    if preferred in LOCALES:
        return preferred
    return DEFAULT_LOCALE


def message(code: str, locale: str, **values: object) -> str:
    """The text for ``code`` in ``locale``; unknown codes fall back to the internal-error text."""
    return translate(code if has_message(code) else "internal_error", locale, **values)
