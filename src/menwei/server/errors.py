"""The server's exception tree and the one JSON error shape every failure is answered with.

Every error leaves as ``{"error": {"code", "message", "details"}}``: validation errors name the
field, 404/405 and auth failures use the same shape, and an unexpected exception becomes a plain
500 (``guards.Unexpected``) whose log line carries the route and the exception type, never a
secret, a body or a statement's values.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from menwei.core.errors import BilingualError
from menwei.server.i18n import message, negotiate
from menwei.store.errors import ControlCharacters

log = logging.getLogger("menwei.server")


class ApiError(Exception):
    """Base of every error the API answers with. ``code`` is stable; the text is translated."""

    status = 400
    code = "invalid_request"

    def __init__(
        self,
        *,
        code: str | None = None,
        details: Mapping[str, Any] | Sequence[Any] | None = None,
        texts: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        **values: object,
    ) -> None:
        self.code = code or self.code
        self.details = details if details is not None else {}
        self.texts = dict(texts or {})
        self.values = values
        self.headers = dict(headers or {})
        super().__init__(self.code)

    def render(self, locale: str) -> str:
        """The user-facing text: the error's own translation if it has one, else the catalogue's."""
        if self.texts:
            return self.texts.get(locale) or next(iter(self.texts.values()))
        return message(self.code, locale, **self.values)


class InvalidRequest(ApiError):
    status = 422
    code = "invalid_request"


class Unauthenticated(ApiError):
    status = 401
    code = "unauthenticated"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"


class RateLimited(ApiError):
    status = 429
    code = "account_locked"


def request_locale(request: Request) -> str:
    """The locale for this request: a signed-in user's choice, else ``Accept-Language``."""
    preferred = getattr(request.state, "locale", None)
    return negotiate(request.headers.get("accept-language"), preferred)


def error_body(code: str, text: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": text, "details": details if details else {}}}


def _field_name(location: Sequence[Any]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(location[-1] if location else "request")


#: Domain error codes with a status other than 422 (a rule the request breaks).
_DOMAIN_STATUS = {
    "not_found": 404,
    "conflict": 409,
    "face_only_door": 409,
    "database_unavailable": 503,
    "import_rejected": 422,
    "consent_required": 409,
    "activation_refused": 409,
    "face_recognition_off": 409,
    "guardian_required": 403,
    "key_file_error": 503,
    "vote_closed": 409,
    "vote_still_open": 409,
    "voting_not_open": 409,
    "not_an_owner_of_unit": 403,
    "question_not_found": 404,
}


def domain_status(error: Exception) -> int:
    return _DOMAIN_STATUS.get(getattr(error, "code", ""), 422)


def _domain_response(request: Request, error: BilingualError) -> JSONResponse:
    """A rule of the domain (core, store, privacy, governance) refused the request."""
    text = error.message(request_locale(request))
    details = error.details
    if not isinstance(details, dict | list):
        details = {}
    return JSONResponse(error_body(error.code, text, details), status_code=domain_status(error))


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure, expected or not, into the one error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> JSONResponse:
        locale = request_locale(request)
        return JSONResponse(
            error_body(error.code, error.render(locale), error.details),
            status_code=error.status,
            headers=error.headers or None,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        locale = request_locale(request)
        fields = []
        for item in error.errors():
            fields.append(
                {
                    "field": _field_name(item.get("loc", ())),
                    "problem": item.get("msg", ""),
                    "type": item.get("type", ""),
                }
            )
        names = ", ".join(dict.fromkeys(f["field"] for f in fields))
        if fields and all(f["type"] == ControlCharacters.code for f in fields):
            # The same answer the store gives for a text it refuses: one code, both databases.
            first = fields[0]["field"]
            return JSONResponse(
                error_body(
                    ControlCharacters.code,
                    ControlCharacters(first).message(locale),
                    {"field": first, "fields": fields},
                ),
                status_code=422,
            )
        return JSONResponse(
            error_body(
                "validation_error",
                message("validation_error", locale, fields=names),
                {"fields": fields},
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        locale = request_locale(request)
        if error.status_code == 404:
            code, text = "not_found", message("not_found", locale)
        elif error.status_code == 405:
            code = "method_not_allowed"
            text = message(code, locale, method=request.method)
        elif error.status_code == 401:
            code, text = "unauthenticated", message("unauthenticated", locale)
        elif error.status_code == 403:
            code, text = "forbidden", message("forbidden", locale)
        elif error.status_code == 413:
            code = "payload_too_large"
            text = message(code, locale, limit=error.detail)
        else:
            code = "invalid_request"
            text = message(code, locale, reason=str(error.detail))
        return JSONResponse(
            error_body(code, text),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    # One handler for all four rooms' errors: each is answered here, in the one error shape.
    # Anything else is answered by ``guards.Unexpected``, which logs its type and route only.
    @app.exception_handler(BilingualError)
    async def _domain(request: Request, error: BilingualError) -> JSONResponse:
        return _domain_response(request, error)
