"""Owners' votes, public notices with display periods, residents' questions, supervision.

Pure domain logic (standard library only); the store persists it and the server shows it.
"""

from __future__ import annotations

from menwei.governance.activation import ActivationApproval, vote_passed
from menwei.governance.errors import (
    AlreadyVoted,
    GovernanceError,
    InvalidInput,
    NoOrganisationOnRecord,
    NotAnOwnerOfUnit,
    PaperReferenceUsed,
    QuestionNotFound,
    RecordAltered,
    VoteClosed,
    VoteIsNotConsent,
    VoteStillOpen,
    VotingNotOpen,
    VotingPeriodTooShort,
)
from menwei.governance.notices import NoticeChannel, Posting, PublicNotice
from menwei.governance.questions import (
    Answer,
    AnswererRole,
    PublicAnswer,
    PublicQuestion,
    Question,
    QuestionCounts,
    Visibility,
    count_questions,
    public_listing,
)
from menwei.governance.result import VoteResult
from menwei.governance.roll import OwnedUnit, OwnerRoll
from menwei.governance.supervision import (
    AuditStatus,
    CommunitySummary,
    Concern,
    DistrictRollup,
    FilingStatus,
    NoticeRecord,
    SupervisorRow,
    VoteRecord,
    community_row,
    district_rollup,
    rollup_to_csv,
    rows_to_csv,
)
from menwei.governance.tally import Choice, Tally, VoteRule, count_votes
from menwei.governance.vote import Ballot, BallotChannel, OwnersVote, Proposal, Subject

__all__ = [
    "ActivationApproval",
    "AlreadyVoted",
    "Answer",
    "AnswererRole",
    "AuditStatus",
    "Ballot",
    "BallotChannel",
    "Choice",
    "CommunitySummary",
    "Concern",
    "DistrictRollup",
    "FilingStatus",
    "GovernanceError",
    "InvalidInput",
    "NoOrganisationOnRecord",
    "NotAnOwnerOfUnit",
    "NoticeChannel",
    "NoticeRecord",
    "OwnedUnit",
    "OwnerRoll",
    "OwnersVote",
    "PaperReferenceUsed",
    "Posting",
    "Proposal",
    "PublicAnswer",
    "PublicNotice",
    "PublicQuestion",
    "Question",
    "QuestionCounts",
    "QuestionNotFound",
    "RecordAltered",
    "Subject",
    "SupervisorRow",
    "Tally",
    "Visibility",
    "VoteClosed",
    "VoteIsNotConsent",
    "VoteRecord",
    "VoteResult",
    "VoteRule",
    "VoteStillOpen",
    "VotingNotOpen",
    "VotingPeriodTooShort",
    "community_row",
    "count_questions",
    "count_votes",
    "district_rollup",
    "public_listing",
    "rollup_to_csv",
    "rows_to_csv",
    "vote_passed",
]
