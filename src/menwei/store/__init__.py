"""SQLAlchemy tables, repositories and Alembic migrations (SQLite default, PostgreSQL deployed).

The public surface, in the order a caller meets it::

    engine = make_engine(url_for_environment(settings.database_url, settings.data_dir))
    upgrade(engine)                          # Alembic, packaged with the code
    uow = UnitOfWork.for_engine(engine)
    with uow:                                # one transaction
        uow.people.list(CommunityScope.of([community_id]))
        uow.commit()                         # leaving without commit rolls back

Repositories return ``menwei.core`` dataclasses or the records in ``menwei.store.records``;
errors are ``StoreError`` subclasses carrying zh-CN and en messages.
"""

from __future__ import annotations

from menwei.store.engine import make_engine, make_session_factory, url_for_environment
from menwei.store.errors import (
    DatabaseUnavailable,
    RecordConflict,
    RecordNotFound,
    StoreError,
)
from menwei.store.migrate import current_revision, heads, upgrade
from menwei.store.records import (
    AccessEvent,
    ApiToken,
    Change,
    Device,
    EventFilter,
    EventPage,
    ImportReport,
    LoginSession,
    UserAccount,
)
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

__all__ = [
    "AccessEvent",
    "ApiToken",
    "Change",
    "CommunityScope",
    "DatabaseUnavailable",
    "Device",
    "EventFilter",
    "EventPage",
    "ImportReport",
    "LoginSession",
    "RecordConflict",
    "RecordNotFound",
    "StoreError",
    "UnitOfWork",
    "UserAccount",
    "current_revision",
    "heads",
    "make_engine",
    "make_session_factory",
    "upgrade",
    "url_for_environment",
]
