"""``/kiosk``: a tablet or phone at the door as the gate's camera and screen.

The page signs in with a device registration code (kept in the tablet's browser only), sends
camera frames to the device's gate agent and shows the answer. It holds no user session and
shows no score; see ``services.kiosk`` for what happens to a frame.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from menwei.server.web.templating import render

router = APIRouter()


@router.get("/kiosk", response_class=HTMLResponse, include_in_schema=False)
def kiosk_page(request: Request) -> HTMLResponse:
    return render(request, "kiosk.html")
