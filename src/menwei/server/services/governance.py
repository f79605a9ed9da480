"""Owners' votes, public notices and residents' questions, as the API offers them.

The rules live in :mod:`menwei.governance`; this module loads and stores through the unit of
work's governance repository, names the caller in every record, and answers with the views of
:mod:`~menwei.server.services.governance_views`. Areas and shares leave as strings so no float
ever rounds them. A closed vote's result is appended to the audit chain in the same
transaction that fixes it, so the published figures and the chain cannot disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from menwei.governance import (
    Answer,
    Choice,
    NoticeChannel,
    OwnersVote,
    Posting,
    Proposal,
    PublicNotice,
    Question,
    Subject,
    Visibility,
    VoteClosed,
    VoteResult,
    VoteRule,
    count_questions,
    count_votes,
    public_listing,
)
from menwei.governance.result import plain_decimal
from menwei.governance.vote import BallotChannel
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import Forbidden
from menwei.server.policy import AccountRole, holds
from menwei.server.services.answering_body import answering_body
from menwei.server.services.governance_views import (
    BallotRecordView,
    BallotView,
    CastView,
    ChannelCounts,
    CountedResultView,
    LiveCountsView,
    MyUnitView,
    NoticeView,
    OwnerName,
    PaperEntryView,
    ProposalView,
    PublicQuestionView,
    QuestionBoardView,
    QuestionView,
    RollEntryView,
    VoteResultView,
    plain,
)
from menwei.server.services.privacy import actor_of
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.errors import RecordNotFound
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

Clock = Callable[[], datetime]


def _community(caller: Caller) -> uuid.UUID:
    assert caller.community_id is not None
    return caller.community_id


def _account(caller: Caller) -> str:
    """How an account is named in governance records: its id, which the account table resolves."""
    return str(caller.principal.id)


# -- owners' votes ------------------------------------------------------------------------------


def create_proposal(
    uow: UnitOfWork, caller: Caller, fields: dict[str, Any], *, minimum_days: int
) -> ProposalView:
    """Publish a proposal with the owners' roll frozen as of its opening day; a voting period
    shorter than ``minimum_days`` is refused before anything is stored."""
    community_id = _community(caller)
    proposal = Proposal(
        proposal_id=uuid.uuid4(),
        community_id=community_id,
        title=fields["title"],
        full_text=fields["full_text"],
        notice_text=fields["notice_text"],
        opens_at=fields["opens_at"],
        closes_at=fields["closes_at"],
        rule=VoteRule(fields["rule"]),
        subject=Subject(fields["subject"]),
        created_by=_account(caller),
    )
    with uow:
        uow.places.community(community_id, caller.scope)
        proposal.require_voting_period(minimum_days)
        roll = uow.governance.roll_for_community(community_id, proposal.opens_at.date())
        uow.governance.add_vote(OwnersVote(proposal, roll), minimum_days=minimum_days)
        uow.commit()
        vote = uow.governance.get_vote(proposal.proposal_id, caller.scope)
    return ProposalView.of(vote)


def proposals(uow: UnitOfWork, caller: Caller) -> list[ProposalView]:
    """Every proposal of the community, newest first, with its result once closed."""
    with uow:
        found = uow.governance.votes(_community(caller), caller.scope)
    return [ProposalView.of(vote) for vote in found]


def proposal(uow: UnitOfWork, caller: Caller, proposal_id: uuid.UUID) -> ProposalView:
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
    return ProposalView.of(vote)


def result_view(result: VoteResult, locale: str = "zh-CN") -> dict[str, Any]:
    """A fixed result as JSON values, for answers that merge it into their own figures."""
    plain_result: dict[str, Any] = plain(VoteResultView.of(result, locale))
    return plain_result


def channel_view(vote: OwnersVote) -> dict[str, int]:
    """How many of the ballots that count came online and on paper, as JSON values."""
    counts: dict[str, int] = plain(ChannelCounts.of(vote))
    return counts


def my_units(uow: UnitOfWork, caller: Caller, proposal_id: uuid.UUID) -> list[MyUnitView]:
    """The units the calling owner may vote for, with the choice currently counted for each."""
    voter = _voter(caller)
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
    counted = {ballot.unit_id: ballot for ballot in vote.ballots()}
    return [
        MyUnitView(
            unit.unit_id,
            plain_decimal(unit.area),
            str(counted[unit.unit_id].choice) if unit.unit_id in counted else None,
        )
        for unit in vote.roll.units
        if voter in unit.owner_ids
    ]


def cast(
    uow: UnitOfWork,
    caller: Caller,
    proposal_id: uuid.UUID,
    *,
    unit_id: str,
    choice: str,
    at: datetime,
) -> CastView:
    """An owner votes online for one of their units; a later vote replaces an earlier one."""
    voter = _voter(caller)
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
        ballot = vote.cast_online(unit_id=unit_id, voter_id=voter, choice=Choice(choice), at=at)
        uow.governance.add_ballot(proposal_id, ballot, caller.scope)
        uow.commit()
    return CastView(ballot.unit_id, str(ballot.choice), at.isoformat())


#: The audit chain's name for a paper ballot entered by the owners' committee.
PAPER_BALLOT_ACTION = "paper_ballot_entered"


def record_paper(
    uow: UnitOfWork,
    caller: Caller,
    kit: PrivacyKit,
    proposal_id: uuid.UUID,
    *,
    unit_id: str,
    voter_id: str,
    choice: str,
    signed_at: datetime,
    reference: str,
    at: datetime,
) -> BallotView:
    """A committee member enters a signed paper ballot during the voting window.

    The ballot names the account that entered it and the paper's number; the audit chain gets
    an entry naming the same account in the same transaction (which unit and which paper, never
    the choice, so the chain does not tell how anyone voted).
    """
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
        ballot = vote.record_paper_ballot(
            unit_id=unit_id,
            voter_id=voter_id,
            choice=Choice(choice),
            signed_at=signed_at,
            entered_by=_account(caller),
            reference=reference,
            at=at,
        )
        uow.governance.add_ballot(proposal_id, ballot, caller.scope)
        kit.chain(uow.privacy).append(
            at=at,
            actor=actor_of(caller),
            action=PAPER_BALLOT_ACTION,
            community_id=vote.proposal.community_id,
            detail={
                "proposal_id": str(vote.proposal.proposal_id),
                "unit_id": ballot.unit_id,
                "reference": ballot.reference,
                "signed_at": ballot.cast_at.isoformat(),
                "entered_by": ballot.recorded_by,
            },
        )
        uow.commit()
    return BallotView.of(ballot)


def paper_entries(uow: UnitOfWork, caller: Caller, proposal_id: uuid.UUID) -> list[PaperEntryView]:
    """The paper ballots entered so far, for the committee: which paper, which unit, who entered
    it and when; never the choice (that is counted, not listed, outside the office's record)."""
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
    entered = [b for b in (*vote.ballots(), *vote.superseded()) if b.channel is BallotChannel.PAPER]
    return [
        PaperEntryView(
            reference=b.reference,
            unit_id=b.unit_id,
            recorded_by=b.recorded_by,
            signed_at=b.cast_at.isoformat(),
            recorded_at=b.recorded_at.isoformat(),
        )
        for b in sorted(entered, key=lambda b: b.recorded_at, reverse=True)
    ]


def ballots(uow: UnitOfWork, caller: Caller, proposal_id: uuid.UUID) -> BallotRecordView:
    """The ballots that count and those replaced, for the office's record (personal data)."""
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
    return BallotRecordView(
        tuple(BallotView.of(b) for b in vote.ballots()),
        tuple(BallotView.of(b) for b in vote.superseded()),
    )


def close(
    uow: UnitOfWork,
    caller: Caller,
    kit: PrivacyKit,
    proposal_id: uuid.UUID,
    *,
    at: datetime,
    locale: str,
) -> VoteResultView:
    """Count and fix the result, and append it to the audit chain, in one transaction."""
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
        if vote.result is not None:
            raise VoteClosed(vote.proposal.proposal_id)
        result = vote.close(at)
        uow.governance.save_result(result, caller.scope)
        action, detail = result.audit_record()
        kit.chain(uow.privacy).append(
            at=at,
            actor=actor_of(caller),
            action=action,
            community_id=result.community_id,
            detail=detail,
        )
        if vote.proposal.subject is Subject.FACE_RECOGNITION and not result.passed:
            # The owners' newest word on faces is no: face recognition stops everywhere at once.
            from menwei.server.services.face_switch import switch_off_in_uow

            switch_off_in_uow(
                uow,
                kit,
                result.community_id,
                at=max(at, datetime.now(UTC)),  # the switch happens when the result is fixed
                actor=f"vote:{vote.proposal.proposal_id}",
            )
        uow.commit()
    return VoteResultView.of(result, locale)


def public_results(
    uow: UnitOfWork, community_id: uuid.UUID, locale: str
) -> list[CountedResultView]:
    """Every closed vote of the community as the public page shows it, newest first, with how
    many ballots came online and on paper."""
    scope = CommunityScope.of([community_id])
    with uow:
        uow.places.community(community_id, CommunityScope.all())
        results = uow.governance.results(scope, community_id)
        channels = [
            ChannelCounts.of(uow.governance.get_vote(r.proposal_id, scope)) for r in results
        ]
    return [
        CountedResultView.counted(result, counts, locale)
        for result, counts in zip(reversed(results), reversed(channels), strict=True)
    ]


def _voter(caller: Caller) -> str:
    person_id = caller.principal.person_id
    if caller.principal.role is not AccountRole.RESIDENT or person_id is None:
        raise Forbidden()
    return str(person_id)


# -- public notices (公示) -----------------------------------------------------------------------


def create_notice(
    uow: UnitOfWork, caller: Caller, fields: dict[str, Any], *, as_of: datetime
) -> NoticeView:
    community_id = _community(caller)
    doors: list[uuid.UUID] = list(fields["poster_doors"])
    notice = PublicNotice(
        notice_id=uuid.uuid4(),
        community_id=community_id,
        title=fields["title"],
        body=fields["body"],
        starts_on=fields["starts_on"],
        minimum_days=fields["minimum_days"],
        required_channels=frozenset(NoticeChannel(c) for c in fields["required_channels"]),
        poster_doors=frozenset(str(door) for door in doors),
    )
    with uow:
        uow.places.community(community_id, caller.scope)
        for door in doors:
            door_row = uow.places.door(door, caller.scope)
            if door_row.community_id != community_id:
                raise RecordNotFound("door", door)
        uow.governance.add_notice(notice)
        uow.commit()
    return NoticeView.of(notice, as_of=as_of)


def notices(uow: UnitOfWork, caller: Caller, *, as_of: datetime) -> list[NoticeView]:
    with uow:
        found = uow.governance.notices(caller.scope, _community(caller))
    return [NoticeView.of(n, as_of=as_of) for n in found]


def public_notices(
    uow: UnitOfWork, community_id: uuid.UUID, *, as_of: datetime
) -> list[NoticeView]:
    """The community's notices as the public page shows them (a notice is public by nature)."""
    with uow:
        uow.places.community(community_id, CommunityScope.all())
        found = uow.governance.notices(CommunityScope.of([community_id]), community_id)
    return [NoticeView.of(n, as_of=as_of) for n in found]


def notice_displayed_since(
    uow: UnitOfWork, community_id: uuid.UUID, *, at: datetime
) -> datetime | None:
    """Since when the community's notices have been on display without a break, for the
    activation gate: the earliest start of a display still running at ``at`` (call in a uow).

    ``None`` when no notice is up on every channel it requires: a notice that was taken down, or
    that never reached the door posters, does not count as displayed.
    """
    found = uow.governance.notices(CommunityScope.of([community_id]), community_id)
    running = [since for n in found if (since := n.displayed_since(at)) is not None]
    return min(running, default=None)


def add_posting(
    uow: UnitOfWork,
    caller: Caller,
    notice_id: uuid.UUID,
    *,
    channel: str,
    location: str,
    posted_at: datetime,
    as_of: datetime,
) -> NoticeView:
    """Record where and when the notice was put up (the page, a door's poster, a kiosk)."""
    posting = Posting(NoticeChannel(channel), location, posted_at, _account(caller))
    with uow:
        uow.governance.add_posting(notice_id, posting, caller.scope)
        uow.commit()
        notice = uow.governance.get_notice(notice_id, caller.scope)
    return NoticeView.of(notice, as_of=as_of)


def take_down(
    uow: UnitOfWork,
    caller: Caller,
    notice_id: uuid.UUID,
    *,
    channel: str,
    location: str,
    at: datetime,
) -> NoticeView:
    """End one placement of the notice."""
    with uow:
        uow.governance.record_taken_down(
            notice_id, NoticeChannel(channel), location, at, caller.scope
        )
        uow.commit()
        notice = uow.governance.get_notice(notice_id, caller.scope)
    return NoticeView.of(notice, as_of=at)


# -- residents' questions (咨询) -----------------------------------------------------------------


def ask(uow: UnitOfWork, caller: Caller, *, text: str, public: bool, at: datetime) -> QuestionView:
    asker = _voter(caller)
    question = Question.ask(
        question_id=uuid.uuid4(),
        community_id=_community(caller),
        asked_by=asker,
        text=text,
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
        at=at,
    )
    with uow:
        uow.governance.add_question(question)
        uow.commit()
    return QuestionView.of(question, at=at)


def questions(uow: UnitOfWork, caller: Caller, *, at: datetime) -> QuestionBoardView:
    """Every question of the community, private ones included, for those who answer them."""
    with uow:
        found = uow.governance.questions(caller.scope, _community(caller))
    counts = count_questions(found, at=at)
    askers = holds(caller.principal, "people:read")
    return QuestionBoardView(
        counts.open,
        counts.overdue,
        tuple(QuestionView.of(q, at=at, asker=askers) for q in reversed(found)),
    )


def my_questions(uow: UnitOfWork, caller: Caller, *, at: datetime) -> list[QuestionView]:
    """The calling resident's own questions, private ones included, with their answers."""
    asker = _voter(caller)
    with uow:
        found = uow.governance.questions(caller.scope, _community(caller))
    return [QuestionView.of(q, at=at) for q in reversed(found) if q.asked_by == asker]


def answer(
    uow: UnitOfWork, caller: Caller, question_id: uuid.UUID, *, text: str, at: datetime
) -> QuestionView:
    """Answer under the organisation the answering account belongs to, read from its records
    (:mod:`~menwei.server.services.answering_body`); nothing the answerer types names it."""
    with uow:
        role, organisation = answering_body(uow, caller, _community(caller))
        given = Answer(
            answered_by=_account(caller),
            role=role,
            speaking_for=organisation,
            text=text,
            answered_at=at,
        )
        question = uow.governance.add_answer(question_id, given, caller.scope)
        uow.commit()
    return QuestionView.of(question, at=at, asker=holds(caller.principal, "people:read"))


def public_questions(
    uow: UnitOfWork, community_id: uuid.UUID, *, at: datetime
) -> list[PublicQuestionView]:
    """The community's public Q&A, without who asked."""
    with uow:
        uow.places.community(community_id, CommunityScope.all())
        found = uow.governance.questions(CommunityScope.of([community_id]), community_id)
    listing = public_listing(found, community_id=community_id, at=at)
    return [PublicQuestionView.of(q) for q in listing]


# -- what the pages add: names and labels for people, live figures -------------------------------


def live_counts(uow: UnitOfWork, caller: Caller, proposal_id: uuid.UUID) -> LiveCountsView:
    """The count so far of an open vote, as figures only: who voted what never leaves here."""
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
    tally = count_votes(
        vote.roll, ((b.unit_id, b.choice) for b in vote.ballots()), vote.proposal.rule
    )
    return LiveCountsView.of(tally, ChannelCounts.of(vote))


def unit_labels(uow: UnitOfWork, caller: Caller) -> dict[str, str]:
    """Each unit of the community as people name it ("1号楼 1单元 301"), keyed by its id."""
    community_id = _community(caller)
    with uow:
        buildings = {b.id: b.name for b in uow.places.buildings(community_id, caller.scope)}
        units = uow.places.units(community_id, caller.scope)
    labels = {}
    for unit in units:
        entrance = f" {unit.entrance}单元" if unit.entrance else ""
        labels[str(unit.id)] = f"{buildings.get(unit.building_id, '')}{entrance} {unit.number}"
    return labels


def paper_ballot_roll(
    uow: UnitOfWork, caller: Caller, proposal_id: uuid.UUID
) -> list[RollEntryView]:
    """The roll as the committee needs it to enter a paper ballot: each unit with its owners'
    names, as the signed paper shows them."""
    labels = unit_labels(uow, caller)
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
        names: dict[str, str] = {}
        for unit in vote.roll.units:
            for owner in unit.owner_ids:
                if owner in names:
                    continue
                try:
                    names[owner] = uow.people.get(uuid.UUID(owner), caller.scope).name
                except (ValueError, RecordNotFound):
                    names[owner] = ""
    return [
        RollEntryView(
            unit.unit_id,
            labels.get(unit.unit_id, unit.unit_id),
            tuple(OwnerName(o, names[o]) for o in sorted(unit.owner_ids)),
        )
        for unit in vote.roll.units
    ]


def account_names(uow: UnitOfWork, account_ids: Iterable[str]) -> dict[str, str]:
    """How records that name an account (a paper ballot, a posting) show it: its display name."""
    names: dict[str, str] = {}
    with uow:
        for account_id in set(account_ids):
            try:
                account = uow.accounts.get(uuid.UUID(account_id))
            except (ValueError, RecordNotFound):
                continue
            names[account_id] = account.display_name or account.login
    return names


def notice_recorders(uow: UnitOfWork, caller: Caller) -> dict[uuid.UUID, list[str]]:
    """Who recorded each posting of each notice, in the order ``NoticeView`` lists them."""
    with uow:
        found = uow.governance.notices(caller.scope, _community(caller))
    return {n.notice_id: [p.recorded_by for p in n.postings] for n in found}


def result_of(
    uow: UnitOfWork, caller: Caller, proposal_id: uuid.UUID, locale: str
) -> CountedResultView | None:
    """A closed vote's fixed result in the reader's language; ``None`` while it is open."""
    with uow:
        vote = uow.governance.get_vote(proposal_id, caller.scope)
    if vote.result is None:
        return None
    return CountedResultView.counted(vote.result, ChannelCounts.of(vote), locale)
