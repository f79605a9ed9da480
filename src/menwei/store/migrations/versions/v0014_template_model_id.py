"""Each stored template names the recognition model that made it; existing ones were SFace's.

Revision ID: 0014_template_model_id
Revises: 0013_site_pad_threshold
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_template_model_id"
down_revision = "0013_site_pad_threshold"
branch_labels = None
depends_on = None

#: the model every template stored before this revision was made with
DEFAULT_MODEL_ID = "sface-2021dec"


def upgrade() -> None:
    with op.batch_alter_table("privacy_face_templates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "model_id", sa.String(length=64), server_default=DEFAULT_MODEL_ID, nullable=False
            )
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_face_templates_model_id"), ["model_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("privacy_face_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_face_templates_model_id"))
        batch_op.drop_column("model_id")
