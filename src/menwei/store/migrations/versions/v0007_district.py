"""District scale: tell every server process when a sign-in stops opening what it opened, and
index events the way the person's log and the door's log read them.

On PostgreSQL, triggers on the tables a caller's identity is read from send
``NOTIFY menwei_principals`` in the changing transaction, so every server process drops its
cache of callers the moment the change commits — whichever process, command or SQL session made
it. SQLite serves one process and keeps its short cache lifetime instead.

Revision ID: 0007_district
Revises: 0006_device_driver
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0007_district"
down_revision = "0006_device_driver"
branch_labels = None
depends_on = None

CHANNEL = "menwei_principals"

#: table -> the events on it that can change who a token or session is, or what it reaches
WATCHED: dict[str, str] = {
    "user_accounts": "UPDATE OF password_hash, role, display_name, locale, processor_id, "
    "person_id, disabled OR DELETE",
    "account_communities": "INSERT OR UPDATE OR DELETE",
    "api_tokens": "UPDATE OF token_sha256, expires_at, revoked_at, account_id OR DELETE",
    "login_sessions": "UPDATE OF token_sha256, expires_at, account_id OR DELETE",
    "devices": "UPDATE OF token_sha256, revoked_at, name, community_id OR DELETE",
    "device_doors": "INSERT OR UPDATE OR DELETE",
    "communities": "UPDATE OF processor_id OR DELETE",
    "people": "UPDATE OF community_id OR DELETE",
}


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_person_id")
        batch_op.drop_index("ix_events_door_id")
        batch_op.create_index("ix_events_person_time", ["person_id", "occurred_at", "id"])
        batch_op.create_index("ix_events_door_time", ["door_id", "occurred_at", "id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION menwei_principals_changed() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    for table, events in WATCHED.items():
        op.execute(
            f"CREATE TRIGGER {table}_principals_changed AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION menwei_principals_changed()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_principals_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS menwei_principals_changed()")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_door_time")
        batch_op.drop_index("ix_events_person_time")
        batch_op.create_index("ix_events_door_id", ["door_id"])
        batch_op.create_index("ix_events_person_id", ["person_id"])
