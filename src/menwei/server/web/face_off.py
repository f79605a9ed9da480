"""The page shown instead of a consent or camera page while face recognition is off."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import Response

from menwei.server.services.face_switch import off_state
from menwei.server.web.templating import render
from menwei.store.uow import UnitOfWork


def face_off_page(
    request: Request, uow: UnitOfWork, community_id: uuid.UUID, back: str
) -> Response | None:
    """The page that says face recognition is off and why (409), or None while it is on."""
    face = off_state(uow, community_id)
    if face.face_on:
        return None
    return render(request, "face_off.html", face=face, back=back, status_code=409)
