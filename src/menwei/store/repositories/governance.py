"""Owners' votes, public notices and residents' questions, to and from ``menwei.governance``.

Reads take a :class:`~menwei.store.scope.CommunityScope`, applied in SQL, so a caller never loads
another community's records. Writes that would change a closed vote are refused with the domain's
:class:`~menwei.governance.VoteClosed`, checked under a lock on the proposal so a ballot cannot
slip in while the vote is being closed; the one-ballot-per-unit rule across channels is checked
again under the same lock, so two entries made at once cannot both count.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from menwei.governance import (
    AlreadyVoted,
    Answer,
    AnswererRole,
    Ballot,
    BallotChannel,
    Choice,
    NoticeChannel,
    OwnedUnit,
    OwnerRoll,
    OwnersVote,
    PaperReferenceUsed,
    Posting,
    Proposal,
    PublicNotice,
    Question,
    QuestionNotFound,
    Subject,
    Visibility,
    VoteClosed,
    VoteResult,
    VoteRule,
)
from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.repositories.supervision import SupervisionFigures
from menwei.store.repositories.supervisor_levels import SupervisorLevels
from menwei.store.scope import CommunityScope
from menwei.store.tables import HouseholdMembershipRow, PersonRow, UnitRow
from menwei.store.tables.governance import (
    AnswerRow,
    BallotRow,
    PostingRow,
    ProposalRow,
    PublicNoticeRow,
    QuestionRow,
    RollOwnerRow,
    RollUnitRow,
    VoteResultRow,
)

#: The owner recorded for units with no registered owner: the developer's unsold units, which
#: Art 278 as interpreted counts together as one owner.
UNREGISTERED_OWNER = "developer"


class GovernanceRepository:
    """Governance records of the communities in the caller's scope.

    The supervisor's figures and the supervisors' level labels hang off it (``supervision``,
    ``levels``), so that the unit of work carries one governance entry.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self.supervision = SupervisionFigures(session)
        self.levels = SupervisorLevels(session)

    # -- owners' votes --------------------------------------------------------------------------

    def roll_for_community(self, community_id: uuid.UUID, on: date) -> OwnerRoll:
        """The owners' roll on ``on``: every unit with its area and its owners living there.

        A unit without a registered owner is counted as the developer's (see
        :data:`UNREGISTERED_OWNER`).
        """
        units = self._session.scalars(
            select(UnitRow).where(UnitRow.community_id == community_id).order_by(UnitRow.id)
        ).all()
        if not units:
            raise RecordNotFound("community units", community_id)
        owners: dict[uuid.UUID, set[str]] = defaultdict(set)
        memberships = self._session.execute(
            select(HouseholdMembershipRow.unit_id, HouseholdMembershipRow.person_id)
            .join(PersonRow, PersonRow.id == HouseholdMembershipRow.person_id)
            .join(UnitRow, UnitRow.id == HouseholdMembershipRow.unit_id)
            .where(
                UnitRow.community_id == community_id,
                PersonRow.role == "owner",
                HouseholdMembershipRow.moved_in <= on,
                or_(
                    HouseholdMembershipRow.moved_out.is_(None),
                    HouseholdMembershipRow.moved_out > on,
                ),
            )
        )
        for unit_id, person_id in memberships:
            owners[unit_id].add(str(person_id))
        return OwnerRoll(
            tuple(
                OwnedUnit(
                    str(unit.id),
                    unit.floor_area,
                    frozenset(owners.get(unit.id) or {UNREGISTERED_OWNER}),
                )
                for unit in units
            )
        )

    def add_vote(self, vote: OwnersVote, *, minimum_days: int) -> None:
        """Store a newly published proposal with its frozen roll; a voting window shorter than
        ``minimum_days`` is refused (:class:`~menwei.governance.VotingPeriodTooShort`)."""
        proposal = vote.proposal
        proposal.require_voting_period(minimum_days)
        proposal_id = proposal.proposal_id
        if self._session.get(ProposalRow, proposal_id) is not None:
            raise RecordConflict(
                message_id="conflict.proposal_already_exists", proposal_id=str(proposal_id)
            )
        self._session.add(
            ProposalRow(
                id=proposal_id,
                community_id=proposal.community_id,
                title=proposal.title,
                full_text=proposal.full_text,
                notice_text=proposal.notice_text,
                opens_at=proposal.opens_at,
                closes_at=proposal.closes_at,
                rule=str(proposal.rule),
                subject=str(proposal.subject),
                created_by=proposal.created_by,
            )
        )
        self._session.flush()
        for unit in vote.roll.units:
            self._session.add(
                RollUnitRow(proposal_id=proposal_id, unit_id=unit.unit_id, area=unit.area)
            )
            for owner in sorted(unit.owner_ids):
                self._session.add(
                    RollOwnerRow(proposal_id=proposal_id, unit_id=unit.unit_id, owner_id=owner)
                )
        for ballot in vote.ballots():
            self._add_ballot_row(proposal_id, ballot)
        self._session.flush()

    def get_vote(self, proposal_id: uuid.UUID, scope: CommunityScope) -> OwnersVote:
        """The vote with its roll, every ballot in the order received, and its result if closed."""
        row = self._proposal_row(proposal_id, scope)
        units: dict[str, set[str]] = defaultdict(set)
        for owner in self._session.scalars(
            select(RollOwnerRow).where(RollOwnerRow.proposal_id == row.id)
        ):
            units[owner.unit_id].add(owner.owner_id)
        roll = OwnerRoll(
            tuple(
                OwnedUnit(unit.unit_id, unit.area.normalize(), frozenset(units[unit.unit_id]))
                for unit in self._session.scalars(
                    select(RollUnitRow).where(RollUnitRow.proposal_id == row.id)
                )
            )
        )
        ballots = tuple(
            Ballot(
                unit_id=ballot.unit_id,
                voter_id=ballot.voter_id,
                choice=Choice(ballot.choice),
                channel=BallotChannel(ballot.channel),
                cast_at=ballot.cast_at,
                recorded_at=ballot.recorded_at,
                recorded_by=ballot.recorded_by,
                reference=ballot.reference,
            )
            for ballot in self._session.scalars(
                select(BallotRow).where(BallotRow.proposal_id == row.id).order_by(BallotRow.id)
            )
        )
        result_row = self._session.get(VoteResultRow, row.id)
        return OwnersVote(
            _proposal(row),
            roll,
            ballots,
            None if result_row is None else _result(result_row),
        )

    def votes(self, community_id: uuid.UUID, scope: CommunityScope) -> list[OwnersVote]:
        """Every vote of the community in scope, the latest opening first."""
        ids = self._session.scalars(
            select(ProposalRow.id)
            .where(ProposalRow.community_id == community_id, scope.clause(ProposalRow.community_id))
            .order_by(ProposalRow.opens_at.desc(), ProposalRow.id)
        ).all()
        return [self.get_vote(proposal_id, scope) for proposal_id in ids]

    def add_ballot(self, proposal_id: uuid.UUID, ballot: Ballot, scope: CommunityScope) -> None:
        """Store a ballot the domain accepted; refused once the vote is closed."""
        row = self._proposal_row(proposal_id, scope, lock=True)
        if self._session.get(VoteResultRow, row.id) is not None:
            raise VoteClosed(row.id)
        self._refuse_second_channel(row.id, ballot)
        self._add_ballot_row(row.id, ballot)
        self._session.flush()

    def _refuse_second_channel(self, proposal_id: uuid.UUID, ballot: Ballot) -> None:
        """One ballot per unit whichever way: only an online ballot may follow an online one."""
        earlier = self._session.scalars(
            select(BallotRow.channel).where(
                BallotRow.proposal_id == proposal_id, BallotRow.unit_id == ballot.unit_id
            )
        ).all()
        if BallotChannel.PAPER in earlier:
            raise AlreadyVoted(ballot.unit_id, BallotChannel.PAPER)
        if earlier and ballot.channel is BallotChannel.PAPER:
            raise AlreadyVoted(ballot.unit_id, BallotChannel.ONLINE)
        if ballot.reference is not None and self._session.scalar(
            select(BallotRow.id).where(
                BallotRow.proposal_id == proposal_id, BallotRow.reference == ballot.reference
            )
        ):
            raise PaperReferenceUsed(ballot.reference)

    def save_result(self, result: VoteResult, scope: CommunityScope) -> None:
        """Write a closed vote's result once; a second write is refused."""
        row = self._proposal_row(result.proposal_id, scope, lock=True)
        if self._session.get(VoteResultRow, row.id) is not None:
            raise VoteClosed(row.id)
        self._session.add(
            VoteResultRow(
                proposal_id=row.id,
                community_id=row.community_id,
                closed_at=result.closed_at,
                passed=result.passed,
                canonical=result.canonical_json(),
                result_hash=result.canonical_hash(),
            )
        )
        self._session.flush()

    def results(
        self, scope: CommunityScope, community_id: uuid.UUID | None = None
    ) -> list[VoteResult]:
        """Closed votes in scope (of one community when given), oldest first."""
        query = select(VoteResultRow).where(scope.clause(VoteResultRow.community_id))
        if community_id is not None:
            query = query.where(VoteResultRow.community_id == community_id)
        rows = self._session.scalars(query.order_by(VoteResultRow.closed_at))
        return [_result(row) for row in rows]

    def _proposal_row(
        self, proposal_id: uuid.UUID, scope: CommunityScope, *, lock: bool = False
    ) -> ProposalRow:
        query = select(ProposalRow).where(
            ProposalRow.id == proposal_id,
            scope.clause(ProposalRow.community_id),
        )
        row = self._session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise RecordNotFound("proposal", proposal_id)
        return row

    def _add_ballot_row(self, proposal_id: uuid.UUID, ballot: Ballot) -> None:
        self._session.add(
            BallotRow(
                proposal_id=proposal_id,
                unit_id=ballot.unit_id,
                voter_id=ballot.voter_id,
                choice=str(ballot.choice),
                channel=str(ballot.channel),
                cast_at=ballot.cast_at,
                recorded_at=ballot.recorded_at,
                recorded_by=ballot.recorded_by,
                reference=ballot.reference,
            )
        )

    # -- public notices -------------------------------------------------------------------------

    def add_notice(self, notice: PublicNotice) -> None:
        """Store a notice and the postings it already has."""
        notice_id = notice.notice_id
        self._session.add(
            PublicNoticeRow(
                id=notice_id,
                community_id=notice.community_id,
                title=notice.title,
                body=notice.body,
                starts_on=notice.starts_on,
                minimum_days=notice.minimum_days,
                required_channels=sorted(str(channel) for channel in notice.required_channels),
                poster_doors=sorted(notice.poster_doors),
                timezone=notice.timezone,
            )
        )
        self._session.flush()
        for posting in notice.postings:
            self._add_posting_row(notice_id, posting)
        self._session.flush()

    def get_notice(self, notice_id: uuid.UUID, scope: CommunityScope) -> PublicNotice:
        row = self._notice_row(notice_id, scope)
        postings = self._session.scalars(
            select(PostingRow).where(PostingRow.notice_id == row.id).order_by(PostingRow.id)
        )
        return PublicNotice(
            notice_id=row.id,
            community_id=row.community_id,
            title=row.title,
            body=row.body,
            starts_on=row.starts_on,
            minimum_days=row.minimum_days,
            required_channels=frozenset(
                NoticeChannel(channel) for channel in row.required_channels
            ),
            poster_doors=frozenset(row.poster_doors),
            timezone=row.timezone,
            postings=tuple(
                Posting(
                    NoticeChannel(posting.channel),
                    posting.location,
                    posting.posted_at,
                    posting.recorded_by,
                    posting.taken_down_at,
                )
                for posting in postings
            ),
        )

    def notices(
        self, scope: CommunityScope, community_id: uuid.UUID | None = None
    ) -> list[PublicNotice]:
        """Notices in scope (of one community when given), by start date."""
        query = select(PublicNoticeRow.id).where(scope.clause(PublicNoticeRow.community_id))
        if community_id is not None:
            query = query.where(PublicNoticeRow.community_id == community_id)
        ids = self._session.scalars(query.order_by(PublicNoticeRow.starts_on, PublicNoticeRow.id))
        return [self.get_notice(notice_id, scope) for notice_id in ids.all()]

    def add_posting(self, notice_id: uuid.UUID, posting: Posting, scope: CommunityScope) -> None:
        """Record one more placement of a notice."""
        row = self._notice_row(notice_id, scope)
        self._add_posting_row(row.id, posting)
        self._session.flush()

    def record_taken_down(
        self,
        notice_id: uuid.UUID,
        channel: NoticeChannel,
        location: str,
        at: datetime,
        scope: CommunityScope,
    ) -> None:
        """Mark the open placement at ``location`` as taken down (checked by the domain first)."""
        notice = self.get_notice(notice_id, scope)
        notice.taken_down(channel, location, at)
        row = self._session.scalar(
            select(PostingRow)
            .where(
                PostingRow.notice_id == notice_id,
                PostingRow.channel == str(channel),
                PostingRow.location == location,
                PostingRow.taken_down_at.is_(None),
            )
            .order_by(PostingRow.id)
            .limit(1)
        )
        assert row is not None  # the domain found the same open placement
        row.taken_down_at = at
        self._session.flush()

    def _notice_row(self, notice_id: uuid.UUID, scope: CommunityScope) -> PublicNoticeRow:
        row = self._session.scalar(
            select(PublicNoticeRow).where(
                PublicNoticeRow.id == notice_id,
                scope.clause(PublicNoticeRow.community_id),
            )
        )
        if row is None:
            raise RecordNotFound("notice", notice_id)
        return row

    def _add_posting_row(self, notice_id: uuid.UUID, posting: Posting) -> None:
        self._session.add(
            PostingRow(
                notice_id=notice_id,
                channel=str(posting.channel),
                location=posting.location,
                posted_at=posting.posted_at,
                recorded_by=posting.recorded_by,
                taken_down_at=posting.taken_down_at,
            )
        )

    # -- residents' questions -------------------------------------------------------------------

    def add_question(self, question: Question) -> None:
        question_id = question.question_id
        self._session.add(
            QuestionRow(
                id=question_id,
                community_id=question.community_id,
                asked_by=question.asked_by,
                text=question.text,
                visibility=str(question.visibility),
                asked_at=question.asked_at,
                answer_due_at=question.answer_due_at,
            )
        )
        self._session.flush()
        for answer in question.answers:
            self._add_answer_row(question_id, answer)
        self._session.flush()

    def add_answer(self, question_id: uuid.UUID, answer: Answer, scope: CommunityScope) -> Question:
        """Answer a question in scope; the domain checks the answer against the question."""
        question = self.get_question(question_id, scope).answered(answer)
        self._add_answer_row(question_id, answer)
        self._session.flush()
        return question

    def get_question(self, question_id: uuid.UUID, scope: CommunityScope) -> Question:
        row = self._session.scalar(
            select(QuestionRow).where(
                QuestionRow.id == question_id, scope.clause(QuestionRow.community_id)
            )
        )
        if row is None:
            raise QuestionNotFound(question_id)
        return self._question(row)

    def questions(
        self, scope: CommunityScope, community_id: uuid.UUID | None = None
    ) -> list[Question]:
        """Questions in scope (of one community when given), oldest first."""
        query = select(QuestionRow).where(scope.clause(QuestionRow.community_id))
        if community_id is not None:
            query = query.where(QuestionRow.community_id == community_id)
        rows = self._session.scalars(query.order_by(QuestionRow.asked_at, QuestionRow.id)).all()
        return [self._question(row) for row in rows]

    def _question(self, row: QuestionRow) -> Question:
        answers = self._session.scalars(
            select(AnswerRow).where(AnswerRow.question_id == row.id).order_by(AnswerRow.id)
        )
        return Question(
            question_id=row.id,
            community_id=row.community_id,
            asked_by=row.asked_by,
            text=row.text,
            visibility=Visibility(row.visibility),
            asked_at=row.asked_at,
            answer_due_at=row.answer_due_at,
            answers=tuple(
                Answer(
                    answered_by=answer.answered_by,
                    role=AnswererRole(answer.role),
                    speaking_for=answer.speaking_for,
                    text=answer.text,
                    answered_at=answer.answered_at,
                )
                for answer in answers
            ),
        )

    def _add_answer_row(self, question_id: uuid.UUID, answer: Answer) -> None:
        self._session.add(
            AnswerRow(
                question_id=question_id,
                answered_by=answer.answered_by,
                role=str(answer.role),
                speaking_for=answer.speaking_for,
                text=answer.text,
                answered_at=answer.answered_at,
            )
        )


def _proposal(row: ProposalRow) -> Proposal:
    return Proposal(
        proposal_id=row.id,
        community_id=row.community_id,
        title=row.title,
        full_text=row.full_text,
        notice_text=row.notice_text,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        rule=VoteRule(row.rule),
        subject=Subject(row.subject),
        created_by=row.created_by,
    )


def _result(row: VoteResultRow) -> VoteResult:
    return VoteResult.from_canonical(json.loads(row.canonical), expected_hash=row.result_hash)
