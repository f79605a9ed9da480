"""PINs: six digits or more, salted scrypt hashes, constant-time checks, lockout."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from menwei.core import (
    InvalidCredential,
    PinCredential,
    PinLockoutPolicy,
    Validity,
    WeakPin,
    check_pin_format,
    hash_pin,
    verify_pin,
)
from menwei.core.pin import after_failure, after_success

AT = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def test_a_hashed_pin_verifies_and_a_different_one_does_not() -> None:
    stored = hash_pin("482915")
    assert verify_pin("482915", stored)
    assert not verify_pin("482916", stored)
    assert "482915" not in stored


def test_the_same_pin_gets_a_different_salt_each_time() -> None:
    assert hash_pin("482915") != hash_pin("482915")


def test_a_fixed_salt_gives_a_reproducible_hash_with_its_parameters() -> None:
    stored = hash_pin("482915", salt=b"\x00" * 16)
    assert stored == hash_pin("482915", salt=b"\x00" * 16)
    assert stored.startswith("scrypt$14$8$1$")


@pytest.mark.parametrize(
    "pin", ["12345", "", "abcdef", "12 3456", "１２３４５６", "1" * 13, "12345a"]
)
def test_anything_but_six_to_twelve_ascii_digits_is_refused(pin: str) -> None:
    with pytest.raises(WeakPin) as caught:
        check_pin_format(pin)
    assert "6" in caught.value.message_zh and "6" in caught.value.message_en


def test_a_damaged_stored_hash_is_a_clear_error_not_a_crash() -> None:
    with pytest.raises(InvalidCredential):
        verify_pin("482915", "md5$abc")
    with pytest.raises(InvalidCredential):
        verify_pin("482915", "scrypt$14$8$1$!!$!!")


def _pin() -> PinCredential:
    return PinCredential(
        id=uuid.uuid4(), person_id=uuid.uuid4(), pin_hash="x", validity=Validity(valid_from=AT)
    )


def test_the_pin_locks_on_the_third_failure_under_a_three_try_policy() -> None:
    policy = PinLockoutPolicy(max_failures=3, lockout=timedelta(minutes=5))
    pin = after_failure(after_failure(_pin(), AT, policy), AT, policy)
    assert pin.failed_attempts == 2 and not pin.is_locked(AT)
    locked = after_failure(pin, AT, policy)
    assert locked.is_locked(AT + timedelta(minutes=4, seconds=59))
    assert not locked.is_locked(AT + timedelta(minutes=5))


def test_a_success_clears_the_counter_and_leaves_a_clean_pin_untouched() -> None:
    policy = PinLockoutPolicy()
    clean = _pin()
    assert after_success(clean) is clean
    assert after_success(after_failure(clean, AT, policy)).failed_attempts == 0


def test_a_lockout_policy_must_allow_an_attempt_and_last_a_while() -> None:
    with pytest.raises(InvalidCredential):
        PinLockoutPolicy(max_failures=0)
    with pytest.raises(InvalidCredential):
        PinLockoutPolicy(lockout=timedelta(0))
