"""Core domain: places, people, credentials, access groups, accounts, devices, events, changes.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("responsible_person", sa.String(length=100), nullable=False),
        sa.Column("responsible_contact", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processors")),
    )
    op.create_table(
        "communities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("processor_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("face_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["processor_id"],
            ["processors.id"],
            name=op.f("fk_communities_processor_id_processors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
    )
    op.create_index(
        op.f("ix_communities_processor_id"), "communities", ["processor_id"], unique=False
    )
    op.create_table(
        "buildings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_buildings_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buildings")),
        sa.UniqueConstraint("community_id", "name", name=op.f("uq_buildings_community_id")),
    )
    op.create_index(op.f("ix_buildings_community_id"), "buildings", ["community_id"], unique=False)
    op.create_table(
        "change_cursors",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_change_cursors_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_change_cursors")),
    )
    op.create_table(
        "changes",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('upsert', 'delete')", name=op.f("ck_changes_action")),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_changes_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", "seq", name=op.f("pk_changes")),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_cursor", sa.BigInteger(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_devices_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_devices_token_sha256")),
    )
    op.create_index(op.f("ix_devices_community_id"), "devices", ["community_id"], unique=False)
    op.create_table(
        "holidays",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_holidays_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("community_id", "day", name=op.f("uq_holidays_community_id")),
    )
    op.create_index(op.f("ix_holidays_community_id"), "holidays", ["community_id"], unique=False)
    op.create_table(
        "people",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("guardian_id", sa.Uuid(), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_people_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["people.id"],
            name=op.f("fk_people_guardian_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    op.create_index(op.f("ix_people_community_id"), "people", ["community_id"], unique=False)
    op.create_index(op.f("ix_people_guardian_id"), "people", ["guardian_id"], unique=False)
    op.create_table(
        "schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("observes_holidays", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_schedules_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.UniqueConstraint("community_id", "name", name=op.f("uq_schedules_community_id")),
    )
    op.create_index(op.f("ix_schedules_community_id"), "schedules", ["community_id"], unique=False)
    op.create_table(
        "access_groups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_access_groups_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_access_groups_schedule_id_schedules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_groups")),
        sa.UniqueConstraint("community_id", "name", name=op.f("uq_access_groups_community_id")),
    )
    op.create_index(
        op.f("ix_access_groups_community_id"), "access_groups", ["community_id"], unique=False
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("card_uid", sa.String(length=64), nullable=True),
        sa.Column("facility_code", sa.Integer(), nullable=True),
        sa.Column("pin_hash", sa.String(length=200), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("issuer_kind", sa.String(length=20), nullable=True),
        sa.Column("template_ref", sa.String(length=100), nullable=True),
        sa.Column("consent_id", sa.Uuid(), nullable=True),
        sa.Column("consent_withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('card', 'pin', 'qr', 'face')", name=op.f("ck_credentials_kind")
        ),
        sa.CheckConstraint("failed_attempts >= 0", name=op.f("ck_credentials_failed_attempts")),
        sa.CheckConstraint("use_count >= 0", name=op.f("ck_credentials_use_count")),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_credentials_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_credentials_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint(
            "community_id", "kind", "card_uid", name=op.f("uq_credentials_community_id")
        ),
    )
    op.create_index(
        op.f("ix_credentials_community_id"), "credentials", ["community_id"], unique=False
    )
    op.create_index(op.f("ix_credentials_person_id"), "credentials", ["person_id"], unique=False)
    op.create_table(
        "doors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("accepted_kinds", sa.JSON(), nullable=False),
        sa.Column("anti_passback", sa.String(length=10), nullable=False),
        sa.Column("passback_zone", sa.String(length=50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["buildings.id"],
            name=op.f("fk_doors_building_id_buildings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_doors_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doors")),
        sa.UniqueConstraint("community_id", "name", name=op.f("uq_doors_community_id")),
    )
    op.create_index(op.f("ix_doors_building_id"), "doors", ["building_id"], unique=False)
    op.create_index(op.f("ix_doors_community_id"), "doors", ["community_id"], unique=False)
    op.create_table(
        "schedule_windows",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 7", name=op.f("ck_schedule_windows_weekday")),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_windows_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_windows")),
    )
    op.create_index(
        op.f("ix_schedule_windows_schedule_id"), "schedule_windows", ["schedule_id"], unique=False
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=False),
        sa.Column("entrance", sa.String(length=50), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("floor_area", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.CheckConstraint("floor_area > 0", name=op.f("ck_units_floor_area")),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["buildings.id"],
            name=op.f("fk_units_building_id_buildings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_units_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("building_id", "entrance", "number", name=op.f("uq_units_building_id")),
    )
    op.create_index(op.f("ix_units_building_id"), "units", ["building_id"], unique=False)
    op.create_index(op.f("ix_units_community_id"), "units", ["community_id"], unique=False)
    op.create_table(
        "user_accounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("processor_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_user_accounts_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["processor_id"],
            ["processors.id"],
            name=op.f("fk_user_accounts_processor_id_processors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_accounts")),
        sa.UniqueConstraint("login", name=op.f("uq_user_accounts_login")),
    )
    op.create_index(
        op.f("ix_user_accounts_person_id"), "user_accounts", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_user_accounts_processor_id"), "user_accounts", ["processor_id"], unique=False
    )
    op.create_table(
        "access_group_doors",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("door_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["door_id"],
            ["doors.id"],
            name=op.f("fk_access_group_doors_door_id_doors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["access_groups.id"],
            name=op.f("fk_access_group_doors_group_id_access_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "door_id", name=op.f("pk_access_group_doors")),
    )
    op.create_index(
        op.f("ix_access_group_doors_door_id"), "access_group_doors", ["door_id"], unique=False
    )
    op.create_table(
        "access_group_members",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["access_groups.id"],
            name=op.f("fk_access_group_members_group_id_access_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_access_group_members_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "person_id", name=op.f("pk_access_group_members")),
    )
    op.create_index(
        op.f("ix_access_group_members_person_id"),
        "access_group_members",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "account_communities",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "relation IN ('staff', 'committee', 'supervised')",
            name=op.f("ck_account_communities_relation"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["user_accounts.id"],
            name=op.f("fk_account_communities_account_id_user_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_account_communities_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "community_id", "relation", name=op.f("pk_account_communities")
        ),
    )
    op.create_index(
        op.f("ix_account_communities_community_id"),
        "account_communities",
        ["community_id"],
        unique=False,
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["user_accounts.id"],
            name=op.f("fk_api_tokens_account_id_user_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_tokens_token_sha256")),
    )
    op.create_index(op.f("ix_api_tokens_account_id"), "api_tokens", ["account_id"], unique=False)
    op.create_table(
        "credential_doors",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("door_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_doors_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["door_id"],
            ["doors.id"],
            name=op.f("fk_credential_doors_door_id_doors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", "door_id", name=op.f("pk_credential_doors")),
    )
    op.create_index(
        op.f("ix_credential_doors_door_id"), "credential_doors", ["door_id"], unique=False
    )
    op.create_table(
        "device_doors",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("door_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_device_doors_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["door_id"],
            ["doors.id"],
            name=op.f("fk_device_doors_door_id_doors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("device_id", "door_id", name=op.f("pk_device_doors")),
    )
    op.create_index(op.f("ix_device_doors_door_id"), "device_doors", ["door_id"], unique=False)
    op.create_table(
        "events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("door_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("credential_kind", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason_code", sa.String(length=50), nullable=False),
        sa.Column("flag", sa.String(length=40), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("outcome IN ('allow', 'deny')", name=op.f("ck_events_outcome")),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_events_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_events_device_id_devices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["door_id"], ["doors.id"], name=op.f("fk_events_door_id_doors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_events_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_events_idempotency_key")),
    )
    op.create_index(
        "ix_events_community_time", "events", ["community_id", "occurred_at", "id"], unique=False
    )
    op.create_index(op.f("ix_events_door_id"), "events", ["door_id"], unique=False)
    op.create_index(op.f("ix_events_person_id"), "events", ["person_id"], unique=False)
    op.create_table(
        "household_memberships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("moved_in", sa.Date(), nullable=False),
        sa.Column("moved_out", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_household_memberships_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_household_memberships_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_memberships")),
    )
    op.create_index(
        op.f("ix_household_memberships_person_id"),
        "household_memberships",
        ["person_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_household_memberships_unit_id"), "household_memberships", ["unit_id"], unique=False
    )
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["user_accounts.id"],
            name=op.f("fk_login_sessions_account_id_user_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_login_sessions_token_sha256")),
    )
    op.create_index(
        op.f("ix_login_sessions_account_id"), "login_sessions", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_login_sessions_account_id"), table_name="login_sessions")
    op.drop_table("login_sessions")
    op.drop_index(op.f("ix_household_memberships_unit_id"), table_name="household_memberships")
    op.drop_index(op.f("ix_household_memberships_person_id"), table_name="household_memberships")
    op.drop_table("household_memberships")
    op.drop_index(op.f("ix_events_person_id"), table_name="events")
    op.drop_index(op.f("ix_events_door_id"), table_name="events")
    op.drop_index("ix_events_community_time", table_name="events")
    op.drop_table("events")
    op.drop_index(op.f("ix_device_doors_door_id"), table_name="device_doors")
    op.drop_table("device_doors")
    op.drop_index(op.f("ix_credential_doors_door_id"), table_name="credential_doors")
    op.drop_table("credential_doors")
    op.drop_index(op.f("ix_api_tokens_account_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_account_communities_community_id"), table_name="account_communities")
    op.drop_table("account_communities")
    op.drop_index(op.f("ix_access_group_members_person_id"), table_name="access_group_members")
    op.drop_table("access_group_members")
    op.drop_index(op.f("ix_access_group_doors_door_id"), table_name="access_group_doors")
    op.drop_table("access_group_doors")
    op.drop_index(op.f("ix_user_accounts_processor_id"), table_name="user_accounts")
    op.drop_index(op.f("ix_user_accounts_person_id"), table_name="user_accounts")
    op.drop_table("user_accounts")
    op.drop_index(op.f("ix_units_community_id"), table_name="units")
    op.drop_index(op.f("ix_units_building_id"), table_name="units")
    op.drop_table("units")
    op.drop_index(op.f("ix_schedule_windows_schedule_id"), table_name="schedule_windows")
    op.drop_table("schedule_windows")
    op.drop_index(op.f("ix_doors_community_id"), table_name="doors")
    op.drop_index(op.f("ix_doors_building_id"), table_name="doors")
    op.drop_table("doors")
    op.drop_index(op.f("ix_credentials_person_id"), table_name="credentials")
    op.drop_index(op.f("ix_credentials_community_id"), table_name="credentials")
    op.drop_table("credentials")
    op.drop_index(op.f("ix_access_groups_community_id"), table_name="access_groups")
    op.drop_table("access_groups")
    op.drop_index(op.f("ix_schedules_community_id"), table_name="schedules")
    op.drop_table("schedules")
    op.drop_index(op.f("ix_people_guardian_id"), table_name="people")
    op.drop_index(op.f("ix_people_community_id"), table_name="people")
    op.drop_table("people")
    op.drop_index(op.f("ix_holidays_community_id"), table_name="holidays")
    op.drop_table("holidays")
    op.drop_index(op.f("ix_devices_community_id"), table_name="devices")
    op.drop_table("devices")
    op.drop_table("changes")
    op.drop_table("change_cursors")
    op.drop_index(op.f("ix_buildings_community_id"), table_name="buildings")
    op.drop_table("buildings")
    op.drop_index(op.f("ix_communities_processor_id"), table_name="communities")
    op.drop_table("communities")
    op.drop_table("processors")
