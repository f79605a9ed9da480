"""Owners' votes, public notices (公示) and residents' questions (咨询) of one community.

Who may do what is in ``policy.POLICY``: staff or committee members publish and close votes
(lasting at least ``MENWEI_VOTE_MINIMUM_DAYS``), owners vote online for their own units, the
owners' committee alone enters paper ballots, and the office alone sees who voted what.
The results and the public Q&A are public (``…/votes/public``, ``…/questions/public``).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, Field

from menwei.server import app_state
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.errors import request_locale
from menwei.server.governance_schemas import (
    BallotOut,
    BallotRecordOut,
    CastOut,
    CountedResultOut,
    MyUnitOut,
    NoticeOut,
    ProposalOut,
    PublicQuestionOut,
    QuestionBoardOut,
    QuestionOut,
    VoteResultOut,
)
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import governance as service

PREFIX = API_PREFIX + "/communities/{community_id}"
router = APIRouter(prefix=PREFIX, tags=["governance"])

VotesRead = Annotated[Caller, Depends(InCommunity("votes:read"))]
VotesWrite = Annotated[Caller, Depends(InCommunity("votes:write"))]
VotesCast = Annotated[Caller, Depends(InCommunity("votes:cast"))]
BallotsRead = Annotated[Caller, Depends(InCommunity("ballots:read"))]
BallotsRecord = Annotated[Caller, Depends(InCommunity("ballots:record"))]
NoticesRead = Annotated[Caller, Depends(InCommunity("public_notices:read"))]
NoticesWrite = Annotated[Caller, Depends(InCommunity("public_notices:write"))]
QuestionsAsk = Annotated[Caller, Depends(InCommunity("questions:ask"))]
QuestionsRead = Annotated[Caller, Depends(InCommunity("questions:read"))]
QuestionsAnswer = Annotated[Caller, Depends(InCommunity("questions:answer"))]

Title = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=50_000)]
Choice = Literal["approve", "oppose", "abstain"]
UnitId = Annotated[str, Field(min_length=1, max_length=64)]
ChannelName = Literal["public_page", "door_poster", "kiosk_screen"]


class NewProposal(ApiModel):
    title: Title
    full_text: LongText
    notice_text: LongText
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    rule: Literal["ordinary", "art278_items_6_to_8"]
    subject: Literal["face_recognition", "other"] = "face_recognition"


class OnlineBallot(ApiModel):
    unit_id: UnitId
    choice: Choice


class PaperBallot(ApiModel):
    unit_id: UnitId
    voter_id: UnitId
    choice: Choice
    signed_at: AwareDatetime
    #: the number printed on the paper ballot; each is entered once per vote
    reference: Annotated[str, Field(min_length=1, max_length=64)]


class NewNotice(ApiModel):
    title: Title
    body: LongText
    starts_on: date
    minimum_days: Annotated[int, Field(ge=1, le=366)]
    required_channels: Annotated[
        list[ChannelName],
        Field(min_length=1, max_length=3, default_factory=lambda: ["public_page", "door_poster"]),
    ]
    poster_doors: Annotated[list[uuid.UUID], Field(max_length=500, default_factory=list)]


class NewPosting(ApiModel):
    channel: ChannelName
    location: UnitId
    posted_at: AwareDatetime | None = None


class TakeDown(ApiModel):
    channel: ChannelName
    location: UnitId
    at: AwareDatetime | None = None


class NewQuestion(ApiModel):
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    public: bool = True


class NewAnswer(ApiModel):
    """An answer's text only: whom it speaks for comes from the answering account's records."""

    text: Annotated[str, Field(min_length=1, max_length=20_000)]


# -- owners' votes ------------------------------------------------------------------------------


@router.post("/votes", status_code=201)
def create_proposal(
    body: NewProposal, caller: VotesWrite, request: Request, uow: UowDep
) -> ProposalOut:
    """Publish a proposal; the owners' roll is frozen as of its opening day. A voting period
    shorter than the installation's minimum (7 days unless set) is refused with 422."""
    return ProposalOut.model_validate(
        service.create_proposal(
            uow, caller, body.model_dump(), minimum_days=app_state.minimum_voting_days(request)
        )
    )


@router.get("/votes")
def list_proposals(caller: VotesRead, uow: UowDep) -> list[ProposalOut]:
    found = service.proposals(uow, caller)
    return [ProposalOut.model_validate(item) for item in found]


@router.get("/votes/public")
def public_results(
    community_id: uuid.UUID, request: Request, uow: UowDep
) -> list[CountedResultOut]:
    """Closed votes with turnout and approval by area and by owners; open to anyone."""
    found = service.public_results(uow, community_id, request_locale(request))
    return [CountedResultOut.model_validate(item) for item in found]


@router.get("/votes/{proposal_id}")
def get_proposal(proposal_id: uuid.UUID, caller: VotesRead, uow: UowDep) -> ProposalOut:
    return ProposalOut.model_validate(service.proposal(uow, caller, proposal_id))


@router.get("/votes/{proposal_id}/my-units")
def my_units(proposal_id: uuid.UUID, caller: VotesCast, uow: UowDep) -> list[MyUnitOut]:
    """The calling owner's units on the roll, with the choice counted for each so far."""
    found = service.my_units(uow, caller, proposal_id)
    return [MyUnitOut.model_validate(item) for item in found]


@router.put("/votes/{proposal_id}/my-ballot")
def cast(
    proposal_id: uuid.UUID, body: OnlineBallot, caller: VotesCast, request: Request, uow: UowDep
) -> CastOut:
    """Vote for one owned unit; voting again before the close replaces the earlier choice."""
    return CastOut.model_validate(
        service.cast(
            uow,
            caller,
            proposal_id,
            unit_id=body.unit_id,
            choice=body.choice,
            at=app_state.clock(request)(),
        )
    )


