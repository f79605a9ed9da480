"""Face enrolment: 1–5 photos for a person, and a one-frame check for the phone page's hints.

Photos arrive as multipart uploads, are read into memory (never spooled to disk), and are
dropped when the request ends; only the sealed template is kept. The quality check answers
reason codes only. The movement check (``face/challenge``) is issued, fed one frame at a time,
and named by the enrolment in its ``challenge`` form field.
"""

from __future__ import annotations

import threading
import uuid
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from menwei.server import app_state
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.photo_uploads import read_photos, read_upload
from menwei.server.privacy_schemas import face_data_json
from menwei.server.routers import API_PREFIX
from menwei.server.services import enrolment, face_switch, privacy
from menwei.server.services.enrolment_challenges import (
    ChallengeAnswer,
    EnrolmentChallenges,
    Prompt,
    Reason,
)

router = APIRouter(prefix=API_PREFIX, tags=["enrolment"])

FaceEnrol = Annotated[Caller, Depends(InCommunity("face:enrol"))]
FaceRead = Annotated[Caller, Depends(InCommunity("face:read"))]


class EnrolledPublic(BaseModel):
    person_id: uuid.UUID
    template_version: int
    enrolled_at: str
    notice_version: int
    credential_id: uuid.UUID


class ReasonPublic(BaseModel):
    code: str
    zh: str
    en: str


class PromptPublic(BaseModel):
    zh: str
    en: str


class FrameCheckPublic(BaseModel):
    passed: bool
    reasons: list[ReasonPublic]


class ChallengeIssued(BaseModel):
    id: str
    kind: str
    prompt: PromptPublic
    time_limit: float


class ChallengeAnswerPublic(BaseModel):
    status: str
    prompt: PromptPublic
    reason: ReasonPublic


def _reason(reason: Reason) -> ReasonPublic:
    return ReasonPublic(code=reason.code, zh=reason.zh, en=reason.en)


def _prompt(prompt: Prompt) -> PromptPublic:
    return PromptPublic(zh=prompt.zh, en=prompt.en)


def _answer(answer: ChallengeAnswer) -> ChallengeAnswerPublic:
    return ChallengeAnswerPublic(
        status=answer.status, prompt=_prompt(answer.prompt), reason=_reason(answer.reason)
    )


_registry_lock = threading.Lock()


def challenges_of(request: Request) -> EnrolmentChallenges:
    """The app's open movement checks, made on first use (a test may set its own first)."""
    state = request.app.state
    with _registry_lock:
        registry = getattr(state, "enrolment_challenges", None)
        if registry is None:
            registry = state.enrolment_challenges = EnrolmentChallenges()
    return registry


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
) -> EnrolledPublic:
    """Enrol from the photos; ``challenge`` (a form field) names a passed movement check,
    required when residents enrol themselves or their child."""
    photos, fields = await read_upload(request, "images")
    challenge_id = fields.get("challenge", "").strip() or None
    kit = app_state.privacy_kit(request)
    registry = challenges_of(request)
    done = await anyio.to_thread.run_sync(
        lambda: enrolment.enrol(
            uow,
            kit,
            caller,
            person_id,
            photos,
            actor=privacy.actor_of(caller),
            challenges=registry,
            challenge_id=challenge_id,
        )
    )
    return EnrolledPublic(
        person_id=done.person_id,
        template_version=done.template_version,
        enrolled_at=done.sealed_at,
        notice_version=done.notice_version,
        credential_id=done.credential_id,
    )


@router.get("/communities/{community_id}/people/{person_id}/face")
def face_record(
    person_id: uuid.UUID, caller: FaceRead, request: Request, uow: UowDep
) -> dict[str, Any]:
    """What is held about the person's face (never the template); the view is audited."""
    return face_data_json(
        privacy.staff_view(uow, app_state.privacy_kit(request), caller, person_id)
    )


@router.post(
    "/communities/{community_id}/face/quality",
    openapi_extra=_multipart("image", "one camera frame", many=False),
)
async def check_quality(caller: FaceEnrol, request: Request, uow: UowDep) -> FrameCheckPublic:
    """Is this frame good enough to enrol from? Only the verdict and reasons come back."""
    # No face is looked at while face recognition is off (409 naming why).
    assert caller.community_id is not None  # FaceEnrol is held to the path's community
    await anyio.to_thread.run_sync(face_switch.require_on, uow, caller.community_id)
    photos = await read_photos(request, "image")
    checked = await anyio.to_thread.run_sync(enrolment.check_frame, photos[0])
    return FrameCheckPublic(passed=checked.passed, reasons=[_reason(r) for r in checked.reasons])


@router.post("/communities/{community_id}/people/{person_id}/face/challenge", status_code=201)
def issue_challenge(
    person_id: uuid.UUID, caller: FaceEnrol, request: Request, uow: UowDep
) -> ChallengeIssued:
    """A random movement to make within ``time_limit`` seconds: id, kind and prompt (zh, en)."""
    issued = enrolment.issue_challenge(uow, caller, person_id, challenges_of(request))
    return ChallengeIssued(
        id=issued.id, kind=issued.kind, prompt=_prompt(issued.prompt), time_limit=issued.time_limit
    )


@router.post(
    "/communities/{community_id}/people/{person_id}/face/challenge/{challenge_id}/frames",
    openapi_extra=_multipart("image", "one camera frame, not mirrored", many=False),
)
async def challenge_frame(
    person_id: uuid.UUID, challenge_id: str, caller: FaceEnrol, request: Request, uow: UowDep
) -> ChallengeAnswerPublic:
    """One frame of the movement: ``pending``, ``passed`` or ``failed``, with the reason."""
    photos = await read_photos(request, "image")
    registry = challenges_of(request)
    answer = await anyio.to_thread.run_sync(
        lambda: enrolment.challenge_frame(uow, caller, person_id, challenge_id, photos[0], registry)
    )
    return _answer(answer)
