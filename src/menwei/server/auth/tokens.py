"""Opaque bearer tokens and session ids: random, shown once, stored only as a SHA-256 hash.

A token is 32 random bytes; a hash of it is enough to look it up, and a database leak yields
nothing that opens a session. The prefix says what the token is for, which helps when one is
pasted into the wrong place or leaks into a log scanner.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

USER_TOKEN_PREFIX = "mwu_"  # noqa: S105 (a label, not a secret)
DEVICE_TOKEN_PREFIX = "mwd_"  # noqa: S105 (a label, not a secret)
SESSION_PREFIX = "mws_"
SESSION_COOKIE = "menwei_session"
"""The cookie a browser session's id travels in."""


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
