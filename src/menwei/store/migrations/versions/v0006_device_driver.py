"""Devices report their door driver (simulated, http-relay, gpio, uhppote, +osdp readers).

Revision ID: 0006_device_driver
Revises: 0005_face_switches
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_device_driver"
down_revision = "0005_face_switches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("door_driver", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("door_driver")
