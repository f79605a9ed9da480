"""What the governance services answer: votes, ballots, notices and questions as plain values.

Times leave as ISO text and areas and shares as exact decimal text, so no float ever rounds
them and the API and the pages show the same figures. Most views are built from the domain's
objects by their ``of`` constructor; nothing here touches the store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Self
from uuid import UUID

from menwei.governance import (
    Answer,
    OwnersVote,
    Posting,
    PublicNotice,
    Question,
    VoteResult,
)
from menwei.governance.questions import PublicAnswer, PublicQuestion
from menwei.governance.result import plain_decimal
from menwei.governance.tally import Tally, percent_down
from menwei.governance.vote import Ballot, BallotChannel

# -- owners' votes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelCounts:
    """How many of the ballots that count came online and on paper."""

    ballots_online: int
    ballots_paper: int

    @classmethod
    def of(cls, vote: OwnersVote) -> Self:
        counts = vote.channel_counts()
        return cls(counts[BallotChannel.ONLINE], counts[BallotChannel.PAPER])


@dataclass(frozen=True, slots=True, kw_only=True)
class VoteResultView:
    """A fixed result: the hashed record, the shares (percent rounded down) and plain words."""

    proposal_id: str
    community_id: str
    subject: str
    title: str
    opens_at: str
    closes_at: str
    closed_at: str
    rule: str
    total_area: str
    total_heads: int
    participating_area: str
    participating_heads: int
    approving_area: str
    approving_heads: int
    opposing_area: str
    opposing_heads: int
    abstaining_area: str
    abstaining_heads: int
    divided_heads: int
    turnout_met: bool
    approval_met: bool
    passed: bool
    roll_digest: str
    ballots_digest: str
    turnout_by_area_percent: str
    turnout_by_owners_percent: str
    approval_by_area_percent: str
    approval_by_owners_percent: str
    result_hash: str
    summary: tuple[str, ...]

    @staticmethod
    def fields_of(result: VoteResult, locale: str) -> dict[str, Any]:
        """The values of a result's view, for this class and the ones that add to it."""
        return (
            result.canonical()
            | _shares(result.tally)
            | {
                "result_hash": result.canonical_hash(),
                "summary": tuple(result.summary_lines(locale)),
            }
        )

    @classmethod
    def of(cls, result: VoteResult, locale: str = "zh-CN") -> Self:
        return cls(**cls.fields_of(result, locale))


@dataclass(frozen=True, slots=True, kw_only=True)
class CountedResultView(VoteResultView):
    """A fixed result with how many ballots came online and on paper, as it is published."""

    ballots_online: int
    ballots_paper: int

    @classmethod
    def counted(cls, result: VoteResult, channels: ChannelCounts, locale: str) -> Self:
        return cls(**cls.fields_of(result, locale), **asdict(channels))


