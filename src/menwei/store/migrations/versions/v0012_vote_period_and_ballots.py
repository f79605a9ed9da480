"""Paper ballots carry the number printed on the paper, entered once per vote.

Revision ID: 0012_vote_period_and_ballots
Revises: 0011_filing_and_door_tailgating
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_vote_period_and_ballots"
down_revision = "0011_filing_and_door_tailgating"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("governance_ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_governance_ballots_reference_on_paper"),
            "channel = 'paper' OR reference IS NULL",
        )
    op.create_index(
        "uq_governance_ballots_reference",
        "governance_ballots",
        ["proposal_id", "reference"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_governance_ballots_reference", table_name="governance_ballots")
    with op.batch_alter_table("governance_ballots", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_governance_ballots_reference_on_paper"), type_="check")
        batch_op.drop_column("reference")
