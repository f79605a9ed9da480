"""Security headers on every page, and a sign-in redirect instead of a bare 401 for browsers.

The CSP allows no inline script (JS lives in static files) and no framing; the camera is
allowed only on the enrolment pages and the door kiosk. The API keeps its JSON answers untouched.
"""

from __future__ import annotations

import re

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
CAMERA_PAGES = re.compile(r"^(/my/enrol|/office/c/[0-9a-f-]+/people/[0-9a-f-]+/enrol|/kiosk)$")


def _is_page(path: str) -> bool:
    return not path.startswith("/api/") and path not in ("/healthz", "/readyz", "/metrics")


class PageHeadersMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        path = request.url.path
        if not _is_page(path):
            return response
        wants_html = "text/html" in request.headers.get("accept", "")
        if response.status_code == 401 and wants_html and request.method == "GET":
            response = RedirectResponse("/signin", status_code=303)
        if response.status_code >= 400 and wants_html and _is_json(response):
            response = await _error_page(request, response)
        camera = "camera=(self)" if CAMERA_PAGES.match(path) else "camera=()"
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = f"{camera}, microphone=(), geolocation=()"
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def _is_json(response: Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


async def _error_page(request: Request, response: Response) -> Response:
    """The API's translated error message, as a page a person can act on."""
    import json

    from menwei.server.web.templating import render

    body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    try:
        text = json.loads(body)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        text = ""
    return render(
        request,
        "error.html",
        status_code=response.status_code,
        message=text,
        back=_back_link(request.url.path),
    )


def _back_link(path: str) -> str:
    """Where the error page's way back leads: the area of the site the refused page belongs to."""
    for area in ("/office", "/supervision"):
        if path == area or path.startswith(area + "/"):
            return area
    if path.startswith("/c/"):
        return "/".join(path.split("/")[:3])
    return "/my"
