"""The small auth pieces on their own: password hashing, login throttle, principal cache."""

from __future__ import annotations

import uuid

from menwei.server.auth.cache import PrincipalCache
from menwei.server.auth.passwords import hash_password, verify_password
from menwei.server.auth.throttle import LoginThrottle
from menwei.server.policy import Principal, Role


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


def test_the_throttle_locks_after_the_limit_and_unlocks_after_the_lockout() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, lockout_seconds=60, clock=clock)
    for _ in range(2):
        throttle.fail("login:a", "client:1")
    assert throttle.locked_for("login:a") == 0
    throttle.fail("login:a", "client:1")
    assert throttle.locked_for("login:a") == 60
    assert throttle.locked_for("login:b", "client:1") == 60
    clock.now += 61
    assert throttle.locked_for("login:a", "client:1") == 0


def test_failures_spread_beyond_the_window_do_not_add_up() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, lockout_seconds=60, clock=clock)
    for _ in range(5):
        throttle.fail("login:a")
        clock.now += 31
    assert throttle.locked_for("login:a") == 0


def test_a_cached_principal_expires_after_its_ttl_and_on_clear() -> None:
    clock = FakeClock()
    cache = PrincipalCache(ttl=5, clock=clock)
    principal = Principal(kind="user", id=uuid.uuid4(), role=Role.RESIDENT)
    cache.put("digest", principal)
    assert cache.get("digest") is principal
    clock.now += 5
    assert cache.get("digest") is None
    cache.put("digest", principal)
    cache.clear()
    assert cache.get("digest") is None
