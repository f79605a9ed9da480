"""QR passes: signed, time-limited, for named doors, used up after their uses."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from menwei.core import (
    Card,
    CredentialKind,
    InvalidCredential,
    PassIssuer,
    Presented,
    QrPass,
    QrPassRefused,
    QrPassUsed,
    Reason,
    Validity,
    apply_effects,
    decide,
    holder_id,
    issue_qr_pass,
    qr_refusal,
    read_qr_pass,
    sign_qr_pass,
)

KEY = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32)
PUB = KEY.public_key()


def _key(n: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32)


START = datetime(2026, 11, 18, 1, 0, tzinfo=UTC)


def a_pass(door_ids: set[uuid.UUID], *, hours: int = 4, max_uses: int = 1, **extra: Any) -> QrPass:
    return QrPass(
        id=uuid.uuid4(),
        holder_id=extra.pop("holder_id", uuid.uuid4()),
        issued_by=uuid.uuid4(),
        issuer_kind=PassIssuer.RESIDENT,
        door_ids=frozenset(door_ids),
        validity=Validity(valid_from=START, valid_until=START + timedelta(hours=hours)),
        max_uses=max_uses,
    )


def test_a_signed_pass_reads_back_unchanged() -> None:
    issued = a_pass({uuid.uuid4(), uuid.uuid4()}, max_uses=3)
    assert read_qr_pass(sign_qr_pass(issued, KEY), PUB) == issued


def test_a_one_door_pass_fits_a_small_alphanumeric_qr_code() -> None:
    token = sign_qr_pass(a_pass({uuid.uuid4()}), KEY)
    assert len(token) <= 250  # a version 8 code at error level M holds 259
    alphanumeric = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert set(token) <= alphanumeric


def test_every_changed_character_is_caught_as_tampering() -> None:
    token = sign_qr_pass(a_pass({uuid.uuid4()}), KEY)
    for i in range(3, len(token)):
        swapped = "A" if token[i] != "A" else "B"
        changed = token[:i] + swapped + token[i + 1 :]
        with pytest.raises(QrPassRefused) as caught:
            read_qr_pass(changed, PUB)
        assert caught.value.reason in (Reason.QR_TAMPERED, Reason.QR_MALFORMED)


def test_a_pass_with_a_longer_window_written_in_is_tampered() -> None:
    issued = a_pass({uuid.uuid4()})
    token = sign_qr_pass(issued, KEY)
    raw = bytearray(base64.b32decode(token[3:] + "=" * (-len(token[3:]) % 8)))
    raw[56:60] = (0xFFFFFFF0).to_bytes(4, "big")  # valid_until pushed into the far future
    forged = "MW1" + base64.b32encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(QrPassRefused) as caught:
        read_qr_pass(forged, PUB)
    assert caught.value.reason is Reason.QR_TAMPERED


def test_a_pass_signed_with_another_key_is_refused() -> None:
    token = sign_qr_pass(a_pass({uuid.uuid4()}), _key(2))
    with pytest.raises(QrPassRefused) as caught:
        read_qr_pass(token, PUB)
    assert caught.value.reason is Reason.QR_TAMPERED


def test_a_pass_signed_with_a_retired_key_id_is_refused_and_a_kept_one_accepted() -> None:
    issued = a_pass({uuid.uuid4()})
    token = sign_qr_pass(issued, KEY, key_id=7)
    assert read_qr_pass(token, {7: PUB, 8: _key(3).public_key()}) == issued
    with pytest.raises(QrPassRefused):
        read_qr_pass(token, {8: _key(3).public_key()})


@pytest.mark.parametrize(
    "text", ["", "MW1", "hello", "MW1!!!!", "MW1" + "A" * 5000, "MW1AAAA", "https://x.example"]
)
def test_text_that_is_not_a_pass_is_malformed(text: str) -> None:
    with pytest.raises(QrPassRefused) as caught:
        read_qr_pass(text, PUB)
    assert caught.value.reason is Reason.QR_MALFORMED


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_no_string_crashes_the_reader(text: str) -> None:
    with pytest.raises(QrPassRefused):
        read_qr_pass("MW1" + text, PUB)


class _HmacSigner:
    """The old single shared key: a 32-byte HMAC tag instead of an Ed25519 signature."""

    def sign(self, data: bytes) -> bytes:
        return hmac.new(b"k" * 32, data, hashlib.sha256).digest()


def test_a_key_that_is_not_ed25519_is_refused() -> None:
    with pytest.raises(InvalidCredential):
        sign_qr_pass(a_pass({uuid.uuid4()}), _HmacSigner())


def test_an_old_version_one_pass_is_refused() -> None:
    token = sign_qr_pass(a_pass({uuid.uuid4()}), KEY)
    raw = bytearray(base64.b32decode(token[3:] + "=" * (-len(token[3:]) % 8)))
    raw[0] = 1
    old = "MW1" + base64.b32encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(QrPassRefused) as caught:
        read_qr_pass(old, PUB)
    assert caught.value.reason is Reason.QR_MALFORMED


def test_a_pass_without_doors_or_end_is_refused() -> None:
    with pytest.raises(InvalidCredential):
        a_pass(set())
    with pytest.raises(InvalidCredential):
        replace(a_pass({uuid.uuid4()}), validity=Validity(valid_from=START))


def test_refusals_are_distinct_for_early_late_wrong_door_used_up_and_revoked() -> None:
    door = uuid.uuid4()
    qr = a_pass({door}, max_uses=2)
    inside = START + timedelta(hours=1)
    assert qr_refusal(qr, door_id=door, at=inside) is None
    assert qr_refusal(qr, door_id=door, at=START - timedelta(seconds=1)) is Reason.QR_NOT_YET_VALID
    assert qr_refusal(qr, door_id=door, at=START + timedelta(hours=4)) is Reason.QR_EXPIRED
    assert qr_refusal(qr, door_id=uuid.uuid4(), at=inside) is Reason.QR_WRONG_DOOR
    assert qr_refusal(qr, door_id=door, at=inside, uses_so_far=1) is None
    assert qr_refusal(qr, door_id=door, at=inside, uses_so_far=2) is Reason.QR_USED_UP
    assert qr_refusal(qr, door_id=door, at=inside, revoked=True) is Reason.QR_REVOKED


# --- through decide ---------------------------------------------------------------------------


def test_a_visitor_pass_opens_its_door_once_and_only_once(world: Any) -> None:
    qr = a_pass({world.east_in.id}, holder_id=world.visitor.id)
    token = sign_qr_pass(qr, world.qr_key)
    at = START + timedelta(minutes=30)
    first = decide(Presented(qr=token), world.east_in, at, world.state)
    assert first.allowed and first.via is CredentialKind.QR
    assert first.person_id == world.visitor.id
    assert QrPassUsed(qr.id) in first.effects
    state = apply_effects(world.state, first.effects)
    again = decide(Presented(qr=token), world.east_in, at + timedelta(minutes=1), state)
    assert not again.allowed and again.reason is Reason.QR_USED_UP


def test_an_expired_visitor_pass_is_refused_at_the_gate(world: Any) -> None:
    token = sign_qr_pass(a_pass({world.east_in.id}, hours=1), world.qr_key)
    decision = decide(Presented(qr=token), world.east_in, START + timedelta(hours=2), world.state)
    assert not decision.allowed and decision.reason is Reason.QR_EXPIRED
    assert not decision.effects


def test_a_pass_for_the_gate_does_not_open_a_unit_door(world: Any) -> None:
    token = sign_qr_pass(a_pass({world.east_in.id}), world.qr_key)
    decision = decide(Presented(qr=token), world.a_door, START, world.state)
    assert decision.reason is Reason.QR_WRONG_DOOR


def test_a_revoked_pass_is_refused(world: Any) -> None:
    qr = a_pass({world.east_in.id})
    state = replace(world.state, revoked_qr_passes=frozenset({qr.id}))
    decision = decide(Presented(qr=sign_qr_pass(qr, world.qr_key)), world.east_in, START, state)
    assert decision.reason is Reason.QR_REVOKED


def test_a_pass_refused_by_anti_passback_is_not_used_up(world: Any) -> None:
    qr = a_pass({world.east_in.id}, holder_id=world.visitor.id, max_uses=5)
    token = sign_qr_pass(qr, world.qr_key)
    first = decide(Presented(qr=token), world.east_in, START, world.state)
    state = apply_effects(world.state, first.effects)
    again = decide(Presented(qr=token), world.east_in, START, state)
    assert again.reason is Reason.ANTI_PASSBACK and not again.effects
    assert apply_effects(state, again.effects).qr_uses[qr.id] == 1


# --- issuing ----------------------------------------------------------------------------------


def _issue(world: Any, issuer: Any, doors: set[uuid.UUID], hours: int = 4) -> QrPass:
    return issue_qr_pass(
        pass_id=uuid.uuid4(),
        issuer=issuer,
        holder_id=world.visitor.id,
        door_ids=frozenset(doors),
        valid_from=START,
        valid_until=START + timedelta(hours=hours),
        issuer_door_ids=frozenset({world.east_in.id, world.a_door.id}),
    )


def test_a_resident_issues_a_pass_for_doors_they_may_open(world: Any) -> None:
    qr = _issue(world, world.alice, {world.east_in.id, world.a_door.id})
    assert qr.issuer_kind is PassIssuer.RESIDENT and qr.issued_by == world.alice.id
    assert _issue(world, world.cleaner, {world.east_in.id}).issuer_kind is PassIssuer.STAFF


def test_a_resident_cannot_issue_a_pass_for_another_buildings_door(world: Any) -> None:
    with pytest.raises(InvalidCredential):
        _issue(world, world.alice, {world.b_door.id})


def test_a_visitor_cannot_issue_passes(world: Any) -> None:
    with pytest.raises(InvalidCredential):
        _issue(world, world.visitor, {world.east_in.id})


def test_a_pass_belongs_to_its_holder_not_its_issuer(world: Any) -> None:
    qr = _issue(world, world.alice, {world.east_in.id})
    assert holder_id(qr) == world.visitor.id != qr.issued_by
    card = Card(id=uuid.uuid4(), person_id=world.alice.id, uid="04A21B7C", validity=qr.validity)
    assert holder_id(card) == world.alice.id


def test_a_pass_longer_than_a_week_is_refused(world: Any) -> None:
    with pytest.raises(InvalidCredential) as caught:
        _issue(world, world.alice, {world.east_in.id}, hours=24 * 7 + 1)
    assert "7" in caught.value.message_zh
