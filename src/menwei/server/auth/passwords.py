"""Password hashing with argon2id; the hash carries its own parameters so they can be raised."""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 10
#: zxcvbn's score of 3: about 10^8 guesses or more. Everything zxcvbn finds in its frequency
#: lists (common passwords, names, words, keyboard runs, sequences and their usual variants)
#: with a digit or two added scores lower.
MIN_STRENGTH_SCORE = 3
#: zxcvbn's cost grows with the length; beyond this a password is long enough on its own.
_JUDGED_CHARACTERS = 64

_hasher = PasswordHasher()

#: Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("menwei-timing-equaliser")


class WeakPassword(ValueError):
    """A new password is too short or too plain to protect an administrator's account."""


def check_strength(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Refuse passwords an attacker would guess first; say what a good one needs.

    Common passwords are judged by zxcvbn against the frequency lists it ships (leaked
    passwords, words, names, keyboard patterns), not a list kept here. ``user_inputs`` (the
    login, the display name) count as guessable words too.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(set(password)) < 4:
        raise WeakPassword("a password needs at least 4 different characters")
    judged = password[:_JUDGED_CHARACTERS]
    words = [w for w in user_inputs if w]
    result = zxcvbn(judged, user_inputs=words, max_length=_JUDGED_CHARACTERS)
    if result["score"] < MIN_STRENGTH_SCORE:
        raise WeakPassword("it is a common password, among the first an attacker tries")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; never raises, and takes as long for unknown users."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
