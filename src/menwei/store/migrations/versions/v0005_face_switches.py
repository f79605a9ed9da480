"""Face recognition switches: when each community switched it on or off, and by whom; and the
level (社区 / 街道 / 区) a supervisor account speaks at.

Revision ID: 0005_face_switches
Revises: 0004_liveness_and_device_key
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_face_switches"
down_revision = "0004_liveness_and_device_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "face_recognition_switches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("switched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("switched_by", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_face_recognition_switches_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_face_recognition_switches")),
    )
    with op.batch_alter_table("face_recognition_switches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_face_recognition_switches_community_id"), ["community_id"], unique=False
        )
    op.create_table(
        "supervisor_levels",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.CheckConstraint(
            "level IN ('community', 'subdistrict', 'district')",
            name=op.f("ck_supervisor_levels_level"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["user_accounts.id"],
            name=op.f("fk_supervisor_levels_account_id_user_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_supervisor_levels")),
    )


def downgrade() -> None:
    op.drop_table("supervisor_levels")
    with op.batch_alter_table("face_recognition_switches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_face_recognition_switches_community_id"))
    op.drop_table("face_recognition_switches")
