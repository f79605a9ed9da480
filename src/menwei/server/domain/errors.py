"""The errors a service raises when a request breaks a rule: a stable code and a plain text.

The text is the ``errors`` catalogue's message (``menwei.text``) for the error's ``message_id``
(its code unless the code's general text does not fit), filled with the error's named values.
A service that passes on a lower room's refusal (the face engine's) passes its catalogue
wording, so the reader sees the same text either way.

Each class names a kind of refusal (invalid, not signed in, forbidden, missing …); the HTTP
status for each kind lives in one table in ``server.errors``, not here, so a service never
speaks in status codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from menwei.server.i18n import message
from menwei.text import Message


class ApiError(Exception):
    """Base of every refusal the services raise. ``code`` is stable; the text is translated.

    ``wording`` passes on a lower room's refusal (its message id and values) in place of
    ``message_id`` and named values. ``headers`` carries hints for the answer (``Retry-After``,
    ``WWW-Authenticate``) as plain strings; the HTTP layer passes them on.
    """

    code = "invalid_request"

    def __init__(
        self,
        *,
        code: str | None = None,
        message_id: str | None = None,
        details: Mapping[str, Any] | Sequence[Any] | None = None,
        wording: Message | None = None,
        headers: Mapping[str, str] | None = None,
        **values: object,
    ) -> None:
        self.code = code or self.code
        if wording is not None:
            message_id, values = wording.message_id, {**wording.values, **values}
        self.message_id = message_id or self.code
        self.details = details if details is not None else {}
        self.values = values
        self.headers = dict(headers or {})
        super().__init__(self.code)

    def render(self, locale: str) -> str:
        """The user-facing text: the catalogue's for the message id, filled with the values."""
        return message(self.message_id, locale, **self.values)


class InvalidRequest(ApiError):
    """The request breaks a rule; sending it again unchanged will not help."""

    code = "invalid_request"


class Unauthenticated(ApiError):
    """The caller is not signed in, or their token or session has ended."""

    code = "unauthenticated"


class Forbidden(ApiError):
    """The caller is known but may not do this."""

    code = "forbidden"


class NotFound(ApiError):
    """The thing asked for does not exist, or is outside the caller's reach."""

    code = "not_found"


class Conflict(ApiError):
    """The request clashes with the current state (already done, still open …)."""

    code = "conflict"


class Gone(ApiError):
    """The thing asked for existed but has expired."""

    code = "gone"


class PayloadTooLarge(ApiError):
    """The request carries more than the limit allows."""

    code = "payload_too_large"


class RateLimited(ApiError):
    """Too many tries; wait before trying again."""

    code = "account_locked"


class Unavailable(ApiError):
    """A part the request needs (the face engine, a busy queue) cannot serve it now."""

    code = "unavailable"
