"""Face enrolment over the API: photos in memory, a sealed template out, nothing else kept.

Order matters. Consent is checked before any photo is looked at ("no consent, no template"),
then each photo is decoded, passed through the enrolment quality gate and the single-frame
liveness check, and embedded; the template is sealed under the person's own key and the audit
entry written in one transaction. The photos live only in local variables and are never
written anywhere; errors carry reason codes and messages, never pixels or vectors.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from menwei.core import FaceCredential, Validity
from menwei.privacy.errors import ConsentRequired
from menwei.server.deps import Caller
from menwei.server.errors import ApiError, Conflict
from menwei.server.services.photo_uploads import MAX_PHOTOS
from menwei.server.services.privacy import acting_for, may_be_face_enrolled, now
from menwei.store import privacy_services as ops
from menwei.store.privacy_repository import PrivacyStore
from menwei.store.privacy_services import PrivacyKit
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


class FaceRefused(ApiError):
    """A photo the engine cannot enrol from: the reasons are machine-readable, the text plain."""

    status = 422
    code = "face_refused"


class TooManyPhotos(ApiError):
    status = 422
    code = "photo_count"


ENGINES = min(4, os.cpu_count() or 1)
"""At most this many face engines at once: each holds its models (tens of MB) and a core."""

_idle: list[Any] = []
_idle_lock = threading.Lock()
_slots = threading.BoundedSemaphore(ENGINES)


def _build_engine() -> Any:
    """A detector, an embedder and the single-frame liveness check (not thread-safe: OpenCV)."""
    from menwei.vision import Embedder, FaceDetector
    from menwei.vision.liveness import FrameLiveness

    return (FaceDetector(), Embedder(), FrameLiveness())


class EngineUnavailable(ApiError):
    status = 503
    code = "face_engine_unavailable"


def _usable_engine() -> Any:
    """A new engine, or 503 when a model file is missing or altered (the operator must act)."""
    from menwei.vision import VisionError
    from menwei.vision.liveness import LivenessError

    try:
        return _build_engine()
    except (VisionError, LivenessError) as error:
        raise EngineUnavailable(
            texts={
                "zh-CN": "人脸识别暂不可用：模型文件缺失或已被改动。请联系物业重新安装后再试。",
                "en": "Face enrolment is unavailable: a model file is missing or altered. Ask "
                "the property office to reinstall menwei, then try again.",
            },
            details={"cause": getattr(error, "code", type(error).__name__)},
        ) from None


@contextmanager
def _engine() -> Iterator[Any]:
    """Borrow one engine for one request; a request waits while all of them are busy."""
    with _slots:
        with _idle_lock:
            engine = _idle.pop() if _idle else None
        if engine is None:
            engine = _usable_engine()
        try:
            yield engine
        finally:
            with _idle_lock:
                _idle.append(engine)


def _reasons(codes: Sequence[str]) -> list[dict[str, str]]:
    from menwei.vision.quality import REASONS

    return [
        {"code": c, "zh": REASONS[c].zh, "en": REASONS[c].en}
        if c in REASONS
        else {"code": c, "zh": c, "en": c}
        for c in codes
    ]


def _refused(index: int, error: Exception, reasons: Sequence[str]) -> FaceRefused:
    zh = getattr(error, "message_zh", "") or "照片无法使用，请重新拍摄。"
    en = getattr(error, "message", "") or "The photo cannot be used; take it again."
    code = getattr(error, "code", "image")
    return FaceRefused(
        texts={"zh-CN": f"第 {index + 1} 张照片：{zh}", "en": f"Photo {index + 1}: {en}"},
        details={"photo": index + 1, "code": code, "reasons": _reasons(reasons or [code])},
    )


def check_size(photos: Sequence[bytes]) -> None:
    if not 1 <= len(photos) <= MAX_PHOTOS:
        raise TooManyPhotos(
            texts={
                "zh-CN": f"请上传 1 到 {MAX_PHOTOS} 张照片。",
                "en": f"Send 1 to {MAX_PHOTOS} photos.",
            },
            details={"count": len(photos)},
        )


def _vector(engine: Any, index: int, photo: bytes) -> np.ndarray:
    """One photo to one embedding, or ``FaceRefused`` saying what to fix."""
    from menwei.vision import ENROLMENT, VisionError, assess, decode_image
    from menwei.vision.liveness import LivenessError

    detector, embedder, liveness = engine
    try:
        image = decode_image(photo)
        report = assess(image, detector.detect(image), ENROLMENT)
        if not report.passed or report.face is None:
            try:
                report.raise_if_failed()
            except VisionError as error:
                raise _refused(index, error, report.reasons) from None
        face = report.face
        assert face is not None
        verdict = liveness.assess(image, face)
        if verdict.failed:
            raise FaceRefused(
                texts={
                    "zh-CN": f"第 {index + 1} 张照片：{verdict.message('zh-CN')}",
                    "en": f"Photo {index + 1}: {verdict.message('en')}",
                },
                details={
                    "photo": index + 1,
                    "code": "liveness",
                    "reasons": [
                        {
                            "code": verdict.reason.value,
                            "zh": verdict.message("zh-CN"),
                            "en": verdict.message("en"),
                        }
                    ],
                },
            )
        return embedder.embed_face(image, face)  # type: ignore[no-any-return]
    except (VisionError, LivenessError) as error:
        raise _refused(index, error, ()) from None


def _template(photos: Sequence[bytes]) -> bytes:
    from menwei.vision import TemplateError, build_template

    with _engine() as engine:
        vectors = [_vector(engine, i, photo) for i, photo in enumerate(photos)]
    try:
        template = build_template(vectors)
    except TemplateError as error:
        raise FaceRefused(
            texts={"zh-CN": error.message_zh, "en": error.message},
            details={"code": error.code, "reasons": [{"code": error.code}]},
        ) from None
    return np.asarray(template, dtype=np.float32).tobytes()


@dataclass(frozen=True, slots=True)
class Enrolled:
    person_id: uuid.UUID
    template_version: int
    sealed_at: str
    notice_version: int
    credential_id: uuid.UUID


def _require_consent(uow: UnitOfWork, person_id: uuid.UUID, community_id: uuid.UUID) -> None:
    """Refuse before looking at any photo when no live consent exists (the vault checks again)."""
    with uow:
        store = PrivacyStore(uow.session)
        live = store.consents.live_for(person_id)
        current = store.notices.current(community_id)
    if current is None or live is None:
        raise ConsentRequired(
            "此人尚未同意人脸识别处理规则，不能录入人脸（没有同意，就没有人脸模板）。"
            "请先由本人（或未满 14 周岁者的监护人）同意。",
            "This person has not consented to the face recognition notice, so no face can be "
            "enrolled (no consent, no template). Ask them (or a child's guardian) to consent "
            "first.",
        )


def enrol(
    uow: UnitOfWork,
    kit: PrivacyKit,
    caller: Caller,
    person_id: uuid.UUID,
    photos: Sequence[bytes],
    *,
    actor: str,
) -> Enrolled:
    """Consent, then photos to a sealed template, then the face credential the gates sync."""
    acting = acting_for(uow, caller, person_id)
    if not may_be_face_enrolled(acting.person):
        raise Conflict(
            code="visitor_not_enrolled",
            texts={
                "zh-CN": "访客不能录入人脸，请使用二维码通行证。",
                "en": "Visitors are never face-enrolled; issue a QR pass instead.",
            },
        )
    _require_consent(uow, person_id, acting.person.community_id)
    check_size(photos)
    template = _template(photos)
    at = now()
    sealed = ops.enrol_template(
        uow,
        kit,
        person_id=person_id,
        community_id=acting.person.community_id,
        template=template,
        at=at,
        actor=actor,
    )
    del template
    with uow:
        consent = PrivacyStore(uow.session).consents.live_for(person_id)
        assert consent is not None
        credential = _face_credential(uow, person_id, sealed.template_version, consent.id, at)
        uow.credentials.save(credential)
        uow.commit()
    return Enrolled(
        person_id=person_id,
        template_version=sealed.template_version,
        sealed_at=sealed.sealed_at.isoformat(),
        notice_version=consent.notice_version,
        credential_id=credential.id,
    )


def _face_credential(
    uow: UnitOfWork, person_id: uuid.UUID, version: int, consent_id: uuid.UUID, at: Any
) -> FaceCredential:
    """The person's live face credential, pointed at the new template version (or a new one)."""
    ref = f"{person_id}/v{version}"
    for existing in uow.credentials.of_person(person_id, CommunityScope.all()):
        if isinstance(existing, FaceCredential) and existing.consent_withdrawn_at is None:
            return replace(existing, template_ref=ref, consent_id=consent_id)
    return FaceCredential(
        id=uuid.uuid4(),
        person_id=person_id,
        template_ref=ref,
        consent_id=consent_id,
        validity=Validity(valid_from=at),
    )


def check_frame(photo: bytes) -> dict[str, Any]:
    """The live hint for the phone page: passed or not, and the reasons — nothing else."""
    from menwei.vision import ENROLMENT, ImageError, assess, decode_image

    try:
        image = decode_image(photo)
    except ImageError as error:
        reason = {"code": error.code, "zh": error.message_zh, "en": error.message}
        return {"passed": False, "reasons": [reason]}
    with _engine() as (detector, _, _):
        report = assess(image, detector.detect(image), ENROLMENT)
    return {"passed": report.passed, "reasons": _reasons(report.reasons)}
