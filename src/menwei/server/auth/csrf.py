"""CSRF protection: a double-submit token bound to the browser's session, and the same-site
check every change made with the session cookie passes.

A random nonce lives in a cookie; the form carries ``nonce.mac`` where the MAC covers the nonce
and the session cookie, so a token lifted from one session is worthless in another, and a page
from another site can neither read the cookie nor forge the MAC. A refusal, from a page's form
or from an API call, is always a 403 with the code ``csrf_rejected``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from menwei.server.auth.tokens import SESSION_COOKIE
from menwei.server.domain.errors import Forbidden

CSRF_COOKIE = "menwei_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfRejected(Forbidden):
    """A page's form without this session's CSRF token: refused like ``CrossSiteRefused``."""

    code = "csrf_rejected"

    def __init__(self) -> None:
        super().__init__()


def ensure_nonce(request: Request) -> str:
    found = getattr(request.state, "csrf_nonce", None) or request.cookies.get(CSRF_COOKIE)
    if not found or len(found) != 43:
        found = secrets.token_urlsafe(32)
    request.state.csrf_nonce = found
    return found


def _mac(request: Request, nonce: str, session: str | None = None) -> str:
    key = request.app.state.settings.secret_key.encode("utf-8")
    if session is None:
        session = request.cookies.get(SESSION_COOKIE, "")
    message = f"{nonce}|{session}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def csrf_token(request: Request, nonce: str, session: str | None = None) -> str:
    return f"{nonce}.{_mac(request, nonce, session)}"


def set_nonce_cookie(request: Request, response: Response, nonce: str) -> None:
    if request.cookies.get(CSRF_COOKIE) == nonce:
        return
    response.set_cookie(
        CSRF_COOKIE,
        nonce,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.cookie_secure,
        path="/",
    )


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form whose token is missing, from another session, or from another site."""
    cookie = request.cookies.get(CSRF_COOKIE)
    nonce, _, mac = (submitted or "").partition(".")
    if not cookie or not nonce or not hmac.compare_digest(nonce, cookie):
        raise CsrfRejected()
    if not hmac.compare_digest(mac, _mac(request, nonce)):
        raise CsrfRejected()


class CrossSiteRefused(Forbidden):
    """A change sent with the session cookie but without this site's CSRF token or origin."""

    code = "csrf_rejected"

    def __init__(self) -> None:
        super().__init__(message_id="cross_site_refused")


def _foreign_origin(request: Request) -> bool:
    """The browser says the request came from another site: ``Sec-Fetch-Site`` is cross-site or
    same-site (a sibling host), or ``Origin`` names another host. ``Origin: null`` alone says
    nothing (Chromium sends it for our own forms under ``Referrer-Policy: no-referrer``), and the
    scheme is not compared, so a TLS-terminating proxy in front does not refuse its own pages."""
    if request.headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return False
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return True
    own = request.headers.get("host") or request.url.netloc
    return not netloc or netloc.lower() != own.lower()


async def _form_token(request: Request) -> str | None:
    """A submitted form's hidden CSRF field (FastAPI has already parsed a route's form by now,
    so this reads the parsed copy)."""
    field = (await request.form()).get(CSRF_FIELD)
    return field if isinstance(field, str) else None


def _is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


async def check_same_site(request: Request) -> None:
    """Defence in depth beside SameSite=Lax: a change made with the session cookie must come
    from this site (no foreign ``Origin``) and carry the session's CSRF token, in the
    ``X-CSRF-Token`` header (scripts, API clients) or in a form's hidden field (pages)."""
    if request.method not in UNSAFE_METHODS:
        return
    if _foreign_origin(request):
        raise CrossSiteRefused()
    header = request.headers.get(CSRF_HEADER)
    if header is None and _is_form(request):
        check_csrf(request, await _form_token(request))  # a page's form: its own plain message
        return
    try:
        check_csrf(request, header)
    except CsrfRejected:
        raise CrossSiteRefused() from None
