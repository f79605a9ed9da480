"""What the office's residents and units forms can be refused for, in plain words.

The words live in the errors catalogue under ``people_form.*``; the page shows the reader's
language.
"""

from __future__ import annotations

from fastapi import Request

from menwei.server.web.templating import page_locale
from menwei.text import translate


def say(request: Request, message_id: str) -> str:
    """The refusal ``message_id`` (``people_form.…``) in the reader's language."""
    return translate(message_id, page_locale(request))
