"""What the governance and supervision routes answer, as typed response models.

Each model mirrors a view of :mod:`menwei.server.services.governance_views` (or of the
supervision service) field for field and is read from it by attribute, so the JSON keeps the
service's names and order. Times, areas and shares stay text: no float ever rounds them.
"""

from __future__ import annotations

import uuid

from menwei.server.schemas import ResponseModel

# -- owners' votes ------------------------------------------------------------------------------


class VoteResultOut(ResponseModel):
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
    summary: list[str]


class CountedResultOut(VoteResultOut):
    """A published result with how many ballots came online and on paper."""

    ballots_online: int
    ballots_paper: int


class ProposalOut(ResponseModel):
    id: uuid.UUID
    community_id: uuid.UUID
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
    result: VoteResultOut | None


class MyUnitOut(ResponseModel):
    unit_id: str
    area: str
    choice: str | None


class CastOut(ResponseModel):
    unit_id: str
    choice: str
    cast_at: str


class BallotOut(ResponseModel):
    unit_id: str
    voter_id: str
    choice: str
    channel: str
    cast_at: str
    recorded_at: str
    recorded_by: str | None
    reference: str | None


class BallotRecordOut(ResponseModel):
    counted: list[BallotOut]
    superseded: list[BallotOut]


# -- public notices -----------------------------------------------------------------------------


class PostingOut(ResponseModel):
    channel: str
    location: str
    posted_at: str
    taken_down_at: str | None


class NoticeOut(ResponseModel):
    id: uuid.UUID
    title: str
    body: str
    starts_on: str
    minimum_days: int
    required_channels: list[str]
    poster_doors: list[str]
    displayed_days: int
    displayed_since: str | None
    period_complete: bool
    postings: list[PostingOut]


# -- residents' questions -----------------------------------------------------------------------


class AnswerOut(ResponseModel):
    role: str
    speaking_for: str
    text: str
    answered_at: str


class QuestionOut(ResponseModel):
    id: uuid.UUID
    asked_by: str | None
    text: str
    visibility: str
    asked_at: str
    answer_due_at: str
    overdue: bool
    answers: list[AnswerOut]


class QuestionBoardOut(ResponseModel):
    open: int
    overdue: int
    questions: list[QuestionOut]


class PublicAnswerOut(ResponseModel):
    role: str
    speaking_for: str
    text: str
    answered_on: str


class PublicQuestionOut(ResponseModel):
    id: uuid.UUID
    text: str
    asked_on: str
    overdue: bool
    answers: list[PublicAnswerOut]


# -- supervision --------------------------------------------------------------------------------


class SupervisedQuestionOut(ResponseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    community_name: str
    text: str
    asked_on: str
    overdue: bool
    answers: list[PublicAnswerOut]


class OfficialAnswerOut(ResponseModel):
    id: uuid.UUID
    answered_at: str
    speaking_for: str


class LevelOut(ResponseModel):
    account_id: uuid.UUID
    level: str | None


class NoticeRecordOut(ResponseModel):
    """A notice in a community's history, as figures."""

    notice_id: uuid.UUID
    title: str
    starts_on: str
    minimum_days: int
    displayed_days: int
    period_complete: bool


class VoteRecordOut(ResponseModel):
    proposal_id: uuid.UUID
    title: str
    subject: str
    rule: str
    closed_on: str
    turnout_by_area: str
    turnout_by_heads: str
    approval_by_area: str
    approval_by_heads: str
    passed: bool


class SupervisorRowOut(ResponseModel):
    """One community's line: shares as decimal text, days and moments as ISO text."""

    community_id: uuid.UUID
    community_name: str
    face_on: bool
    face_on_since: str | None
    face_doors: int
    alternative_share: str
    residents: int
    enrolled: int
    withdrawals: int
    face_share: str
    open_rights_requests: int
    overdue_rights_requests: int
    open_questions: int
    overdue_questions: int
    audit_status: str
    audit_verified_at: str | None
    filing_count: int
    filing_status: str
    notices: list[NoticeRecordOut]
    votes: list[VoteRecordOut]
    concerns: list[str]
    face_off_since: str | None
    tailgating_alerts: int


class DistrictRollupOut(ResponseModel):
    communities: int
    communities_face_on: int
    communities_with_concerns: int
    face_doors: int
    face_doors_with_alternative: int
    alternative_share: str
    residents: int
    enrolled: int
    withdrawals: int
    face_share: str
    open_rights_requests: int
    overdue_rights_requests: int
    open_questions: int
    overdue_questions: int
    audits_broken: int
    audits_not_verified: int
    filing_count: int
    tailgating_alerts: int
