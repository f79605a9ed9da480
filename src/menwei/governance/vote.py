"""An owners' vote (业主表决): a proposal, its ballots, and closing it into a fixed result.

A proposal's voting window lasts at least the installation's minimum (seven days unless the
operator sets another, never under one day): owners need time to read and decide, and a vote
open for minutes would decide for them. The minimum is checked when a proposal is published.

One ballot per owned unit, whichever way it is cast. An owner votes online, or a member of the
owners' committee enters the owner's signed paper ballot with the number printed on the paper;
the record names who entered it and keeps no image. Any registered owner of a unit may cast its
ballot — co-owners share the unit's one ballot, as they count as one owner. An online ballot may
be changed online until the vote closes (the one cast last counts); a unit with a paper ballot
cannot vote online, a unit that voted online cannot get a paper ballot, and a paper ballot is
entered once. Paper ballots are entered during the voting window and were signed in it.

Closing counts the ballots (:mod:`menwei.governance.tally`) and returns a :class:`VoteResult`.
From then on nothing about the vote can change; every attempt raises :class:`VoteClosed`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from menwei.governance import _checks
from menwei.governance.errors import (
    AlreadyVoted,
    InvalidInput,
    PaperReferenceUsed,
    VoteClosed,
    VoteStillOpen,
    VotingNotOpen,
    VotingPeriodTooShort,
)
from menwei.governance.result import VoteResult, ballots_digest, roll_digest
from menwei.governance.roll import OwnerRoll
from menwei.governance.tally import Choice, VoteRule, count_votes

#: The shortest voting period an installation may set, and the one it has unless told.
MINIMUM_VOTING_DAYS_FLOOR = 1
DEFAULT_MINIMUM_VOTING_DAYS = 7
#: The longest paper ballot number (the number printed on the paper).
MAX_REFERENCE = 64


class Subject(StrEnum):
    """What a proposal decides; the activation gate reads only face-recognition votes."""

    FACE_RECOGNITION = "face_recognition"
    OTHER = "other"


class BallotChannel(StrEnum):
    """How a ballot reached the count."""

    ONLINE = "online"
    PAPER = "paper"


@dataclass(frozen=True)
class Proposal:
    """A matter put to the owners, with the notice it would adopt and its voting window."""

    proposal_id: uuid.UUID
    community_id: uuid.UUID
    title: str
    full_text: str
    notice_text: str
    opens_at: datetime
    closes_at: datetime
    rule: VoteRule
    subject: Subject = Subject.OTHER
    created_by: str = ""

    def __post_init__(self) -> None:
        for name in ("proposal_id", "community_id"):
            _checks.record_id(name, getattr(self, name))
        object.__setattr__(self, "title", _checks.text("title", self.title, max_length=200))
        object.__setattr__(
            self, "full_text", _checks.text("full_text", self.full_text, max_length=50_000)
        )
        object.__setattr__(
            self, "notice_text", _checks.text("notice_text", self.notice_text, max_length=50_000)
        )
        _checks.aware("opens_at", self.opens_at)
        _checks.aware("closes_at", self.closes_at)
        if self.closes_at <= self.opens_at:
            raise InvalidInput("closes_at", "invalid_input.must_follow_opens")
        try:
            object.__setattr__(self, "rule", VoteRule(self.rule))
        except ValueError:
            raise InvalidInput("rule", "invalid_input.there_no_such_voting") from None
        try:
            object.__setattr__(self, "subject", Subject(self.subject))
        except ValueError:
            raise InvalidInput("subject", "invalid_input.no_such_subject") from None
        if self.created_by:
            object.__setattr__(
                self, "created_by", _checks.identifier("created_by", self.created_by)
            )

    def require_voting_period(self, minimum_days: int) -> None:
        """Refuse a window shorter than ``minimum_days`` (never less than one day)."""
        days = max(MINIMUM_VOTING_DAYS_FLOOR, _checks.count("minimum_days", minimum_days))
        if self.closes_at - self.opens_at < timedelta(days=days):
            raise VotingPeriodTooShort(days)

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` falls in the voting window [opens_at, closes_at)."""
        return self.opens_at <= _checks.aware("at", at) < self.closes_at


@dataclass(frozen=True)
class Ballot:
    """One unit's vote. A paper ballot names who entered it and the number on the paper."""

    unit_id: str
    voter_id: str
    choice: Choice
    channel: BallotChannel
    cast_at: datetime
    recorded_at: datetime
    recorded_by: str | None = None
    reference: str | None = None


