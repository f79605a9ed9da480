"""The office console's access pages, under ``/office/c/{community_id}``: credentials, doors,
access groups with their schedules, and gate devices. Each lives in its own module; this one
gathers their routers so the app registers them in one line.
"""

from __future__ import annotations

from fastapi import APIRouter

from menwei.server.web import console_credentials, console_devices, console_doors, console_groups

router = APIRouter(include_in_schema=False)
router.include_router(console_credentials.router)
router.include_router(console_doors.router)
router.include_router(console_groups.router)
router.include_router(console_devices.router)
