"""Properties of ``decide`` over arbitrary presentations, found with hypothesis."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from menwei.core import (
    CredentialKind,
    PassageRecorded,
    Presented,
    PresentedCard,
    PresentedFace,
    QrPassUsed,
    Reason,
    decide,
)

KNOWN_UIDS = ["04A21B7C", "0B0B0B0B", "C1EA4E55"]
scores = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(0.0, 1.0))
uids = st.one_of(st.sampled_from(KNOWN_UIDS), st.text(max_size=40))


@st.composite
def presentations(draw: st.DrawFn, world: Any) -> Presented:
    people = [world.alice.id, world.bob.id, world.cleaner.id, world.visitor.id, None]
    face = draw(st.one_of(st.none(), st.builds(PresentedFace, st.sampled_from(people), scores)))
    card = draw(st.one_of(st.none(), st.builds(PresentedCard, uids)))
    return Presented(face=face, card=card)


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(data=st.data())
@SETTINGS
def test_no_presentation_crashes_and_every_allow_names_a_person(world: Any, data: Any) -> None:
    presented = data.draw(presentations(world))
    door = data.draw(st.sampled_from([world.east_in, world.a_door, world.b_door, world.side_gate]))
    decision = decide(presented, door, world.now, world.state)
    assert isinstance(decision.reason, Reason)
    if decision.allowed:
        assert decision.reason is Reason.GRANTED and decision.person_id in world.state.people
    else:
        assert not any(isinstance(e, PassageRecorded | QrPassUsed) for e in decision.effects)


@given(person=st.sampled_from(["alice", "bob"]), score=scores)
@SETTINGS
def test_a_face_alone_below_the_confident_threshold_never_opens(
    world: Any, person: str, score: float
) -> None:
    presented = Presented(face=PresentedFace(getattr(world, person).id, score))
    decision = decide(presented, world.a_door, world.now, world.state)
    assert decision.allowed is (score >= world.state.policy.face.confident)


@given(score=st.floats(0.4, 1.0), uid=st.sampled_from(KNOWN_UIDS))
@SETTINGS
def test_a_face_and_a_card_open_together_only_for_one_and_the_same_person(
    world: Any, score: float, uid: str
) -> None:
    presented = Presented(face=PresentedFace(world.alice.id, score), card=PresentedCard(uid))
    decision = decide(presented, world.a_door, world.now, world.state)
    card_holder = world.state.cards[(uid, None)].person_id
    if card_holder != world.alice.id:
        assert not decision.allowed and decision.reason is Reason.CREDENTIALS_MISMATCH
    else:
        assert decision.allowed and decision.via is CredentialKind.CARD


@given(person_id=st.uuids())
@SETTINGS
def test_a_face_match_for_a_stranger_never_opens(world: Any, person_id: uuid.UUID) -> None:
    decision = decide(
        Presented(face=PresentedFace(person_id, 0.99)), world.east_in, world.now, world.state
    )
    assert not decision.allowed and decision.person_id is None
