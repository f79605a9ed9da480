"""PINs: at least six digits, stored only as a salted scrypt hash, locked after failures.

core is standard-library only, so the hash is ``hashlib.scrypt`` (memory-hard, like the argon2
the server uses for passwords) with a random 16-byte salt per PIN, compared in constant time.
A six-digit PIN has only a million values, so the hash alone cannot protect it from someone
holding the database; what protects it at the door is the lockout below, and the store keeps
hashes away from anyone who does not need them.

Encoded form: ``scrypt$<log2 n>$<r>$<p>$<salt b64>$<hash b64>`` so the cost can be raised
later without invalidating stored PINs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from menwei.core.credential import PinCredential
from menwei.core.errors import InvalidCredential, WeakPin

MIN_DIGITS = 6
MAX_DIGITS = 12
_SCHEME = "scrypt"
_LOG2_N, _R, _P = 14, 8, 1
_SALT_BYTES, _HASH_BYTES = 16, 32


def check_pin_format(pin: str) -> None:
    """Refuse anything but 6–12 ASCII digits (no letters, spaces or full-width digits)."""
    if not isinstance(pin, str) or not (
        MIN_DIGITS <= len(pin) <= MAX_DIGITS and pin.isascii() and pin.isdigit()
    ):
        raise WeakPin(MIN_DIGITS)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """A new salted hash of ``pin`` in the encoded form above."""
    check_pin_format(pin)
    salt = secrets.token_bytes(_SALT_BYTES) if salt is None else salt
    digest = _scrypt(pin, salt, _LOG2_N, _R, _P)
    return "$".join(
        (_SCHEME, str(_LOG2_N), str(_R), str(_P), _b64(salt), _b64(digest)),
    )


def verify_pin(pin: str, encoded: str) -> bool:
    """Whether ``pin`` matches ``encoded``; a malformed PIN is simply a wrong one."""
    try:
        scheme, log2_n, r, p, salt, digest = encoded.split("$")
        if scheme != _SCHEME:
            raise ValueError(scheme)
        expected = base64.b64decode(digest, validate=True)
        salt_bytes = base64.b64decode(salt, validate=True)
        n_exp, r_int, p_int = int(log2_n), int(r), int(p)
    except ValueError:
        raise InvalidCredential(message_id="invalid_credential.stored_pin_record_damaged") from None
    if not (isinstance(pin, str) and pin.isascii() and pin.isdigit()):
        return False
    actual = _scrypt(pin, salt_bytes, n_exp, r_int, p_int)
    return hmac.compare_digest(actual, expected)


def _scrypt(pin: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    n = 1 << log2_n
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r, dklen=_HASH_BYTES
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True, slots=True, kw_only=True)
class PinLockoutPolicy:
    """After ``max_failures`` wrong PINs in a row the PIN is locked for ``lockout``."""

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.lockout <= timedelta(0):
            raise InvalidCredential(message_id="invalid_credential.pin_lockout_policy_needs")


def after_failure(pin: PinCredential, at: datetime, policy: PinLockoutPolicy) -> PinCredential:
    """The PIN after one more wrong attempt at ``at``; locks it on reaching the limit.

    The counter restarts after a lockout, so the next lock needs another full run of failures.
    """
    failures = pin.failed_attempts + 1
    if failures >= policy.max_failures:
        return replace(pin, failed_attempts=0, locked_until=at + policy.lockout)
    return replace(pin, failed_attempts=failures)


def after_success(pin: PinCredential) -> PinCredential:
    """The PIN after a right attempt: the counter starts again."""
    if pin.failed_attempts == 0 and pin.locked_until is None:
        return pin
    return replace(pin, failed_attempts=0, locked_until=None)
