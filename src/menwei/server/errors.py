"""The one JSON error shape every failure is answered with, and the one table of statuses.

The services raise the refusals of ``server.domain.errors`` and the four rooms raise their own
``BilingualError``s; neither knows a status code. ``STATUS`` below gives each class its status.
Every error leaves as ``{"error": {"code", "message", "details"}}``: validation errors name the
field, 404/405 and auth failures use the same shape, and an unexpected exception becomes a plain
500 (``guards.Unexpected``) whose log line carries the route and the exception type, never a
secret, a body or a statement's values.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from menwei.core.errors import BilingualError, FaceOnlyDoor
from menwei.governance import errors as governance_errors
from menwei.privacy import errors as privacy_errors
from menwei.server.domain.errors import (
    ApiError,
    Conflict,
    Forbidden,
    Gone,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from menwei.server.i18n import message, negotiate
from menwei.sheets.errors import ImportRejected
from menwei.store import errors as store_errors
from menwei.store.errors import ControlCharacters

log = logging.getLogger("menwei.server")


def request_locale(request: Request) -> str:
    """The locale for this request: a signed-in user's choice, else ``Accept-Language``."""
    preferred = getattr(request.state, "locale", None)
    return negotiate(request.headers.get("accept-language"), preferred)


def error_body(code: str, text: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": text, "details": details if details else {}}}


def _field_name(location: Sequence[Any]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(location[-1] if location else "request")


#: The one table of statuses. An error is answered with the status of the nearest class in its
#: ancestry found here: the services' refusals by their kind, the four rooms' rules (core, store,
#: privacy, governance) by class, and any other rule a request breaks with 422.
STATUS: dict[type[Exception], int] = {
    ApiError: 400,
    InvalidRequest: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    PayloadTooLarge: 413,
    RateLimited: 429,
    Unavailable: 503,
    BilingualError: 422,
    store_errors.RecordNotFound: 404,
    store_errors.RecordConflict: 409,
    store_errors.DatabaseUnavailable: 503,
    ImportRejected: 422,
    FaceOnlyDoor: 409,
    privacy_errors.ConsentRequired: 409,
    privacy_errors.ActivationRefused: 409,
    privacy_errors.FaceRecognitionOff: 409,
    privacy_errors.GuardianRequired: 403,
    privacy_errors.KeyFileError: 503,
    governance_errors.VoteClosed: 409,
    governance_errors.VoteStillOpen: 409,
    governance_errors.VotingNotOpen: 409,
    governance_errors.NotAnOwnerOfUnit: 403,
    governance_errors.QuestionNotFound: 404,
    governance_errors.AlreadyVoted: 409,
    governance_errors.PaperReferenceUsed: 409,
}


def status_of(error: Exception) -> int:
    """The HTTP status ``error`` is answered with (500 for one the table does not know)."""
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 500


def _domain_response(request: Request, error: BilingualError) -> JSONResponse:
    """A rule of the domain (core, store, privacy, governance) refused the request."""
    text = error.message(request_locale(request))
    details = error.details
    if not isinstance(details, dict | list):
        details = {}
    return JSONResponse(error_body(error.code, text, details), status_code=status_of(error))


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure, expected or not, into the one error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> JSONResponse:
        locale = request_locale(request)
        return JSONResponse(
            error_body(error.code, error.render(locale), error.details),
            status_code=status_of(error),
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
