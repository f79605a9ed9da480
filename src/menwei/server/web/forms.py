"""What every page form shares: the field types, and reading fields that may hold anything.

Fields arrive as plain strings and are checked by the page rather than by FastAPI, so bad input
re-renders the form with a translated message and what was typed, instead of a bare 422.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Form, Request

from menwei.core.errors import BilingualError
from menwei.server.auth.csrf import CSRF_FIELD
from menwei.server.web.templating import page_locale, translations

#: The CSRF token every form posts (checked with ``check_csrf``).
CsrfField = Annotated[str, Form(alias=CSRF_FIELD, max_length=200)]
#: Any one text field; longer is refused by FastAPI before it reaches a handler.
Text = Annotated[str, Form(max_length=2000)]
#: A field sent several times (ticked boxes, a multiple choice).
Many = Annotated[list[str], Form(max_length=500)]


class FormProblem(Exception):
    """A form field could not be read; ``msgid`` is the page's translated explanation."""

    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


def translated(request: Request, msgid: str) -> str:
    """``msgid`` in the reader's language, for a message the page shows above the form."""
    return translations(page_locale(request)).gettext(msgid)


def parse_uuid(text: str | None) -> uuid.UUID | None:
    """A UUID typed or posted by a browser, or ``None`` when it is not one."""
    if not text or len(text) > 64:
        return None
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def uuids(texts: list[str]) -> list[uuid.UUID] | None:
    """All of ``texts`` as UUIDs, or ``None`` if any is not one."""
    found = [parse_uuid(text) for text in texts]
    if any(value is None for value in found):
        return None
    return [value for value in found if value is not None]


def parse_day(text: str) -> date | None:
    """A day written like 2024-05-01 (what a date input sends), or ``None``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def domain_text(request: Request, error: Exception) -> str | None:
    """A domain refusal (a duplicate name, dates out of order …) in the reader's language;
    ``None`` for anything else, which then takes the usual error path."""
    if isinstance(error, BilingualError):
        return error.message(page_locale(request))
    return None
