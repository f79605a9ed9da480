"""The small auth pieces on their own: password hashing and the principal cache.

The login throttle, which keeps its state in the database, is tested in test_login_throttle.py.
"""

from __future__ import annotations

import uuid

from menwei.server.auth.cache import PrincipalCache
from menwei.server.auth.passwords import hash_password, verify_password
from menwei.server.policy import AccountRole, Principal


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_password_hash_is_argon2id_and_checks_only_the_right_password() -> None:
    stored = hash_password("a-long-enough-pass")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "a-long-enough-pass")
    assert not verify_password(stored, "a-long-enough-pasS")
    assert not verify_password(None, "a-long-enough-pass")
    assert not verify_password("not a hash", "a-long-enough-pass")


def test_a_cached_principal_expires_after_its_ttl_and_on_clear() -> None:
    clock = FakeClock()
    cache = PrincipalCache(ttl=5, clock=clock)
    principal = Principal(kind="user", id=uuid.uuid4(), role=AccountRole.RESIDENT)
    cache.put("digest", principal)
    assert cache.get("digest") is principal
    clock.now += 5
    assert cache.get("digest") is None
    cache.put("digest", principal)
    cache.clear()
    assert cache.get("digest") is None
