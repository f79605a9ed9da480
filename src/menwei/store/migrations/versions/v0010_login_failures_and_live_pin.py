"""Failed sign-ins in the database, shared by every server process; one live PIN per person.

Revision ID: 0010_login_failures_and_live_pin
Revises: 0009_face_off_and_pass_limits
Create Date: 2026-12-05
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010_login_failures_and_live_pin"
down_revision = "0009_face_off_and_pass_limits"
branch_labels = None
depends_on = None

LIVE_PIN = "kind = 'pin' AND revoked_at IS NULL"

#: Every live PIN of a person but the newest; concurrent changes could leave several.
_OLDER_LIVE_PINS = """
UPDATE credentials SET revoked_at = :now
WHERE kind = 'pin' AND revoked_at IS NULL AND EXISTS (
    SELECT 1 FROM credentials AS newer
    WHERE newer.person_id = credentials.person_id
      AND newer.kind = 'pin' AND newer.revoked_at IS NULL
      AND (newer.created_at > credentials.created_at
           OR (newer.created_at = credentials.created_at AND newer.id > credentials.id))
)
"""


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("login_sha256", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_client"), ["client"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_login_failures_failed_at"), ["failed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_login_failures_login_sha256"), ["login_sha256"], unique=False
        )
    bind = op.get_bind()
    now = datetime.now(UTC)
    # Stored as every other time: naive UTC on SQLite, aware on PostgreSQL.
    stamp = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now
    bind.execute(
        sa.text(_OLDER_LIVE_PINS).bindparams(
            sa.bindparam("now", stamp, type_=sa.DateTime(timezone=True))
        )
    )
    op.create_index(
        "uq_credentials_live_pin",
        "credentials",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text(LIVE_PIN),
        postgresql_where=sa.text(LIVE_PIN),
    )


def downgrade() -> None:
    op.drop_index("uq_credentials_live_pin", table_name="credentials")
    op.drop_table("login_failures")
