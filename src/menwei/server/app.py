"""``create_app(settings)``: the FastAPI application, wired from one settings object."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from menwei.server.auth.cache import PrincipalCache
from menwei.server.auth.invalidation import PrincipalListener, listens
from menwei.server.auth.throttle import LoginThrottle
from menwei.server.errors import install_error_handlers
from menwei.server.guards import MIB, BodyLimit, Unexpected
from menwei.server.metrics import MetricsMiddleware, ServerMetrics
from menwei.server.openapi_errors import document_errors
from menwei.server.photo_uploads import MAX_BODY_BYTES as MAX_PHOTO_BODY
from menwei.server.services.audit_verdict import AuditVerdicts
from menwei.settings import Settings
from menwei.store.engine import make_engine, make_session_factory
from menwei.store.repositories.login_failures import LoginFailureLog

log = logging.getLogger("menwei.server")

DESCRIPTION = """
menwei (门卫) access control: communities, people, credentials, doors, events.

Every error is `{"error": {"code", "message", "details"}}`; messages are zh-CN unless the
request asks for English with `Accept-Language: en`. Sign in with `POST /api/v1/auth/token` and
send `Authorization: Bearer <token>`.
"""


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """The server for ``settings``. Refuses the demo secret outside the demo.

    ``engine`` lets a caller (tests, ``menwei demo``) share an engine it already opened; the
    database is expected to be migrated already (``menwei serve`` migrates before calling this).
    """
    settings.check_secrets()
    from menwei.server.routers import include_routers
    from menwei.vision.models import MODEL_DIR_ENV, use_model_dir

    if settings.model_dir is not None and str(settings.model_dir) != os.environ.get(MODEL_DIR_ENV):
        use_model_dir(settings.model_dir)  # named by a settings file, not the environment

    app = FastAPI(
        title="menwei",
        version=_version(),
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.resolved_database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.read_engine = None
    app.state.read_session_factory = app.state.session_factory
    if settings.read_database_url:
        app.state.read_engine = make_engine(settings.read_database_url)
        app.state.read_session_factory = make_session_factory(app.state.read_engine)
    app.state.metrics = ServerMetrics()
    app.state.throttle = LoginThrottle(
        LoginFailureLog(app.state.session_factory),
        max_failures=settings.login_max_failures,
        lockout_seconds=settings.login_lockout_minutes * 60,
    )
    app.state.principals = PrincipalCache(ttl=settings.principal_cache_seconds)
    app.state.principal_listener = None
    if listens(app.state.engine):
        # Off until the listener hears the database (started with the app, below).
        app.state.principals.set_enabled(False)
    app.state.audit_verdicts = AuditVerdicts(
        max_age=timedelta(minutes=settings.audit_full_verify_minutes)
    )
    install_error_handlers(app)
    include_routers(app)
    from menwei.server.web import include_pages

    include_pages(app)
    document_errors(app)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(BodyLimit, upload_limit=upload_body_limit(settings))
    # Outermost of ours: nothing escapes it to the server's traceback printer.
    app.add_middleware(Unexpected)
    return app


def upload_body_limit(settings: Settings) -> int:
    """The largest multipart body: the photo uploads' own cap, or an import sheet with room
    for the form around it. Each route then refuses a single photo or sheet over its limit."""
    return max(MAX_PHOTO_BODY, settings.max_upload_bytes + MIB)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Listen for identity changes made by other server processes while this one serves."""
    listener = None
    if listens(app.state.engine):
        listener = PrincipalListener(app.state.engine, app.state.principals)
        listener.start()
    app.state.principal_listener = listener
    _log_face_model(app)
    try:
        yield
    finally:
        if listener is not None:
            listener.stop()
        app.state.principal_listener = None


def _log_face_model(app: FastAPI) -> None:
    """Say which face model runs and how many people must enrol again (counts only)."""
    from menwei.server.services.face_model import log_at_start
    from menwei.store.uow import UnitOfWork

    try:
        log_at_start(UnitOfWork(app.state.session_factory))
    except SQLAlchemyError:
        logging.getLogger("menwei.models").warning("face model status: the database is not ready")


def _version() -> str:
    from menwei import __version__

    return __version__
