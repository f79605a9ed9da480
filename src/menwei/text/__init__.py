"""Every user-facing text of the product's errors, kept in gettext catalogues by message id.

A room that refuses something names the message (``Message("weak_pin", min_digits=6)``); the
words, in zh-CN (the default) and English, live in ``locale/*/LC_MESSAGES/errors.po``. This room
uses the standard library only, so every other room may import it.
"""

from menwei.text.catalogue import (
    DEFAULT_LOCALE,
    LOCALES,
    Bilingual,
    Message,
    has_message,
    translate,
)

__all__ = ["DEFAULT_LOCALE", "LOCALES", "Bilingual", "Message", "has_message", "translate"]
