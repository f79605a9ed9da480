"""The access decision: step-up, withdrawn consent, groups, schedules, anti-passback, PINs."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from menwei.core import (
    AccessState,
    CoreError,
    CredentialKind,
    Decision,
    Direction,
    Flag,
    PassageRecorded,
    PinUpdated,
    Presented,
    PresentedCard,
    PresentedFace,
    PresentedPin,
    Reason,
    Validity,
    apply_effects,
    decide,
)

CARD, PIN, FACE = CredentialKind.CARD, CredentialKind.PIN, CredentialKind.FACE
CONFIDENT, GREY, LOW = 0.72, 0.5, 0.2  # policy in conftest: confident 0.6, possible 0.4


def card(uid: str) -> PresentedCard:
    return PresentedCard(uid)


def face(person_id: uuid.UUID | None, score: float) -> PresentedFace:
    return PresentedFace(person_id, score)


def run(
    world: Any,
    door: Any = None,
    at: datetime | None = None,
    state: AccessState | None = None,
    **shown: Any,
) -> Decision:
    return decide(Presented(**shown), door or world.a_door, at or world.now, state or world.state)


# --- cards ------------------------------------------------------------------------------------


def test_a_resident_card_opens_their_own_unit_door(world: Any) -> None:
    decision = run(world, card=card("04A21B7C"))
    assert decision.allowed and decision.reason is Reason.GRANTED
    assert decision.person_id == world.alice.id and decision.via is CARD


def test_a_card_uid_is_matched_however_the_reader_spells_it(world: Any) -> None:
    assert run(world, card=card("04:a2:1b:7c")).allowed


def test_an_unknown_card_is_refused_without_naming_anyone(world: Any) -> None:
    decision = run(world, card=card("DEADBEEF"))
    assert not decision.allowed and decision.reason is Reason.UNKNOWN_CARD
    assert decision.person_id is None


def test_a_resident_card_does_not_open_another_buildings_door(world: Any) -> None:
    decision = run(world, door=world.b_door, card=card("04A21B7C"))
    assert decision.reason is Reason.NOT_AUTHORISED_FOR_DOOR


def test_the_default_group_leaves_the_garage_to_its_own_group(world: Any) -> None:
    assert run(world, door=world.garage, card=card("04A21B7C")).reason is (
        Reason.NOT_AUTHORISED_FOR_DOOR
    )


@pytest.mark.parametrize(
    ("validity", "reason"),
    [
        ("expired", Reason.EXPIRED),
        ("not_yet", Reason.NOT_YET_VALID),
        ("revoked", Reason.REVOKED),
    ],
)
def test_an_expired_revoked_or_future_card_is_refused(
    world: Any, validity: str, reason: Reason
) -> None:
    now = world.now
    windows = {
        "expired": Validity(valid_from=now - timedelta(days=30), valid_until=now),
        "not_yet": Validity(valid_from=now + timedelta(seconds=1)),
        "revoked": Validity(
            valid_from=now - timedelta(days=30), revoked_at=now - timedelta(hours=1)
        ),
    }
    key = ("04A21B7C", None)
    changed = dict(world.state.cards)
    changed[key] = replace(changed[key], validity=windows[validity])
    decision = run(world, state=replace(world.state, cards=changed), card=card("04A21B7C"))
    assert not decision.allowed and decision.reason is reason
    assert decision.person_id == world.alice.id


def test_a_door_refuses_a_kind_it_does_not_accept(world: Any) -> None:
    decision = run(world, door=world.garage, face=face(world.alice.id, CONFIDENT))
    assert decision.reason is Reason.CREDENTIAL_NOT_ACCEPTED and decision.via is FACE


def test_nothing_presented_is_refused(world: Any) -> None:
    assert run(world).reason is Reason.NOTHING_PRESENTED


# --- faces and step-up -----------------------------------------------------------------------


def test_a_confident_face_opens_alone(world: Any) -> None:
    decision = run(world, face=face(world.alice.id, CONFIDENT))
    assert decision.allowed and decision.via is FACE and decision.person_id == world.alice.id


def test_a_grey_zone_face_alone_asks_for_a_card_or_pin(world: Any) -> None:
    decision = run(world, face=face(world.alice.id, GREY))
    assert not decision.allowed and decision.reason is Reason.STEP_UP_REQUIRED
    assert decision.person_id is None


def test_a_grey_zone_face_with_the_same_persons_pin_opens(world: Any) -> None:
    decision = run(world, face=face(world.alice.id, GREY), pin=PresentedPin(world.alice_pin))
    assert decision.allowed and decision.person_id == world.alice.id


def test_a_grey_zone_face_with_the_same_persons_card_opens(world: Any) -> None:
    decision = run(world, face=face(world.alice.id, GREY), card=card("04A21B7C"))
    assert decision.allowed and decision.via is CARD


def test_a_grey_zone_face_with_another_persons_card_is_refused(world: Any) -> None:
    decision = run(world, face=face(world.alice.id, GREY), card=card("0B0B0B0B"))
    assert not decision.allowed and decision.reason is Reason.CREDENTIALS_MISMATCH


def test_a_grey_zone_face_with_another_persons_pin_is_refused(world: Any) -> None:
    shown = PresentedPin(world.bob_pin, person_id=world.bob.id)
    decision = run(world, face=face(world.alice.id, GREY), pin=shown)
    assert not decision.allowed and decision.reason is Reason.CREDENTIALS_MISMATCH


def test_a_grey_zone_face_with_a_wrong_pin_is_refused(world: Any) -> None:
    decision = run(world, face=face(world.alice.id, GREY), pin=PresentedPin("000000"))
    assert decision.reason is Reason.WRONG_PIN


def test_a_confident_face_with_another_persons_card_is_refused(world: Any) -> None:
    decision = run(world, face=face(world.bob.id, CONFIDENT), card=card("04A21B7C"))
    assert decision.reason is Reason.CREDENTIALS_MISMATCH


@pytest.mark.parametrize("score", [LOW, float("nan"), float("-inf")])
def test_an_unknown_face_is_refused_and_names_nobody(world: Any, score: float) -> None:
    decision = run(world, face=face(world.alice.id, score))
    assert decision.reason is Reason.UNKNOWN_FACE and decision.person_id is None


def test_an_empty_gallery_gives_unknown_face(world: Any) -> None:
    decision = run(world, face=face(None, 0.99))
    assert decision.reason is Reason.UNKNOWN_FACE and decision.person_id is None


def test_an_unknown_face_beside_a_valid_card_does_not_block_the_card(world: Any) -> None:
    assert run(world, face=face(None, 0.1), card=card("04A21B7C")).allowed


def _withdrawn(world: Any) -> AccessState:
    faces = dict(world.state.faces)
    faces[world.alice.id] = replace(
        faces[world.alice.id], consent_withdrawn_at=world.now - timedelta(minutes=1)
    )
    return replace(world.state, faces=faces)


def test_a_person_who_withdrew_consent_is_never_admitted_by_face(world: Any) -> None:
    decision = run(world, state=_withdrawn(world), face=face(world.alice.id, 0.99))
    assert not decision.allowed and decision.reason is Reason.FACE_CONSENT_WITHDRAWN
    assert decision.person_id is None


def test_a_person_who_withdrew_consent_still_gets_in_with_their_card(world: Any) -> None:
    state = _withdrawn(world)
    assert run(world, state=state, card=card("04A21B7C")).allowed
    both = run(world, state=state, card=card("04A21B7C"), face=face(world.alice.id, 0.99))
    assert both.allowed and both.via is CARD


def test_withdrawal_in_the_future_does_not_yet_stop_the_face(world: Any) -> None:
    faces = dict(world.state.faces)
    faces[world.alice.id] = replace(
        faces[world.alice.id], consent_withdrawn_at=world.now + timedelta(minutes=1)
    )
    assert run(
        world, state=replace(world.state, faces=faces), face=face(world.alice.id, 0.9)
    ).allowed


def test_a_face_match_for_someone_never_enrolled_is_refused(world: Any) -> None:
    decision = run(world, face=face(world.cleaner.id, 0.99))
    assert decision.reason is Reason.FACE_NOT_ENROLLED and decision.person_id is None


def test_the_decision_carries_no_score(world: Any) -> None:
    decision = run(world, face=face(world.alice.id, CONFIDENT))
    text = repr(decision) + repr(Presented(face=face(world.alice.id, CONFIDENT)))
    assert "0.72" not in text
    assert not any("score" in name for name in Decision.__dataclass_fields__)


# --- PINs -------------------------------------------------------------------------------------


def test_a_pin_with_a_unit_number_opens(world: Any) -> None:
    decision = run(world, pin=PresentedPin(world.bob_pin, person_id=world.bob.id))
    assert decision.allowed and decision.via is PIN and decision.person_id == world.bob.id


def test_a_pin_with_no_holder_is_refused(world: Any) -> None:
    assert run(world, pin=PresentedPin(world.bob_pin)).reason is Reason.PIN_HOLDER_UNKNOWN


@pytest.mark.parametrize("typed", ["000000", "２０４８１６", "20481６", "", "x" * 10_000])
def test_a_wrong_or_hostile_pin_is_refused_and_counted(world: Any, typed: str) -> None:
    decision = run(world, pin=PresentedPin(typed, person_id=world.alice.id))
    assert decision.reason is Reason.WRONG_PIN
    (effect,) = decision.effects
    assert isinstance(effect, PinUpdated) and effect.pin.failed_attempts == 1


def test_five_wrong_pins_lock_the_pin_even_against_the_right_one(world: Any) -> None:
    state, at = world.state, world.now
    for _ in range(5):
        decision = run(world, at=at, state=state, pin=PresentedPin("999999", world.alice.id))
        assert decision.reason is Reason.WRONG_PIN
        state = apply_effects(state, decision.effects)
        at += timedelta(seconds=5)
    right = PresentedPin(world.alice_pin, world.alice.id)
    locked = run(world, at=at, state=state, pin=right)
    assert locked.reason is Reason.PIN_LOCKED and not locked.effects
    assert run(world, at=at, state=state, card=card("04A21B7C")).allowed  # the card still works
    later = run(world, at=at + timedelta(minutes=16), state=state, pin=right)
    assert later.allowed
    (reset,) = later.effects
    assert isinstance(reset, PinUpdated) and reset.pin.locked_until is None


def test_a_right_pin_resets_the_failure_counter(world: Any) -> None:
    wrong = run(world, pin=PresentedPin("999999", world.alice.id))
    state = apply_effects(world.state, wrong.effects)
    assert state.pins[world.alice.id].failed_attempts == 1
    assert world.state.pins[world.alice.id].failed_attempts == 0  # the snapshot is untouched
    right = run(world, state=state, pin=PresentedPin(world.alice_pin, world.alice.id))
    assert apply_effects(state, right.effects).pins[world.alice.id].failed_attempts == 0


def test_someone_without_a_pin_hears_wrong_pin_not_no_pin(world: Any) -> None:
    decision = run(world, door=world.east_in, pin=PresentedPin("123456", world.cleaner.id))
    assert decision.reason is Reason.WRONG_PIN and decision.person_id is None


def test_a_card_with_the_holders_pin_opens_and_with_someone_elses_is_refused(world: Any) -> None:
    assert run(world, card=card("0B0B0B0B"), pin=PresentedPin(world.bob_pin)).allowed
    decision = run(world, card=card("0B0B0B0B"), pin=PresentedPin(world.alice_pin))
    assert decision.reason is Reason.WRONG_PIN


# --- schedules --------------------------------------------------------------------------------


def _shanghai(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return (
        datetime(y, mo, d, h - 8, mi, tzinfo=UTC)
        if h >= 8
        else datetime(y, mo, d - 1, h + 16, mi, tzinfo=UTC)
    )


def test_staff_pass_within_their_shift(world: Any) -> None:
    at = _shanghai(2026, 11, 18, 10)  # Wednesday
    assert run(world, door=world.b_door, at=at, card=card("C1EA4E55")).allowed


@pytest.mark.parametrize(
    "at",
    [
        _shanghai(2026, 11, 18, 6, 59),  # before the shift
        _shanghai(2026, 11, 18, 19, 0),  # the end is exclusive
        _shanghai(2026, 11, 21, 10),  # Saturday
        _shanghai(2026, 10, 1, 10),  # National Day, a Thursday declared closed
    ],
)
def test_staff_are_refused_outside_their_shift_and_on_holidays(world: Any, at: datetime) -> None:
    decision = run(world, door=world.b_door, at=at, card=card("C1EA4E55"))
    assert decision.reason is Reason.OUTSIDE_SCHEDULE and decision.person_id == world.cleaner.id


def test_decide_refuses_a_time_without_a_zone(world: Any) -> None:
    with pytest.raises(CoreError):
        run(world, at=datetime(2026, 11, 18, 10), card=card("04A21B7C"))


# --- anti-passback ----------------------------------------------------------------------------


def test_hard_anti_passback_refuses_a_second_entry_until_the_person_leaves(world: Any) -> None:
    first = run(world, door=world.east_in, card=card("04A21B7C"))
    assert first.allowed
    assert PassageRecorded(world.alice.id, "east", Direction.IN, world.now) in first.effects
    state = apply_effects(world.state, first.effects)
    again = run(world, door=world.east_in, state=state, card=card("04A21B7C"))
    assert not again.allowed and again.reason is Reason.ANTI_PASSBACK
    out = run(world, door=world.east_out, state=state, card=card("04A21B7C"))
    assert out.allowed
    state = apply_effects(state, out.effects)
    assert run(world, door=world.east_in, state=state, card=card("04A21B7C")).allowed


def test_anti_passback_is_per_person(world: Any) -> None:
    first = run(world, door=world.east_in, card=card("04A21B7C"))
    state = apply_effects(world.state, first.effects)
    assert run(world, door=world.east_in, state=state, card=card("0B0B0B0B")).allowed


def test_soft_anti_passback_lets_the_person_through_but_flags_it(world: Any) -> None:
    first = run(world, door=world.side_gate, face=face(world.bob.id, CONFIDENT))
    assert first.allowed and not first.flags
    state = apply_effects(world.state, first.effects)
    again = run(world, door=world.side_gate, state=state, face=face(world.bob.id, CONFIDENT))
    assert again.allowed and again.flags == {Flag.ANTI_PASSBACK}


def test_a_two_way_door_records_the_direction_its_reader_reports(world: Any) -> None:
    door = replace(world.a_door, anti_passback="hard", passback_zone="a")
    first = run(world, door=door, card=card("04A21B7C"), direction=Direction.IN)
    state = apply_effects(world.state, first.effects)
    assert run(
        world, door=door, state=state, card=card("04A21B7C"), direction=Direction.IN
    ).reason is (Reason.ANTI_PASSBACK)
    assert run(world, door=door, state=state, card=card("04A21B7C")).allowed  # way unknown


def test_an_unknown_person_behind_a_known_card_is_refused(world: Any) -> None:
    people = {k: v for k, v in world.state.people.items() if k != world.bob.id}
    decision = run(world, state=replace(world.state, people=people), card=card("0B0B0B0B"))
    assert decision.reason is Reason.UNKNOWN_PERSON


def test_decisions_have_messages_in_both_languages(world: Any) -> None:
    decision = run(world, face=face(world.alice.id, GREY))
    assert "刷卡" in decision.message_zh and "card" in decision.message_en
    assert decision.message("en") == decision.message_en
    assert decision.message() == decision.message_zh


def test_every_reason_has_a_message_in_both_languages() -> None:
    for reason in Reason:
        assert reason.message_zh and reason.message_en
        assert reason.message_zh != reason.message_en


def test_decisions_are_stable_for_the_same_input(world: Any) -> None:
    at = world.now.astimezone(UTC)
    assert run(world, at=at, card=card("04A21B7C")) == run(world, at=at, card=card("04A21B7C"))


def test_a_visitor_is_never_admitted_by_face_even_with_a_stale_template(world: Any) -> None:
    faces = dict(world.state.faces)
    faces[world.visitor.id] = replace(faces[world.alice.id], person_id=world.visitor.id)
    state = replace(world.state, faces=faces)
    decision = run(world, door=world.east_in, state=state, face=face(world.visitor.id, 0.99))
    assert not decision.allowed and decision.reason is Reason.FACE_NOT_ENROLLED


def test_a_remembered_entry_expires_so_nobody_is_locked_out_for_good(world: Any) -> None:
    first = run(world, door=world.east_in, card=card("04A21B7C"))
    state = apply_effects(world.state, first.effects)
    later = world.now + timedelta(hours=12)
    assert (
        run(
            world,
            door=world.east_in,
            at=later - timedelta(seconds=1),
            state=state,
            card=card("04A21B7C"),
        ).reason
        is Reason.ANTI_PASSBACK
    )
    assert run(world, door=world.east_in, at=later, state=state, card=card("04A21B7C")).allowed


def test_anti_passback_memory_can_be_kept_until_the_person_leaves(world: Any) -> None:
    from menwei.core import AccessPolicy

    strict = replace(world.state.policy, anti_passback_expiry=None)
    state = replace(world.state, policy=strict)
    first = run(world, door=world.east_in, state=state, card=card("04A21B7C"))
    state = apply_effects(state, first.effects)
    much_later = world.now + timedelta(days=30)
    assert (
        run(world, door=world.east_in, at=much_later, state=state, card=card("04A21B7C")).reason
        is Reason.ANTI_PASSBACK
    )
    with pytest.raises(CoreError):
        AccessPolicy(face=strict.face, anti_passback_expiry=timedelta(0))


def test_a_right_pin_resets_its_counter_even_when_the_schedule_refuses(world: Any) -> None:
    wrong = run(world, pin=PresentedPin("999999", world.alice.id))
    state = apply_effects(world.state, wrong.effects)
    refused = run(
        world, door=world.b_door, state=state, pin=PresentedPin(world.alice_pin, world.alice.id)
    )
    assert refused.reason is Reason.NOT_AUTHORISED_FOR_DOOR
    assert apply_effects(state, refused.effects).pins[world.alice.id].failed_attempts == 0


@pytest.mark.parametrize("junk", [None, b"04A21B7C", 0x04A21B7C, ["04A21B7C"]])
def test_a_card_read_that_is_not_text_is_an_unknown_card(world: Any, junk: Any) -> None:
    assert run(world, card=PresentedCard(junk)).reason is Reason.UNKNOWN_CARD


@pytest.mark.parametrize("junk", ["0.99", None, True, b"\x01"])
def test_a_face_score_that_is_not_a_number_is_an_unknown_face(world: Any, junk: Any) -> None:
    decision = run(world, face=PresentedFace(world.alice.id, junk))
    assert decision.reason is Reason.UNKNOWN_FACE and not decision.allowed
