"""Privacy: notices, consents, sealed templates, audit chain, receipts, rights requests,
assessments, incidents and settings. No key of any kind is stored in these tables.

Revision ID: 0002_privacy
Revises: 0001_core
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_privacy"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_audit_checkpoints",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_audit_checkpoints")),
    )
    with op.batch_alter_table("privacy_audit_checkpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_audit_checkpoints_seq"), ["seq"], unique=False)

    op.create_table(
        "privacy_audit_entries",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_privacy_audit_entries")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_privacy_audit_entries_entry_hash")),
    )
    with op.batch_alter_table("privacy_audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_audit_entries_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_audit_entries_subject"), ["subject"], unique=False
        )

    op.create_table(
        "privacy_deletion_receipts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_deletion_receipts")),
    )
    with op.batch_alter_table("privacy_deletion_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_deletion_receipts_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_deletion_receipts_subject"), ["subject"], unique=False
        )

    op.create_table(
        "privacy_impact_assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessor", sa.String(length=120), nullable=False),
        sa.Column("purpose_and_method", sa.Text(), nullable=False),
        sa.Column("impact_and_risks", sa.Text(), nullable=False),
        sa.Column("safeguards", sa.Text(), nullable=False),
        sa.Column("alternatives_offered", sa.Text(), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("keep_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_privacy_impact_assessments_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_impact_assessments")),
    )
    with op.batch_alter_table("privacy_impact_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_impact_assessments_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "privacy_incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discovered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("people_affected", sa.Integer(), nullable=False),
        sa.Column("information_types", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("possible_harm", sa.Text(), nullable=False),
        sa.Column("remedial_measures", sa.Text(), nullable=False),
        sa.Column("what_you_can_do", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_privacy_incidents_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_incidents")),
    )
    with op.batch_alter_table("privacy_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_incidents_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "privacy_notice_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_privacy_notice_versions_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notice_versions")),
        sa.UniqueConstraint(
            "community_id", "version", name=op.f("uq_privacy_notice_versions_community_id")
        ),
    )
    with op.batch_alter_table("privacy_notice_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_notice_versions_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "privacy_settings",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("moved_out_days", sa.Integer(), nullable=False),
        sa.Column("event_days", sa.Integer(), nullable=False),
        sa.Column("request_deadline_days", sa.Integer(), nullable=False),
        sa.Column("display_days", sa.Integer(), nullable=False),
        sa.Column("on_new_terms", sa.String(length=20), nullable=False),
        sa.Column("vote_required", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "on_new_terms IN ('old_terms', 'suspend')",
            name=op.f("ck_privacy_settings_on_new_terms"),
        ),
        sa.CheckConstraint(
            "moved_out_days >= 0 AND event_days >= 0", name=op.f("ck_privacy_settings_retention")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_privacy_settings_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_privacy_settings")),
    )
    op.create_table(
        "privacy_consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("notice_hash", sa.String(length=64), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("guardian_id", sa.Uuid(), nullable=True),
        sa.Column("staff_account", sa.String(length=100), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_channel", sa.String(length=20), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=120), nullable=True),
        sa.Column("written_request", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "channel IN ('self', 'staff_assisted', 'guardian')",
            name=op.f("ck_privacy_consents_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_privacy_consents_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_privacy_consents_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_consents")),
    )
    with op.batch_alter_table("privacy_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_consents_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_consents_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "privacy_rights_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=120), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('access', 'copy', 'correction', 'deletion')",
            name=op.f("ck_privacy_rights_requests_kind"),
        ),
        sa.CheckConstraint(
            "state <> 'refused' OR refusal_reason IS NOT NULL",
            name=op.f("ck_privacy_rights_requests_refusal_has_reason"),
        ),
        sa.CheckConstraint(
            "state IN ('open', 'fulfilled', 'refused')",
            name=op.f("ck_privacy_rights_requests_state"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_privacy_rights_requests_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_privacy_rights_requests_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_rights_requests")),
    )
    with op.batch_alter_table("privacy_rights_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_rights_requests_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_rights_requests_due_at"), ["due_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_rights_requests_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "privacy_template_devices",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_privacy_template_devices_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_privacy_template_devices_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "device_id", name=op.f("pk_privacy_template_devices")),
    )
    with op.batch_alter_table("privacy_template_devices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_template_devices_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "privacy_face_templates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_privacy_face_templates_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["privacy_consents.id"],
            name=op.f("fk_privacy_face_templates_consent_id_privacy_consents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_privacy_face_templates_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_face_templates")),
        sa.UniqueConstraint(
            "person_id", "template_version", name=op.f("uq_privacy_face_templates_person_id")
        ),
    )
    with op.batch_alter_table("privacy_face_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_face_templates_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_face_templates_consent_id"), ["consent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_face_templates_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "privacy_consent_refusals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "channel IN ('self', 'staff_assisted', 'guardian')",
            name=op.f("ck_privacy_consent_refusals_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_privacy_consent_refusals_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_privacy_consent_refusals_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_consent_refusals")),
    )
    with op.batch_alter_table("privacy_consent_refusals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_consent_refusals_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_privacy_consent_refusals_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("privacy_consent_refusals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_consent_refusals_person_id"))
        batch_op.drop_index(batch_op.f("ix_privacy_consent_refusals_community_id"))

    op.drop_table("privacy_consent_refusals")
    with op.batch_alter_table("privacy_face_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_face_templates_person_id"))
        batch_op.drop_index(batch_op.f("ix_privacy_face_templates_consent_id"))
        batch_op.drop_index(batch_op.f("ix_privacy_face_templates_community_id"))

    op.drop_table("privacy_face_templates")
    with op.batch_alter_table("privacy_template_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_template_devices_community_id"))

    op.drop_table("privacy_template_devices")
    with op.batch_alter_table("privacy_rights_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_rights_requests_person_id"))
        batch_op.drop_index(batch_op.f("ix_privacy_rights_requests_due_at"))
        batch_op.drop_index(batch_op.f("ix_privacy_rights_requests_community_id"))

    op.drop_table("privacy_rights_requests")
    with op.batch_alter_table("privacy_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_consents_person_id"))
        batch_op.drop_index(batch_op.f("ix_privacy_consents_community_id"))

    op.drop_table("privacy_consents")
    op.drop_table("privacy_settings")
    with op.batch_alter_table("privacy_notice_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_notice_versions_community_id"))

    op.drop_table("privacy_notice_versions")
    with op.batch_alter_table("privacy_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_incidents_community_id"))

    op.drop_table("privacy_incidents")
    with op.batch_alter_table("privacy_impact_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_impact_assessments_community_id"))

    op.drop_table("privacy_impact_assessments")
    with op.batch_alter_table("privacy_deletion_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_deletion_receipts_subject"))
        batch_op.drop_index(batch_op.f("ix_privacy_deletion_receipts_community_id"))

    op.drop_table("privacy_deletion_receipts")
    with op.batch_alter_table("privacy_audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_audit_entries_subject"))
        batch_op.drop_index(batch_op.f("ix_privacy_audit_entries_community_id"))

    op.drop_table("privacy_audit_entries")
    with op.batch_alter_table("privacy_audit_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_audit_checkpoints_seq"))

    op.drop_table("privacy_audit_checkpoints")