def _shares(tally: Tally) -> dict[str, str]:
    return {
        "turnout_by_area_percent": str(percent_down(tally.turnout_by_area())),
        "turnout_by_owners_percent": str(percent_down(tally.turnout_by_heads())),
        "approval_by_area_percent": str(percent_down(tally.approval_by_area())),
        "approval_by_owners_percent": str(percent_down(tally.approval_by_heads())),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalView:
    """A proposal and its counts so far: figures only, never who voted what."""

    id: UUID
    community_id: UUID
    title: str
    full_text: str
    notice_text: str
    opens_at: str
    closes_at: str
    rule: str
    subject: str
    units_on_roll: int
    total_area: str
    total_owners: int
    ballots_received: int
    ballots_online: int
    ballots_paper: int
    closed: bool
    result: VoteResultView | None

    @classmethod
    def of(cls, vote: OwnersVote) -> Self:
        p = vote.proposal
        channels = ChannelCounts.of(vote)
        return cls(
            id=p.proposal_id,
            community_id=p.community_id,
            title=p.title,
            full_text=p.full_text,
            notice_text=p.notice_text,
            opens_at=p.opens_at.isoformat(),
            closes_at=p.closes_at.isoformat(),
            rule=str(p.rule),
            subject=str(p.subject),
            units_on_roll=len(vote.roll.units),
            total_area=plain_decimal(vote.roll.total_area),
            total_owners=vote.roll.total_heads,
            ballots_received=len(vote.ballots()),
            ballots_online=channels.ballots_online,
            ballots_paper=channels.ballots_paper,
            closed=vote.result is not None,
            result=None if vote.result is None else VoteResultView.of(vote.result),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveCountsView:
    """The count so far of an open vote, as figures only."""

    ballots_online: int
    ballots_paper: int
    participating_area: str
    total_area: str
    participating_heads: int
    total_heads: int
    turnout_by_area_percent: str
    turnout_by_owners_percent: str
    approval_by_area_percent: str
    approval_by_owners_percent: str
    turnout_met: bool
    approval_met: bool

    @classmethod
    def of(cls, tally: Tally, channels: ChannelCounts) -> Self:
        return cls(
            ballots_online=channels.ballots_online,
            ballots_paper=channels.ballots_paper,
            participating_area=plain_decimal(tally.participating_area),
            total_area=plain_decimal(tally.total_area),
            participating_heads=tally.participating_heads,
            total_heads=tally.total_heads,
            turnout_by_area_percent=str(percent_down(tally.turnout_by_area())),
            turnout_by_owners_percent=str(percent_down(tally.turnout_by_heads())),
            approval_by_area_percent=str(percent_down(tally.approval_by_area())),
            approval_by_owners_percent=str(percent_down(tally.approval_by_heads())),
            turnout_met=tally.turnout_met,
            approval_met=tally.approval_met,
        )


@dataclass(frozen=True, slots=True)
class MyUnitView:
    """A unit the calling owner may vote for, with the choice counted for it so far."""

    unit_id: str
    area: str
    choice: str | None


@dataclass(frozen=True, slots=True)
class CastView:
    """An online vote as it was recorded."""

    unit_id: str
    choice: str
    cast_at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BallotView:
    """One ballot as the office's record shows it (personal data)."""

    unit_id: str
    voter_id: str
    choice: str
    channel: str
    cast_at: str
    recorded_at: str
    recorded_by: str | None
    reference: str | None

    @classmethod
    def of(cls, ballot: Ballot) -> Self:
        return cls(
            unit_id=ballot.unit_id,
            voter_id=ballot.voter_id,
            choice=str(ballot.choice),
            channel=str(ballot.channel),
            cast_at=ballot.cast_at.isoformat(),
            recorded_at=ballot.recorded_at.isoformat(),
            recorded_by=ballot.recorded_by,
            reference=ballot.reference,
        )


@dataclass(frozen=True, slots=True)
class BallotRecordView:
    """The ballots that count and those a later ballot replaced."""

    counted: tuple[BallotView, ...]
    superseded: tuple[BallotView, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PaperEntryView:
    """A paper ballot as the committee lists it: which paper, which unit, who entered it, when;
    never the choice."""

    reference: str | None
    unit_id: str
    recorded_by: str | None
    signed_at: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class OwnerName:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class RollEntryView:
    """A unit of the roll as the committee needs it to enter a paper ballot."""

    unit_id: str
    label: str
    owners: tuple[OwnerName, ...]


# -- public notices -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostingView:
    """One placement of a notice: where, since when, and until when if taken down."""

    channel: str
    location: str
    posted_at: str
    taken_down_at: str | None

    @classmethod
    def of(cls, posting: Posting) -> Self:
        down = posting.taken_down_at
        return cls(
            str(posting.channel),
            posting.location,
            posting.posted_at.isoformat(),
            None if down is None else down.isoformat(),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeView:
    """A notice with the days it has been displayed as of a moment, and its placements."""

    id: UUID
    title: str
    body: str
    starts_on: str
    minimum_days: int
    required_channels: tuple[str, ...]
    poster_doors: tuple[str, ...]
    displayed_days: int
    displayed_since: str | None
    period_complete: bool
    postings: tuple[PostingView, ...]

    @classmethod
    def of(cls, notice: PublicNotice, *, as_of: datetime) -> Self:
        since = notice.displayed_since(as_of)
        return cls(
            id=notice.notice_id,
            title=notice.title,
            body=notice.body,
            starts_on=notice.starts_on.isoformat(),
            minimum_days=notice.minimum_days,
            required_channels=tuple(sorted(str(c) for c in notice.required_channels)),
            poster_doors=tuple(sorted(notice.poster_doors)),
            displayed_days=notice.displayed_days(as_of),
            displayed_since=None if since is None else since.isoformat(),
            period_complete=notice.period_complete(as_of),
            postings=tuple(PostingView.of(p) for p in notice.postings),
        )


# -- residents' questions -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerView:
    """An answer: in whose name, what, and when (never the account that typed it)."""

    role: str
    speaking_for: str
    text: str
    answered_at: str

    @classmethod
    def of(cls, answer: Answer) -> Self:
        return cls(
            str(answer.role), answer.speaking_for, answer.text, answer.answered_at.isoformat()
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionView:
    """A question; ``asked_by`` is ``None`` for a reader who may not know who asked."""

    id: UUID
    asked_by: str | None
    text: str
    visibility: str
    asked_at: str
    answer_due_at: str
    overdue: bool
    answers: tuple[AnswerView, ...]

    @classmethod
    def of(cls, question: Question, *, at: datetime, asker: bool = True) -> Self:
        return cls(
            id=question.question_id,
            asked_by=question.asked_by if asker else None,
            text=question.text,
            visibility=str(question.visibility),
            asked_at=question.asked_at.isoformat(),
            answer_due_at=question.answer_due_at.isoformat(),
            overdue=question.is_overdue(at),
            answers=tuple(AnswerView.of(a) for a in question.answers),
        )


@dataclass(frozen=True, slots=True)
class QuestionBoardView:
    """Every question of a community for those who answer them, newest first, with counts."""

    open: int
    overdue: int
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True, slots=True)
class PublicAnswerView:
    """An answer as the public page shows it: by day."""

    role: str
    speaking_for: str
    text: str
    answered_on: str

    @classmethod
    def of(cls, answer: PublicAnswer) -> Self:
        return cls(
            str(answer.role), answer.speaking_for, answer.text, answer.answered_on.isoformat()
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicQuestionView:
    """A public question as the public page shows it, without who asked."""

    id: UUID
    text: str
    asked_on: str
    overdue: bool
    answers: tuple[PublicAnswerView, ...]

    @classmethod
    def of(cls, question: PublicQuestion) -> Self:
        return cls(
            id=question.question_id,
            text=question.text,
            asked_on=question.asked_on.isoformat(),
            overdue=question.overdue,
            answers=tuple(PublicAnswerView.of(a) for a in question.answers),
        )


def plain(value: Any) -> Any:
    """JSON values of a view or a domain record: Decimal as a string (never a float), dates as
    ISO text, enums by value, tuples as lists."""
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    return value
