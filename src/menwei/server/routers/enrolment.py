"""Face enrolment: 1–5 photos for a person, and a one-frame check for the phone page's hints.

Photos arrive as multipart uploads, are read into memory (never spooled to disk), and are
dropped when the request ends; only the sealed template is kept. The quality check answers
reason codes only.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request

from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.routers import API_PREFIX
from menwei.server.services import enrolment, privacy
from menwei.server.services.photo_uploads import read_photos

router = APIRouter(prefix=API_PREFIX, tags=["enrolment"])

FaceEnrol = Annotated[Caller, Depends(InCommunity("face:enrol"))]
FaceRead = Annotated[Caller, Depends(InCommunity("face:read"))]


def _multipart(field: str, description: str, *, many: bool) -> dict[str, Any]:
    """The request body as OpenAPI describes it; the upload itself is read in memory."""
    binary = {"type": "string", "format": "binary"}
    schema = {"type": "array", "items": binary, "maxItems": 5} if many else binary
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [field],
                        "properties": {field: {**schema, "description": description}},
                    }
                }
            },
        }
    }


@router.post(
    "/communities/{community_id}/people/{person_id}/face",
    status_code=201,
    openapi_extra=_multipart("images", "1 to 5 photos of the person, alone", many=True),
)
async def enrol(
    person_id: uuid.UUID, caller: FaceEnrol, request: Request, uow: UowDep
) -> dict[str, Any]:
    photos = await read_photos(request, "images")
    kit = privacy.privacy_kit(request)
    done = await anyio.to_thread.run_sync(
        lambda: enrolment.enrol(uow, kit, caller, person_id, photos, actor=privacy.actor_of(caller))
    )
    return {
        "person_id": str(done.person_id),
        "template_version": done.template_version,
        "enrolled_at": done.sealed_at,
        "notice_version": done.notice_version,
        "credential_id": str(done.credential_id),
    }


@router.get("/communities/{community_id}/people/{person_id}/face")
def face_record(
    person_id: uuid.UUID, caller: FaceRead, request: Request, uow: UowDep
) -> dict[str, Any]:
    """What is held about the person's face (never the template); the view is audited."""
    return privacy.staff_view(uow, privacy.privacy_kit(request), caller, person_id)


@router.post(
    "/communities/{community_id}/face/quality",
    openapi_extra=_multipart("image", "one camera frame", many=False),
)
async def check_quality(caller: FaceEnrol, request: Request) -> dict[str, Any]:
    """Is this frame good enough to enrol from? Only the verdict and reasons come back."""
    photos = await read_photos(request, "image")
    return await anyio.to_thread.run_sync(enrolment.check_frame, photos[0])
