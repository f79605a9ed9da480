"""The web pages: the public page and poster of a community, and the resident portal.

Pages live under ``/`` (the JSON API under ``/api/v1``); they reuse the API's services and the
one policy table, and add what browsers need: translated templates, CSRF tokens on every form,
and security headers.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"


def include_pages(app: FastAPI) -> None:
    from menwei.server.web import (
        assisted,
        console,
        invitations,
        kiosk_page,
        portal,
        public,
        recovery,
    )
    from menwei.server.web.headers import PageHeadersMiddleware

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(public.router)
    app.include_router(kiosk_page.router)
    app.include_router(portal.router)
    app.include_router(invitations.router)
    app.include_router(recovery.router)
    app.include_router(assisted.router)
    app.include_router(console.router)
    from menwei.server.web import supervision_pages

    app.include_router(supervision_pages.router)
    from menwei.server.web import console_import, console_people

    app.include_router(console_people.router)
    app.include_router(console_import.router)
    from menwei.server.web import governance_pages

    governance_pages.include(app)
    from menwei.server.web import console_events

    app.include_router(console_events.router)
    from menwei.server.web import console_overview

    app.include_router(console_overview.router)
    from menwei.server.web import console_requests

    app.include_router(console_requests.router)
    from menwei.server.web import portal_requests

    app.include_router(portal_requests.router)
    from menwei.server.web import console_compliance

    app.include_router(console_compliance.router)
    from menwei.server.web import console_notice

    app.include_router(console_notice.router)
    from menwei.server.web import console_withdrawal

    app.include_router(console_withdrawal.router)
    from menwei.server.web import console_access

    app.include_router(console_access.router)
    app.add_middleware(PageHeadersMiddleware)
