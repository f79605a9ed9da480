"""Governance: owners' votes with their frozen roll, ballots and results; public notices with
their postings; residents' questions with their answers.

Revision ID: 0003_governance
Revises: 0002_privacy
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_governance"
down_revision = "0002_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "governance_notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("minimum_days", sa.Integer(), nullable=False),
        sa.Column("required_channels", sa.JSON(), nullable=False),
        sa.Column("poster_doors", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.CheckConstraint("minimum_days >= 1", name=op.f("ck_governance_notices_minimum_days")),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_governance_notices_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_notices")),
    )
    with op.batch_alter_table("governance_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_notices_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "governance_proposals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("full_text", sa.Text(), nullable=False),
        sa.Column("notice_text", sa.Text(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=30), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.CheckConstraint(
            "rule IN ('ordinary', 'art278_items_6_to_8')", name=op.f("ck_governance_proposals_rule")
        ),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_governance_proposals_window")),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_governance_proposals_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_proposals")),
    )
    with op.batch_alter_table("governance_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_proposals_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "governance_questions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("asked_by", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "visibility IN ('public', 'private')", name=op.f("ck_governance_questions_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_governance_questions_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_questions")),
    )
    with op.batch_alter_table("governance_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_questions_answer_due_at"), ["answer_due_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_governance_questions_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "governance_answers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("answered_by", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("speaking_for", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('staff', 'committee', 'official')", name=op.f("ck_governance_answers_role")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["governance_questions.id"],
            name=op.f("fk_governance_answers_question_id_governance_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_answers")),
    )
    with op.batch_alter_table("governance_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_answers_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "governance_ballots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.String(length=128), nullable=False),
        sa.Column("voter_id", sa.String(length=128), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=True),
        sa.CheckConstraint(
            "(channel = 'paper') = (recorded_by IS NOT NULL)",
            name=op.f("ck_governance_ballots_paper_names_staff"),
        ),
        sa.CheckConstraint(
            "channel IN ('online', 'paper')", name=op.f("ck_governance_ballots_channel")
        ),
        sa.CheckConstraint(
            "choice IN ('approve', 'oppose', 'abstain')", name=op.f("ck_governance_ballots_choice")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["governance_proposals.id"],
            name=op.f("fk_governance_ballots_proposal_id_governance_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_ballots")),
    )
    with op.batch_alter_table("governance_ballots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_ballots_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "governance_postings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=128), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("taken_down_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "channel IN ('public_page', 'door_poster', 'kiosk_screen')",
            name=op.f("ck_governance_postings_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["governance_notices.id"],
            name=op.f("fk_governance_postings_notice_id_governance_notices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_postings")),
    )
    with op.batch_alter_table("governance_postings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_postings_notice_id"), ["notice_id"], unique=False
        )

    op.create_table(
        "governance_roll_owners",
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.String(length=128), nullable=False),
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["governance_proposals.id"],
            name=op.f("fk_governance_roll_owners_proposal_id_governance_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "proposal_id", "unit_id", "owner_id", name=op.f("pk_governance_roll_owners")
        ),
    )
    op.create_table(
        "governance_roll_units",
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.String(length=128), nullable=False),
        sa.Column("area", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.CheckConstraint("area > 0", name=op.f("ck_governance_roll_units_area")),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["governance_proposals.id"],
            name=op.f("fk_governance_roll_units_proposal_id_governance_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "unit_id", name=op.f("pk_governance_roll_units")),
    )
    op.create_table(
        "governance_vote_results",
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("canonical", sa.Text(), nullable=False),
        sa.Column("result_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_governance_vote_results_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["governance_proposals.id"],
            name=op.f("fk_governance_vote_results_proposal_id_governance_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_governance_vote_results")),
    )
    with op.batch_alter_table("governance_vote_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_vote_results_community_id"), ["community_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("governance_vote_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_vote_results_community_id"))

    op.drop_table("governance_vote_results")
    op.drop_table("governance_roll_units")
    op.drop_table("governance_roll_owners")
    with op.batch_alter_table("governance_postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_postings_notice_id"))

    op.drop_table("governance_postings")
    with op.batch_alter_table("governance_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_ballots_proposal_id"))

    op.drop_table("governance_ballots")
    with op.batch_alter_table("governance_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_answers_question_id"))

    op.drop_table("governance_answers")
    with op.batch_alter_table("governance_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_questions_community_id"))
        batch_op.drop_index(batch_op.f("ix_governance_questions_answer_due_at"))

    op.drop_table("governance_questions")
    with op.batch_alter_table("governance_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_proposals_community_id"))

    op.drop_table("governance_proposals")
    with op.batch_alter_table("governance_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_notices_community_id"))

    op.drop_table("governance_notices")
