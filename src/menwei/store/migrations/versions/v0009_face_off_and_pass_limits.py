"""Per-community limits: how long templates outlive a switch-off, and how far a resident's
visitor pass may reach (days and uses).

Revision ID: 0009_face_off_and_pass_limits
Revises: 0008_one_account_audit_head
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_face_off_and_pass_limits"
down_revision = "0008_one_account_audit_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("privacy_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("face_off_days", sa.Integer(), server_default="30", nullable=False)
        )
        batch_op.add_column(
            sa.Column("pass_max_days", sa.Integer(), server_default="7", nullable=False)
        )
        batch_op.add_column(
            sa.Column("pass_max_uses", sa.Integer(), server_default="10", nullable=False)
        )
        batch_op.create_check_constraint(
            "limits", "face_off_days >= 0 AND pass_max_days >= 1 AND pass_max_uses >= 1"
        )


def downgrade() -> None:
    with op.batch_alter_table("privacy_settings", schema=None) as batch_op:
        batch_op.drop_constraint("limits", type_="check")
        batch_op.drop_column("pass_max_uses")
        batch_op.drop_column("pass_max_days")
        batch_op.drop_column("face_off_days")
