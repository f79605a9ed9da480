"""One resident account per person.

Revision ID: 0008_one_account_audit_head
Revises: 0007_district
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0008_one_account_audit_head"
down_revision = "0007_district"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_accounts_person_id"))
        batch_op.create_index(batch_op.f("ix_user_accounts_person_id"), ["person_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_accounts_person_id"))
        batch_op.create_index(batch_op.f("ix_user_accounts_person_id"), ["person_id"], unique=False)
