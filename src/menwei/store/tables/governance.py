"""Tables of the governance room: owners' votes with their frozen roll and ballots, results,
public notices with their postings, and residents' questions with their answers.

The roll of a vote is a snapshot taken when the proposal is published: units and owners may change
later, the count must not. Every ballot is kept, replaced ones included, so the effective ballot of
each unit can be recomputed. A result is written once, as its canonical JSON and sha256.
Nothing here holds an image; a paper ballot names the account that entered it and the number
printed on the paper, which is entered once per vote.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from menwei.store.base import Base
from menwei.store.tables.types import BigIntKey, EntityId, UtcDateTime, new_id

ID_LENGTH = 128


class ProposalRow(Base):
    """A matter put to the owners (业主表决), with its voting window and Art 278 rule."""

    __tablename__ = "governance_proposals"
    __table_args__ = (
        CheckConstraint("rule IN ('ordinary', 'art278_items_6_to_8')", name="rule"),
        CheckConstraint("closes_at > opens_at", name="window"),
    )

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    full_text: Mapped[str] = mapped_column(Text)
    notice_text: Mapped[str] = mapped_column(Text)
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime)
    rule: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(30))
    created_by: Mapped[str] = mapped_column(String(ID_LENGTH), default="")


class RollUnitRow(Base):
    """One unit on a vote's frozen roll, with its private floor area at publication."""

    __tablename__ = "governance_roll_units"
    __table_args__ = (CheckConstraint("area > 0", name="area"),)

    proposal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("governance_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    area: Mapped[Decimal] = mapped_column(Numeric(12, 4))


class RollOwnerRow(Base):
    """A registered owner of a unit on a vote's frozen roll."""

    __tablename__ = "governance_roll_owners"

    proposal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("governance_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)


class BallotRow(Base):
    """Every ballot received, in the order received; the latest cast per unit counts."""

    __tablename__ = "governance_ballots"
    __table_args__ = (
        CheckConstraint("choice IN ('approve', 'oppose', 'abstain')", name="choice"),
        CheckConstraint("channel IN ('online', 'paper')", name="channel"),
        CheckConstraint(
            "(channel = 'paper') = (recorded_by IS NOT NULL)", name="paper_names_staff"
        ),
        CheckConstraint("channel = 'paper' OR reference IS NULL", name="reference_on_paper"),
        # one paper, one entry: the same number cannot be entered twice in one vote
        Index("uq_governance_ballots_reference", "proposal_id", "reference", unique=True),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    proposal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("governance_proposals.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    voter_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    choice: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))
    cast_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    #: the number printed on a paper ballot; none online
    reference: Mapped[str | None] = mapped_column(String(64), nullable=True)


class VoteResultRow(Base):
    """The fixed result of a closed vote: written once, canonical JSON and its sha256."""

    __tablename__ = "governance_vote_results"

    proposal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("governance_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    passed: Mapped[bool] = mapped_column(Boolean)
    canonical: Mapped[str] = mapped_column(Text)
    result_hash: Mapped[str] = mapped_column(String(64))


class PublicNoticeRow(Base):
    """A public notice (公示) with its start date and minimum display period."""

    __tablename__ = "governance_notices"
    __table_args__ = (CheckConstraint("minimum_days >= 1", name="minimum_days"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    minimum_days: Mapped[int] = mapped_column(Integer)
    required_channels: Mapped[list[str]] = mapped_column(JSON)
    poster_doors: Mapped[list[str]] = mapped_column(JSON)
    timezone: Mapped[str] = mapped_column(String(64))


class PostingRow(Base):
    """Where and when a notice was put up, and when it was taken down."""

    __tablename__ = "governance_postings"
    __table_args__ = (
        CheckConstraint(
            "channel IN ('public_page', 'door_poster', 'kiosk_screen')", name="channel"
        ),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    notice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("governance_notices.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(ID_LENGTH))
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    taken_down_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class QuestionRow(Base):
    """A resident's question (咨询); who asked is never shown on the public page."""

    __tablename__ = "governance_questions"
    __table_args__ = (CheckConstraint("visibility IN ('public', 'private')", name="visibility"),)

    id: Mapped[uuid.UUID] = mapped_column(EntityId, primary_key=True, default=new_id)
    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    asked_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answer_due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AnswerRow(Base):
    """An answer by a staff, committee or official account, speaking for a named body."""

    __tablename__ = "governance_answers"
    __table_args__ = (CheckConstraint("role IN ('staff', 'committee', 'official')", name="role"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    question_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("governance_questions.id", ondelete="CASCADE"), index=True
    )
    answered_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    role: Mapped[str] = mapped_column(String(20))
    speaking_for: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)


GOVERNANCE_TABLES = tuple(
    row.__table__
    for row in (
        ProposalRow,
        RollUnitRow,
        RollOwnerRow,
        BallotRow,
        VoteResultRow,
        PublicNoticeRow,
        PostingRow,
        QuestionRow,
        AnswerRow,
    )
)


class SupervisorLevelRow(Base):
    """One supervisor account's level; accounts without a row have none recorded."""

    __tablename__ = "supervisor_levels"
    __table_args__ = (
        CheckConstraint("level IN ('community', 'subdistrict', 'district')", name="level"),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(
        EntityId, ForeignKey("user_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(12))
