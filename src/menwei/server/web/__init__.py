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
    from menwei.server.web.accounts import invitations, recovery
    from menwei.server.web.console import assisted
    from menwei.server.web.console import frame as console
    from menwei.server.web.headers import PageHeadersMiddleware
    from menwei.server.web.portal import pages as portal
    from menwei.server.web.public import community_pages as public
    from menwei.server.web.public import kiosk_page

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(public.router)
    app.include_router(kiosk_page.router)
    app.include_router(portal.router)
    app.include_router(invitations.router)
    app.include_router(recovery.router)
    app.include_router(assisted.router)
    app.include_router(console.router)
    from menwei.server.web.supervision import district_pages as supervision_district_pages

    app.include_router(supervision_district_pages.router)
    from menwei.server.web.console import people as console_people
    from menwei.server.web.console import people_import as console_people_import

    app.include_router(console_people.router)
    app.include_router(console_people_import.router)
    from menwei.server.web.governance import registration as governance_registration

    governance_registration.include(app)
    from menwei.server.web.console import passages as console_passages

    app.include_router(console_passages.router)
    from menwei.server.web.console import overview as console_overview

    app.include_router(console_overview.router)
    from menwei.server.web.console import rights_requests as console_rights_requests

    app.include_router(console_rights_requests.router)
    from menwei.server.web.portal import rights_requests as portal_rights_requests

    app.include_router(portal_rights_requests.router)
    from menwei.server.web.console import compliance as console_compliance

    app.include_router(console_compliance.router)
    from menwei.server.web.console import processing_notice as console_processing_notice

    app.include_router(console_processing_notice.router)
    from menwei.server.web.console import withdrawal as console_withdrawal

    app.include_router(console_withdrawal.router)
    from menwei.server.web.console import access as console_access

    app.include_router(console_access.router)
    app.add_middleware(PageHeadersMiddleware)
