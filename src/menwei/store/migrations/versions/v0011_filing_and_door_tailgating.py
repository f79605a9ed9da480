"""The processor's filing (备案) number and day; each door's own tailgating rule.

Revision ID: 0011_filing_and_door_tailgating
Revises: 0010_login_failures_and_live_pin
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_filing_and_door_tailgating"
down_revision = "0010_login_failures_and_live_pin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filing_number", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("filed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("doors", schema=None) as batch_op:
        # Every door already watched with the one rule there was: alert the office.
        batch_op.add_column(
            sa.Column("tailgating", sa.String(length=10), server_default="alert", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("doors", schema=None) as batch_op:
        batch_op.drop_column("tailgating")
    with op.batch_alter_table("processors", schema=None) as batch_op:
        batch_op.drop_column("filed_on")
        batch_op.drop_column("filing_number")
