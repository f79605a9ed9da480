"""Events keep the gate's liveness verdict; devices pin the transport key templates are sealed to.

Revision ID: 0004_liveness_and_device_key
Revises: 0003_governance
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_liveness_and_device_key"
down_revision = "0003_governance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("liveness", sa.String(length=12), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_events_liveness"), "liveness IN ('pass', 'fail', 'not_checked')"
        )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transport_public_key", sa.String(length=44), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("transport_public_key")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_events_liveness"), type_="check")
        batch_op.drop_column("liveness")