class OwnersVote:
    """A proposal, the roll it is counted against, and its ballots until it is closed."""

    def __init__(
        self,
        proposal: Proposal,
        roll: OwnerRoll,
        ballots: tuple[Ballot, ...] = (),
        result: VoteResult | None = None,
    ) -> None:
        self.proposal = proposal
        self.roll = roll
        self._ballots: dict[str, Ballot] = {}
        self._superseded: list[Ballot] = []
        for ballot in ballots:
            self._accept(ballot)
        self._result = result

    @property
    def result(self) -> VoteResult | None:
        """The fixed result once the vote is closed; ``None`` while it is open."""
        return self._result

    @property
    def closed(self) -> bool:
        return self._result is not None

    def ballots(self) -> tuple[Ballot, ...]:
        """The ballot that counts for each unit, ordered by unit."""
        return tuple(self._ballots[unit] for unit in sorted(self._ballots))

    def superseded(self) -> tuple[Ballot, ...]:
        """Ballots replaced by a later one for the same unit (kept for the record)."""
        return tuple(self._superseded)

    def cast_online(self, *, unit_id: str, voter_id: str, choice: Choice, at: datetime) -> Ballot:
        """An owner votes for one of their units through the portal."""
        self._refuse_if_closed()
        if not self.proposal.is_open(at):
            raise VotingNotOpen(self.proposal.proposal_id)
        unit_id = _checks.identifier("unit_id", unit_id)
        current = self._ballots.get(unit_id)
        if current is not None and current.channel is BallotChannel.PAPER:
            raise AlreadyVoted(unit_id, BallotChannel.PAPER)
        return self._add(unit_id, voter_id, choice, BallotChannel.ONLINE, at, at, None)

    def record_paper_ballot(
        self,
        *,
        unit_id: str,
        voter_id: str,
        choice: Choice,
        signed_at: datetime,
        entered_by: str,
        reference: str,
        at: datetime,
    ) -> Ballot:
        """A committee member enters an owner's signed paper ballot during the voting window;
        the record names who entered it and the number on the paper."""
        self._refuse_if_closed()
        entered = _checks.identifier("entered_by", entered_by)
        number = _checks.text("reference", reference, max_length=MAX_REFERENCE, multiline=False)
        _checks.aware("signed_at", signed_at)
        if not self.proposal.is_open(_checks.aware("at", at)):
            raise VotingNotOpen(self.proposal.proposal_id)
        if not self.proposal.is_open(signed_at):
            raise InvalidInput("signed_at", "invalid_input.must_fall_voting_period")
        if at < signed_at:
            raise InvalidInput("signed_at", "invalid_input.must_not_after_entry")
        unit_id = _checks.identifier("unit_id", unit_id)
        current = self._ballots.get(unit_id)
        if current is not None:
            raise AlreadyVoted(unit_id, current.channel)
        if any(b.reference == number for b in (*self._ballots.values(), *self._superseded)):
            raise PaperReferenceUsed(number)
        return self._add(
            unit_id, voter_id, choice, BallotChannel.PAPER, signed_at, at, entered, number
        )

    def channel_counts(self) -> dict[BallotChannel, int]:
        """How many of the ballots that count came online and on paper."""
        counts = dict.fromkeys(BallotChannel, 0)
        for ballot in self._ballots.values():
            counts[ballot.channel] += 1
        return counts

    def close(self, at: datetime) -> VoteResult:
        """Count the ballots and fix the result; closing again returns the same result."""
        if self._result is not None:
            return self._result
        if _checks.aware("at", at) < self.proposal.closes_at:
            raise VoteStillOpen(self.proposal.proposal_id)
        ballots = self.ballots()
        tally = count_votes(
            self.roll, ((ballot.unit_id, ballot.choice) for ballot in ballots), self.proposal.rule
        )
        self._result = VoteResult(
            proposal_id=self.proposal.proposal_id,
            community_id=self.proposal.community_id,
            subject=self.proposal.subject,
            title=self.proposal.title,
            opens_at=self.proposal.opens_at,
            closes_at=self.proposal.closes_at,
            closed_at=at,
            tally=tally,
            roll_digest=roll_digest(self.roll),
            ballots_digest=ballots_digest(
                (ballot.unit_id, ballot.choice, ballot.channel, ballot.cast_at)
                for ballot in ballots
            ),
        )
        return self._result

    def _refuse_if_closed(self) -> None:
        if self._result is not None:
            raise VoteClosed(self.proposal.proposal_id)

    def _add(
        self,
        unit_id: str,
        voter_id: str,
        choice: Choice,
        channel: BallotChannel,
        cast_at: datetime,
        recorded_at: datetime,
        recorded_by: str | None,
        reference: str | None = None,
    ) -> Ballot:
        try:
            choice = Choice(choice)
        except ValueError:
            raise InvalidInput("choice", "invalid_input.choose_approve_oppose_abstain") from None
        unit_id = _checks.identifier("unit_id", unit_id)
        voter_id = _checks.identifier("voter_id", voter_id)
        self.roll.require_owner(unit_id, voter_id)
        ballot = Ballot(
            unit_id, voter_id, choice, channel, cast_at, recorded_at, recorded_by, reference
        )
        self._accept(ballot)
        return ballot

    def _accept(self, ballot: Ballot) -> None:
        current = self._ballots.get(ballot.unit_id)
        if current is None or ballot.cast_at >= current.cast_at:
            if current is not None:
                self._superseded.append(current)
            self._ballots[ballot.unit_id] = ballot
        else:
            self._superseded.append(ballot)
