"""Bring a database to the current schema: ``upgrade(url)``, used by the server, CLI and tests.

The Alembic configuration is built in code from the packaged ``migrations`` folder, so an
installed menwei migrates its database without an ``alembic.ini`` or a source checkout.

Adding a table or column: change the models, then ``draft_revision(url, message, rev_id)``
against a database upgraded to head; it writes a new revision chained after the current head.
Review it (replace model types such as ``UtcDateTime`` by plain ``sa.DateTime(timezone=True)``
so the history never imports code that may change), and keep exactly one head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from menwei.store.engine import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(target: str | Engine | Connection) -> Config:
    """An Alembic config for a URL, an engine or an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if isinstance(target, str):
        config.attributes["url"] = target
    elif isinstance(target, Engine):
        config.attributes["url"] = target.url.render_as_string(hide_password=False)
    else:
        config.attributes["connection"] = target
    return config


def upgrade(target: str | Engine | Connection, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (the newest by default). Safe to run again."""
    command.upgrade(alembic_config(target), revision)


def downgrade(target: str | Engine | Connection, revision: str) -> None:
    """Undo migrations down to ``revision``; for operators rolling back a release."""
    command.downgrade(alembic_config(target), revision)


def draft_revision(url: str, message: str, rev_id: str) -> None:
    """Autogenerate a revision from the difference between ``url``'s schema and the models."""
    command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=rev_id)


def heads() -> tuple[str, ...]:
    """The newest revision(s) of the packaged history; exactly one in a healthy history."""
    return tuple(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current_revision(url: str) -> str | None:
    """The revision a database is at, or ``None`` when it was never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
