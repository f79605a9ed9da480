"""A community's own liveness threshold, calibrated on its camera, for its gates to pull.

Revision ID: 0013_site_pad_threshold
Revises: 0012_vote_period_and_ballots
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_site_pad_threshold"
down_revision = "0012_vote_period_and_ballots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_pad_thresholds",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("model_sha256", sa.String(length=64), nullable=False),
        sa.Column("live_frames", sa.Integer(), nullable=False),
        sa.Column("bpcer", sa.Float(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("live_frames >= 0", name=op.f("ck_site_pad_thresholds_live_frames")),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_site_pad_thresholds_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_site_pad_thresholds")),
    )


def downgrade() -> None:
    op.drop_table("site_pad_thresholds")
