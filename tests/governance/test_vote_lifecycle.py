"""Casting, changing, recording paper ballots, closing, and the fixed result."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest

from menwei.governance import (
    AlreadyVoted,
    BallotChannel,
    Choice,
    InvalidInput,
    NotAnOwnerOfUnit,
    PaperReferenceUsed,
    VoteClosed,
    VoteStillOpen,
    VotingNotOpen,
    VotingPeriodTooShort,
)


def test_a_vote_changed_before_closing_counts_only_the_last_choice(
    equal_roll, vote_on, during, after
):
    vote = vote_on(equal_roll)
    first = vote.cast_online(unit_id="u1", voter_id="o1", choice=Choice.APPROVE, at=during)
    vote.cast_online(
        unit_id="u1", voter_id="o1", choice=Choice.OPPOSE, at=during + timedelta(hours=2)
    )
    tally = vote.close(after).tally
    assert tally.approving_heads == 0
    assert tally.opposing_heads == 1
    assert vote.superseded() == (first,)


def _paper(vote, at, *, unit="u2", voter="o2", reference="No. 0001", signed_at=None):  # type: ignore[no-untyped-def]
    return vote.record_paper_ballot(
        unit_id=unit,
        voter_id=voter,
        choice=Choice.APPROVE,
        signed_at=signed_at or at,
        entered_by="committee-7",
        reference=reference,
        at=at,
    )


def test_a_unit_that_voted_online_cannot_also_get_a_paper_ballot(
    equal_roll, vote_on, during, after
):
    vote = vote_on(equal_roll)
    vote.cast_online(unit_id="u1", voter_id="o1", choice=Choice.OPPOSE, at=during)
    with pytest.raises(AlreadyVoted) as refused:
        _paper(vote, during + timedelta(hours=1), unit="u1", voter="o1")
    assert refused.value.details["channel"] == "online"
    (ballot,) = vote.ballots()
    assert ballot.choice is Choice.OPPOSE
    assert vote.close(after).tally.opposing_heads == 1


def test_a_unit_with_a_paper_ballot_cannot_vote_online_or_get_a_second_paper(
    equal_roll, vote_on, during
):
    vote = vote_on(equal_roll)
    _paper(vote, during)
    with pytest.raises(AlreadyVoted) as online:
        vote.cast_online(
            unit_id="u2", voter_id="o2", choice=Choice.OPPOSE, at=during + timedelta(hours=1)
        )
    with pytest.raises(AlreadyVoted) as again:
        _paper(vote, during + timedelta(hours=2), reference="No. 0002")
    assert online.value.details["channel"] == again.value.details["channel"] == "paper"
    assert [b.choice for b in vote.ballots()] == [Choice.APPROVE]


def test_one_paper_number_is_entered_once(equal_roll, vote_on, during):
    vote = vote_on(equal_roll)
    _paper(vote, during, reference="No. 0042")
    with pytest.raises(PaperReferenceUsed):
        _paper(vote, during, unit="u3", voter="o3", reference="No. 0042")
    assert len(vote.ballots()) == 1


def test_an_online_ballot_may_still_be_changed_online(equal_roll, vote_on, during):
    vote = vote_on(equal_roll)
    vote.cast_online(unit_id="u1", voter_id="o1", choice=Choice.OPPOSE, at=during)
    vote.cast_online(
        unit_id="u1", voter_id="o1", choice=Choice.APPROVE, at=during + timedelta(hours=1)
    )
    assert [b.choice for b in vote.ballots()] == [Choice.APPROVE]


def test_a_paper_ballot_names_who_entered_it_and_its_number(equal_roll, vote_on, during):
    vote = vote_on(equal_roll)
    ballot = _paper(vote, during + timedelta(hours=1), signed_at=during)
    assert ballot.channel is BallotChannel.PAPER
    assert ballot.recorded_by == "committee-7"
    assert ballot.reference == "No. 0001"
    assert {field.name for field in dataclasses.fields(ballot)}.isdisjoint({"image", "photo"})
    assert vote.channel_counts() == {BallotChannel.ONLINE: 0, BallotChannel.PAPER: 1}


@pytest.mark.parametrize("reference", ["", "   ", "No.\n1", "x" * 65])
def test_a_paper_ballot_without_a_readable_number_is_refused(
    equal_roll, vote_on, during, reference
):
    vote = vote_on(equal_roll)
    with pytest.raises(InvalidInput) as refused:
        _paper(vote, during, reference=reference)
    assert refused.value.details["field"] == "reference"


def test_paper_ballots_are_entered_during_the_voting_window_only(
    equal_roll, vote_on, during, after
):
    vote = vote_on(equal_roll)
    with pytest.raises(VotingNotOpen):
        _paper(vote, after, signed_at=during)
    before = vote.proposal.opens_at - timedelta(minutes=1)
    with pytest.raises(VotingNotOpen):
        _paper(vote, before)
    assert vote.ballots() == ()


def test_a_paper_ballot_signed_outside_the_window_or_after_its_entry_is_refused(
    equal_roll, vote_on, during
):
    vote = vote_on(equal_roll)
    early = vote.proposal.opens_at - timedelta(days=1)
    with pytest.raises(InvalidInput) as outside:
        _paper(vote, during, signed_at=early)
    with pytest.raises(InvalidInput) as later:
        _paper(vote, during, signed_at=during + timedelta(hours=1))
    assert outside.value.details["field"] == later.value.details["field"] == "signed_at"


@pytest.mark.parametrize("minimum", [7, 14])
def test_a_voting_period_shorter_than_the_minimum_is_refused(vote_on, equal_roll, minimum):
    proposal = vote_on(equal_roll).proposal
    short = dataclasses.replace(
        proposal, closes_at=proposal.opens_at + timedelta(days=minimum) - timedelta(seconds=1)
    )
    exact = dataclasses.replace(proposal, closes_at=proposal.opens_at + timedelta(days=minimum))
    with pytest.raises(VotingPeriodTooShort) as refused:
        short.require_voting_period(minimum)
    exact.require_voting_period(minimum)
    assert refused.value.details["minimum_days"] == minimum
    assert f"{minimum} 天" in refused.value.message()
    assert f"{minimum} days" in refused.value.message("en")


def test_no_minimum_set_below_one_day_lets_a_twelve_minute_vote_through(vote_on, equal_roll):
    proposal = vote_on(equal_roll).proposal
    twelve_minutes = dataclasses.replace(
        proposal, closes_at=proposal.opens_at + timedelta(minutes=12)
    )
    with pytest.raises(VotingPeriodTooShort) as refused:
        twelve_minutes.require_voting_period(0)
    assert refused.value.details["minimum_days"] == 1


def test_voting_before_the_window_opens_or_after_it_ends_is_refused(equal_roll, vote_on, after):
    vote = vote_on(equal_roll)
    with pytest.raises(VotingNotOpen):
        vote.cast_online(
            unit_id="u1",
            voter_id="o1",
            choice=Choice.APPROVE,
            at=vote.proposal.opens_at - timedelta(seconds=1),
        )
    with pytest.raises(VotingNotOpen):
        vote.cast_online(
            unit_id="u1", voter_id="o1", choice=Choice.APPROVE, at=vote.proposal.closes_at
        )


def test_only_a_registered_owner_of_the_unit_may_vote_for_it(equal_roll, vote_on, during):
    vote = vote_on(equal_roll)
    with pytest.raises(NotAnOwnerOfUnit) as refused:
        vote.cast_online(unit_id="u1", voter_id="o2", choice=Choice.APPROVE, at=during)
    assert "名册" in refused.value.message()
    assert "roll" in refused.value.message("en")
    with pytest.raises(NotAnOwnerOfUnit):
        vote.cast_online(unit_id="u9", voter_id="o1", choice=Choice.APPROVE, at=during)


@pytest.mark.parametrize("choice", ["yes", "", None, 1])
def test_a_ballot_with_no_valid_choice_is_refused_with_a_typed_error(
    equal_roll, vote_on, during, choice
):
    vote = vote_on(equal_roll)
    with pytest.raises(InvalidInput):
        vote.cast_online(unit_id="u1", voter_id="o1", choice=choice, at=during)
    assert vote.ballots() == ()


def test_counting_before_the_window_ends_is_refused(equal_roll, vote_on, during):
    vote = vote_on(equal_roll)
    with pytest.raises(VoteStillOpen):
        vote.close(during)
    assert vote.result is None


def test_a_closed_vote_cannot_be_changed(equal_roll, vote_on, during, after):
    vote = vote_on(equal_roll)
    vote.cast_online(unit_id="u1", voter_id="o1", choice=Choice.APPROVE, at=during)
    result = vote.close(after)
    with pytest.raises(VoteClosed) as refused:
        vote.cast_online(unit_id="u2", voter_id="o2", choice=Choice.OPPOSE, at=during)
    assert refused.value.code == "vote_closed"
    with pytest.raises(VoteClosed):
        _paper(vote, during)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.tally.approving_heads = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.closed_at = during  # type: ignore[misc]
    assert vote.close(after + timedelta(days=1)) is result
    assert result.tally.participating_heads == 1


def test_the_result_hash_is_stable_and_changes_with_any_ballot(roll_of, vote_on, during, after):
    units = (("u1", "88.20", {"a"}), ("u2", "90", {"b"}), ("u3", "75.5", {"c"}))

    def result(choice_u3):
        vote = vote_on(roll_of(*units))
        vote.cast_online(unit_id="u1", voter_id="a", choice=Choice.APPROVE, at=during)
        vote.cast_online(unit_id="u3", voter_id="c", choice=choice_u3, at=during)
        return vote.close(after)

    first, again, other = result(Choice.APPROVE), result(Choice.APPROVE), result(Choice.ABSTAIN)
    assert first.canonical_hash() == again.canonical_hash()
    assert len(first.canonical_hash()) == 64
    assert first.canonical_hash() != other.canonical_hash()
    assert first.ballots_digest != other.ballots_digest


def test_the_published_result_names_no_owner(roll_of, vote_on, during, after):
    vote = vote_on(roll_of(("u1", "100", {"owner-zhang"}), ("u2", "100", {"owner-li"})))
    vote.cast_online(unit_id="u1", voter_id="owner-zhang", choice=Choice.APPROVE, at=during)
    text = vote.close(after).canonical_json()
    assert "owner-zhang" not in text
    assert "owner-li" not in text
    assert json.loads(text)["approving_area"] == "100"


def test_the_result_time_is_hashed_in_utc_whatever_zone_it_was_given_in(equal_roll, vote_on, after):
    from datetime import UTC

    in_beijing = vote_on(equal_roll).close(after)
    in_utc = vote_on(equal_roll).close(after.astimezone(UTC))
    assert in_beijing.canonical_hash() == in_utc.canonical_hash()


def test_the_public_summary_states_both_measures_and_never_rounds_a_share_up(
    roll_of, vote_on, during, after
):
    roll = roll_of(("u1", "100", {"a"}), ("u2", "100", {"b"}), ("u3", "100", {"c"}))
    vote = vote_on(roll)
    vote.cast_online(unit_id="u1", voter_id="a", choice=Choice.APPROVE, at=during)
    vote.cast_online(unit_id="u2", voter_id="b", choice=Choice.OPPOSE, at=during)
    zh = vote.close(after).summary_lines()
    en = vote.result.summary_lines("en")
    assert "66.6%" in zh[0]
    assert "已达到" in zh[0]
    assert "50.0%" in zh[1]
    assert "未达到" in zh[1]
    assert zh[2] == "表决未通过。"
    assert "单独同意" in zh[3]
    assert en[2] == "The proposal did not pass."
    assert "more than 1/2" in en[1]


def test_closing_a_vote_appends_its_result_hash_to_the_privacy_audit_chain(
    equal_roll, vote_on, during, after
):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from menwei.privacy.audit import AuditChain, MemoryAuditLog, verify_chain

    vote = vote_on(equal_roll)
    vote.cast_online(unit_id="u1", voter_id="o1", choice=Choice.APPROVE, at=during)
    result = vote.close(after)
    key = Ed25519PrivateKey.generate()
    chain = AuditChain(MemoryAuditLog(), signing_key=key, pepper=b"p" * 32)
    action, detail = result.audit_record()
    entry = chain.append(
        at=after, actor="staff-1", action=action, community_id=result.community_id, detail=detail
    )
    assert entry.detail["result_hash"] == result.canonical_hash()
    assert entry.subject is None
    report = verify_chain(chain.log.entries(), chain.log.checkpoints(), key.public_key())
    assert report.ok
    assert report.entries == 1
    assert "o1" not in json.dumps(entry.detail)
