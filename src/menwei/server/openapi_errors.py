"""Every error a route can answer, written into the OpenAPI document with the one error shape.

FastAPI documents a route's success and its 422 (with a ``{"detail": …}`` body the server never
sends). The errors every route shares come from the layers around it, not from its own code:
the sign-in check (401), the role and tenant checks (403, 404 for another tenant's record),
the store's rules (409, 422), the body cap (413), a database that does not answer (503). They
are added here to every operation, so a client generated from the document, and the fuzzing
run that checks answers against it, know them all; a route added later is covered too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA = "ErrorBody"

_ERROR_BODY: dict[str, Any] = {
    "title": ERROR_SCHEMA,
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "description": "Stable and machine-readable."},
                "message": {
                    "type": "string",
                    "description": "Plain text in zh-CN, or English with Accept-Language: en.",
                },
                "details": {
                    "anyOf": [{"type": "object"}, {"type": "array"}],
                    "description": "The fields or rows concerned, never a secret.",
                },
            },
        }
    },
}

DESCRIPTIONS = {
    400: "The request could not be read (a body that is not what its Content-Type says).",
    401: "Not signed in, or the token or session has expired or was revoked.",
    403: "Signed in, but this role or device may not do this.",
    404: "No such record in the caller's communities (another tenant's records are not shown).",
    409: "The change conflicts with a stored record or the record's state.",
    413: "The body is over its limit (1 MiB for JSON; photos and imports have their own).",
    422: "The input breaks a rule; the details name the field or row.",
    429: "Too many failed attempts; Retry-After says when to try again.",
    503: "The database or a key file is not available; nothing was changed.",
}

_METHODS = {"get", "post", "put", "patch", "delete"}
_WITH_BODY = {"post", "put", "patch"}


def statuses_for(path: str, method: str) -> list[int]:
    """The error answers every route of this kind may give besides its own."""
    statuses = [401, 403, 404, 422, 503]
    if method in _WITH_BODY:
        statuses += [400, 409, 413]
    elif method == "delete":
        statuses.append(409)
    if path.startswith("/api/v1/auth/"):
        statuses.append(429)
    return sorted(statuses)


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}
        },
    }


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the shared error answers on every operation (FastAPI's 422 replaced)."""
    schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA] = _ERROR_BODY
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in statuses_for(path, method):
                documented = responses.get(str(status))
                if status == 422 or documented is None or "content" not in documented:
                    responses[str(status)] = _error_response(status)
    return schema


def document_errors(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document carry the shared error answers of every route."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_error_responses(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
