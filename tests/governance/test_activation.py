"""A passed face-recognition vote opens the activation gate; it is never anyone's consent."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from menwei.governance import Choice, Subject, VoteIsNotConsent, vote_passed
from menwei.governance.activation import OwnersVoteGate
from menwei.privacy.compliance import Unmet, activation_conditions

from .conftest import rid


def _closed(vote_on, roll, choices, during, after, **options):
    vote = vote_on(roll, **options)
    for unit_id, choice in choices.items():
        owner = sorted(vote.roll.unit(unit_id).owner_ids)[0]
        vote.cast_online(unit_id=unit_id, voter_id=owner, choice=choice, at=during)
    return vote.close(after)


def _all(choice):
    return {f"u{i}": choice for i in range(1, 5)}


def test_a_passed_face_vote_approves_activation_from_its_closing(
    equal_roll, vote_on, during, after
):
    result = _closed(vote_on, equal_roll, _all(Choice.APPROVE), during, after)
    approval = vote_passed([result], community_id=rid("c-1"), at=after)
    assert approval is not None
    assert approval.proposal_id == rid("p-1")
    assert approval.result_hash == result.canonical_hash()
    assert vote_passed([result], community_id=rid("c-1"), at=after - timedelta(seconds=1)) is None


def test_a_failed_vote_another_subject_or_another_community_gives_no_approval(
    equal_roll, vote_on, during, after
):
    failed = _closed(vote_on, equal_roll, _all(Choice.OPPOSE), during, after)
    other_subject = _closed(
        vote_on, equal_roll, _all(Choice.APPROVE), during, after, subject=Subject.OTHER
    )
    other_community = _closed(
        vote_on, equal_roll, _all(Choice.APPROVE), during, after, community_id=rid("c-2")
    )
    assert (
        vote_passed([failed, other_subject, other_community], community_id=rid("c-1"), at=after)
        is None
    )
    assert vote_passed([other_community], community_id=rid("c-2"), at=after) is not None


def test_a_later_failed_vote_takes_an_earlier_approval_away(equal_roll, vote_on, during, after):
    passed = _closed(vote_on, equal_roll, _all(Choice.APPROVE), during, after)
    later = _closed(
        vote_on,
        equal_roll,
        _all(Choice.OPPOSE),
        during,
        after + timedelta(days=30),
        proposal_id=rid("p-2"),
    )
    assert vote_passed([passed, later], community_id=rid("c-1"), at=after + timedelta(days=1))
    assert (
        vote_passed([passed, later], community_id=rid("c-1"), at=after + timedelta(days=31)) is None
    )


def test_neither_a_result_nor_an_approval_can_stand_for_a_residents_consent(
    equal_roll, vote_on, during, after
):
    result = _closed(vote_on, equal_roll, _all(Choice.APPROVE), during, after)
    approval = vote_passed([result], community_id=rid("c-1"), at=after)
    assert result.grants_personal_consent is False
    assert approval.grants_personal_consent is False
    with pytest.raises(VoteIsNotConsent) as refused:
        approval.consent_for("o1")
    assert "单独同意" in refused.value.message()
    with pytest.raises(VoteIsNotConsent):
        result.consent_for("o1")


def test_the_privacy_activation_gate_reads_the_owners_vote_through_its_hook(
    roll_of, vote_on, during, after
):
    community = uuid.uuid4()
    roll = roll_of(*((f"u{i}", "100", {f"o{i}"}) for i in range(1, 5)))
    failed = _closed(vote_on, roll, _all(Choice.OPPOSE), during, after, community_id=community)
    passed = _closed(
        vote_on,
        roll,
        _all(Choice.APPROVE),
        during,
        after,
        community_id=community,
        proposal_id=rid("p-2"),
    )

    def unmet(results):
        conditions = activation_conditions(
            community_id=community,
            notice_displayed_since=after - timedelta(days=30),
            assessment=None,
            votes=OwnersVoteGate(results, at=after + timedelta(days=1)),
            now=after + timedelta(days=1),
        )
        return {condition.code for condition in conditions}

    assert Unmet.VOTE_NOT_PASSED in unmet([failed])
    assert Unmet.VOTE_NOT_PASSED not in unmet([passed])
    assert Unmet.VOTE_NOT_PASSED in unmet([])


def test_a_community_that_requires_no_vote_is_not_held_back_by_a_missing_one(after):
    gate = OwnersVoteGate([], at=after, requires_vote=False)
    status = gate.vote_status(uuid.uuid4())
    assert status.required is False
    assert status.passed is False
    assert OwnersVoteGate([], at=after).vote_status(rid("c-1")).required is True
