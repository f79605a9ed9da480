"""The office console's access pages, under ``/office/c/{community_id}``: credentials, doors,
access groups with their schedules, and gate devices. Each lives in its own module; this one
gathers their routers so the app registers them in one line.
"""

from __future__ import annotations

from fastapi import APIRouter

from menwei.server.web.console import access_groups, credentials, devices, doors

router = APIRouter(include_in_schema=False)
router.include_router(credentials.router)
router.include_router(doors.router)
router.include_router(access_groups.router)
router.include_router(devices.router)