@router.post("/votes/{proposal_id}/paper-ballots", status_code=201)
def record_paper(
    proposal_id: uuid.UUID, body: PaperBallot, caller: BallotsRecord, request: Request, uow: UowDep
) -> BallotOut:
    """The owners' committee enters an owner's signed paper ballot during the voting window (no
    image is kept); the record and the audit chain name who entered it. A unit that already
    voted, online or on paper, and a paper number already entered are refused with 409."""
    return BallotOut.model_validate(
        service.record_paper(
            uow,
            caller,
            app_state.privacy_kit(request),
            proposal_id,
            unit_id=body.unit_id,
            voter_id=body.voter_id,
            choice=body.choice,
            signed_at=body.signed_at,
            reference=body.reference,
            at=app_state.clock(request)(),
        )
    )


@router.get("/votes/{proposal_id}/ballots")
def ballots(proposal_id: uuid.UUID, caller: BallotsRead, uow: UowDep) -> BallotRecordOut:
    return BallotRecordOut.model_validate(service.ballots(uow, caller, proposal_id))


@router.post("/votes/{proposal_id}/close")
def close(
    proposal_id: uuid.UUID, caller: VotesWrite, request: Request, uow: UowDep
) -> VoteResultOut:
    """Count and fix the result (after the window ends); recorded in the audit chain."""
    return VoteResultOut.model_validate(
        service.close(
            uow,
            caller,
            app_state.privacy_kit(request),
            proposal_id,
            at=app_state.clock(request)(),
            locale=request_locale(request),
        )
    )


# -- public notices (公示) -----------------------------------------------------------------------


@router.post("/public-notices", status_code=201)
def create_notice(
    body: NewNotice, caller: NoticesWrite, request: Request, uow: UowDep
) -> NoticeOut:
    """Open a notice: its start date, minimum display period and where it must be shown."""
    return NoticeOut.model_validate(
        service.create_notice(uow, caller, body.model_dump(), as_of=app_state.clock(request)())
    )


@router.get("/public-notices")
def list_notices(caller: NoticesRead, request: Request, uow: UowDep) -> list[NoticeOut]:
    """Notices with the days each has been displayed and whether its period is complete."""
    found = service.notices(uow, caller, as_of=app_state.clock(request)())
    return [NoticeOut.model_validate(item) for item in found]


@router.get("/public-notices/public")
def public_notices(community_id: uuid.UUID, request: Request, uow: UowDep) -> list[NoticeOut]:
    """Every notice with where it was posted and how long it has been up; open to anyone."""
    found = service.public_notices(uow, community_id, as_of=app_state.clock(request)())
    return [NoticeOut.model_validate(item) for item in found]


@router.post("/public-notices/{notice_id}/postings", status_code=201)
def add_posting(
    notice_id: uuid.UUID, body: NewPosting, caller: NoticesWrite, request: Request, uow: UowDep
) -> NoticeOut:
    at = app_state.clock(request)()
    return NoticeOut.model_validate(
        service.add_posting(
            uow,
            caller,
            notice_id,
            channel=body.channel,
            location=body.location,
            posted_at=body.posted_at or at,
            as_of=at,
        )
    )


@router.post("/public-notices/{notice_id}/take-down")
def take_down(
    notice_id: uuid.UUID, body: TakeDown, caller: NoticesWrite, request: Request, uow: UowDep
) -> NoticeOut:
    return NoticeOut.model_validate(
        service.take_down(
            uow,
            caller,
            notice_id,
            channel=body.channel,
            location=body.location,
            at=body.at or app_state.clock(request)(),
        )
    )


# -- residents' questions (咨询) -----------------------------------------------------------------


@router.post("/questions", status_code=201)
def ask(body: NewQuestion, caller: QuestionsAsk, request: Request, uow: UowDep) -> QuestionOut:
    return QuestionOut.model_validate(
        service.ask(uow, caller, text=body.text, public=body.public, at=app_state.clock(request)())
    )


@router.get("/questions")
def list_questions(caller: QuestionsRead, request: Request, uow: UowDep) -> QuestionBoardOut:
    """Every question, private ones included, with open and overdue counts."""
    return QuestionBoardOut.model_validate(
        service.questions(uow, caller, at=app_state.clock(request)())
    )


@router.get("/questions/mine")
def my_questions(caller: QuestionsAsk, request: Request, uow: UowDep) -> list[QuestionOut]:
    """The resident's own questions and their answers, the private ones included."""
    found = service.my_questions(uow, caller, at=app_state.clock(request)())
    return [QuestionOut.model_validate(item) for item in found]


@router.get("/questions/public")
def public_questions(
    community_id: uuid.UUID, request: Request, uow: UowDep
) -> list[PublicQuestionOut]:
    """Public questions and their answers, without who asked; open to anyone."""
    found = service.public_questions(uow, community_id, at=app_state.clock(request)())
    return [PublicQuestionOut.model_validate(item) for item in found]


@router.post("/questions/{question_id}/answers", status_code=201)
def answer(
    question_id: uuid.UUID, body: NewAnswer, caller: QuestionsAnswer, request: Request, uow: UowDep
) -> QuestionOut:
    """Answer; the answer carries the answering account's organisation from its records."""
    return QuestionOut.model_validate(
        service.answer(uow, caller, question_id, text=body.text, at=app_state.clock(request)())
    )
