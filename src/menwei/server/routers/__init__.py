"""The API's routers, one module per area, all under ``/api/v1`` except the probes.

Each router carries the full prefix itself, so a route's template (what metrics are labelled
with) is the whole path.
"""

from __future__ import annotations

from fastapi import FastAPI

API_PREFIX = "/api/v1"


def include_routers(app: FastAPI) -> None:
    from menwei.server.routers import (
        auth,
        credentials,
        device_sync,
        devices,
        doors,
        events,
        groups,
        health,
        imports,
        kiosk,
        people,
        places,
        users,
    )

    app.include_router(health.router)
    app.include_router(auth.me_router)
    _include_privacy(app)
    for module in (
        auth,
        places,
        people,
        credentials,
        doors,
        groups,
        devices,
        device_sync,
        kiosk,
        events,
        imports,
        users,
    ):
        app.include_router(module.router)


def _include_privacy(app: FastAPI) -> None:
    """Notices, consent, enrolment, the resident's own data, rights requests, compliance."""
    from menwei.server.routers import compliance, consent, enrolment, my_data, rights

    for module in (consent, enrolment, my_data, rights, compliance):
        app.include_router(module.router)
    _include_governance(app)


def _include_governance(app: FastAPI) -> None:
    """Owners' votes, public notices, residents' questions and the supervisor's aggregates."""
    from menwei.server.routers import governance, supervision

    for module in (governance, supervision):
        app.include_router(module.router)
