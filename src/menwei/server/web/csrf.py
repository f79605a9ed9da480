"""CSRF protection for forms: a double-submit token bound to the browser's session.

A random nonce lives in a cookie; the form carries ``nonce.mac`` where the MAC covers the nonce
and the session cookie, so a token lifted from one session is worthless in another, and a page
from another site can neither read the cookie nor forge the MAC.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from menwei.server.deps import SESSION_COOKIE
from menwei.server.domain.errors import ApiError

CSRF_COOKIE = "menwei_csrf"
CSRF_FIELD = "csrf_token"


class CsrfRejected(ApiError):
    code = "csrf_rejected"

    def __init__(self) -> None:
        super().__init__(
            texts={
                "zh-CN": "表单已过期或来源不明，未做任何更改。请刷新页面后重新提交。",
                "en": "The form has expired or did not come from this site; nothing was "
                "changed. Reload the page and submit it again.",
            }
        )


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
