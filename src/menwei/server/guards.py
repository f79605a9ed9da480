"""Two outermost guards every request passes: a body-size cap and a plain answer to the unexpected.

``BodyLimit`` refuses an oversized body with 413 before anything reads or parses it: from the
``Content-Length`` header when there is one, and by counting the bytes as they stream in when
there is not (chunked uploads). JSON and forms get 1 MiB; photo and import uploads keep their
own, larger limits, which their routes enforce in detail (per photo, per file).

``Unexpected`` answers any exception that escaped every handler with the plain 500 body and logs
the exception's type and the route template only. Starlette's own last-resort handler re-raises
after answering, so the server printed a traceback whose frames and SQL quoted the request's
values (names, phone numbers, search terms); nothing is re-raised here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException

from menwei.server.i18n import message, negotiate

log = logging.getLogger("menwei.server")

MIB = 1024 * 1024
#: Every body but the ones named below: JSON requests and page forms.
DEFAULT_BODY_LIMIT = 1 * MIB
#: A camera frame of the browser kiosk (image/jpeg), with room over its 2 MiB frame limit.
FRAME_BODY_LIMIT = 3 * MIB

Scope = dict[str, Any]
Message = dict[str, Any]


class BodyTooLarge(HTTPException):
    """The body went past its limit while streaming in; ``BodyLimit`` answers it with 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_limit_text(limit))
        self.limit = limit


def _limit_text(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit // 1024} KiB"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _locale(scope: Scope) -> str:
    return negotiate(_header(scope, b"accept-language") or None)


async def _answer(send: Callable[..., Any], status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def too_large_body(limit: int, locale: str) -> dict[str, Any]:
    text = message("payload_too_large", locale, limit=_limit_text(limit))
    return {"error": {"code": "payload_too_large", "message": text, "details": {"limit": limit}}}


class BodyLimit:
    """Pure ASGI middleware: refuse bodies over the limit of their kind with 413."""

    def __init__(self, app: Any, *, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    def limit_for(self, scope: Scope) -> int:
        """Multipart uploads (photos, import sheets) and kiosk frames have their own limits."""
        kind = _header(scope, b"content-type").split(";", 1)[0].strip().lower()
        if kind == "multipart/form-data":
            return self.upload_limit
        if kind.startswith("image/"):
            return FRAME_BODY_LIMIT
        return DEFAULT_BODY_LIMIT

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _header(scope, b"content-length").strip()
        if declared.isdigit() and int(declared) > limit:
            await _answer(send, 413, too_large_body(limit, _locale(scope)))
            return
        seen = 0
        exceeded = started = answered = False

        async def counted() -> Message:
            nonlocal seen, exceeded
            event = await receive()
            if event["type"] == "http.request":
                seen += len(event.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise BodyTooLarge(limit)
            return event

        async def refuse() -> None:
            nonlocal answered
            if not answered:
                answered = True
                await _answer(send, 413, too_large_body(limit, _locale(scope)))

        async def guarded(event: Message) -> None:
            # Whatever a route made of the cut-off body (FastAPI calls it unparsable), the
            # answer is the 413; a response already under way is left to finish.
            nonlocal started
            if exceeded and not started:
                await refuse()
                return
            started = started or event["type"] == "http.response.start"
            await send(event)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not exceeded or started:
                raise
            await refuse()


class Unexpected:
    """Pure ASGI middleware: an escaped exception becomes the plain 500 body and one log line."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(event: Message) -> None:
            nonlocal started
            if event["type"] == "http.response.start":
                started = True
            await send(event)

        try:
            await self.app(scope, receive, tracked)
        except Exception as error:  # the last resort: answer, never re-raise
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            # The type and the route template only: the text and the traceback of a database
            # error quote the statement's values, which are residents' personal data.
            log.error("unexpected %s on %s %s", type(error).__name__, scope.get("method"), route)
            if started:
                return
            locale = _locale(scope)
            body = {
                "error": {
                    "code": "internal_error",
                    "message": message("internal_error", locale),
                    "details": {},
                }
            }
            await _answer(send, 500, body)
