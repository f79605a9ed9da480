"""Face enrolment: 1–5 photos for a person, and a one-frame check for the phone page's hints.

Photos arrive as multipart uploads, are read into memory, and are dropped when the request
ends; only the sealed template is kept. The quality check answers reason codes only.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Request, UploadFile

from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.routers import API_PREFIX
from menwei.server.services import enrolment, privacy

router = APIRouter(prefix=API_PREFIX, tags=["enrolment"])

FaceEnrol = Annotated[Caller, Depends(InCommunity("face:enrol"))]
FaceRead = Annotated[Caller, Depends(InCommunity("face:read"))]

Photos = Annotated[list[UploadFile], File(description="1 to 5 photos of the person, alone")]
Photo = Annotated[UploadFile, File(description="one camera frame")]


async def _read(upload: UploadFile) -> bytes:
    """At most one byte past the limit is read, so a huge upload is refused without buffering."""
    return await upload.read(enrolment.MAX_UPLOAD_BYTES + 1)


@router.post("/communities/{community_id}/people/{person_id}/face", status_code=201)
async def enrol(
    person_id: uuid.UUID, images: Photos, caller: FaceEnrol, request: Request, uow: UowDep
) -> dict[str, Any]:
    photos = [await _read(image) for image in images[: enrolment.MAX_PHOTOS + 1]]
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


@router.post("/communities/{community_id}/face/quality")
async def check_quality(image: Photo, caller: FaceEnrol) -> dict[str, Any]:
    """Is this frame good enough to enrol from? Only the verdict and reasons come back."""
    photo = await _read(image)
    return await anyio.to_thread.run_sync(enrolment.check_frame, photo)
