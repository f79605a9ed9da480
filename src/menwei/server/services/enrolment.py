"""Face enrolment over the API: photos in memory, a sealed template out, nothing else kept.

Order matters. Consent is checked before any photo is looked at ("no consent, no template"),
then each photo is decoded, passed through the enrolment quality gate and the single-frame
liveness check, and embedded; the template is sealed under the person's own key, and it, its
audit entry and the face credential the gates sync are written in one transaction
(``enrolment_record``). The photos live only in local variables and are never
written anywhere; errors carry reason codes and messages, never pixels or vectors.

A resident enrolling themselves (or their child) first makes a random movement in front of the
camera (``enrolment_challenges``); the enrolment names that challenge, and its photos must show
the face that moved. Staff enrolling in person vouch for the person instead, so for them the
movement is optional.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from menwei.privacy.consent import ConsentChannel
from menwei.privacy.errors import ConsentRequired
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import Conflict, Forbidden, InvalidRequest, Unavailable
from menwei.server.services.enrolment_challenges import (
    ChallengeAnswer,
    ChallengeUsed,
    EnrolmentChallenge,
    EnrolmentChallenges,
    Prompt,
    Reason,
)
from menwei.server.services.enrolment_record import store_enrolment
from menwei.server.services.face_switch import reasons_off
from menwei.server.services.privacy import Acting, acting_within, may_be_face_enrolled, now
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.repositories.face_gate import face_off_error
from menwei.store.uow import UnitOfWork
from menwei.text import Bilingual, Message, translate

if TYPE_CHECKING:
    from menwei.vision import FaceEngine
    from menwei.vision.liveness import FrameLiveness


class FaceRefused(InvalidRequest):
    """A photo the engine cannot enrol from: the reasons are machine-readable, the text plain."""

    code = "face_refused"


class TooManyPhotos(InvalidRequest):
    code = "photo_count"


MAX_PHOTOS = 5
"""Photos one enrolment may send: the best of a few shots, never a collection."""

ENGINES = min(4, os.cpu_count() or 1)
"""At most this many face engines at once: each holds its models (tens of MB) and a core."""


class PooledEngine(NamedTuple):
    """The face engine and the single-frame liveness check (not thread-safe: OpenCV)."""

    faces: FaceEngine
    liveness: FrameLiveness


_idle: list[PooledEngine] = []
_idle_lock = threading.Lock()
_slots = threading.BoundedSemaphore(ENGINES)


def _build_engine() -> PooledEngine:
    """A new engine and liveness check; loading their models is what makes this slow."""
    from menwei.vision import FaceEngine
    from menwei.vision.liveness import FrameLiveness

    return PooledEngine(FaceEngine(), FrameLiveness())


class EngineUnavailable(Unavailable):
    code = "face_engine_unavailable"


def _usable_engine() -> PooledEngine:
    """A new engine, or 503 when a model file is missing or altered (the operator must act)."""
    from menwei.vision import VisionError
    from menwei.vision.liveness import LivenessError

    try:
        return _build_engine()
    except (VisionError, LivenessError) as error:
        raise EngineUnavailable(
            details={"cause": getattr(error, "code", type(error).__name__)},
        ) from None


@contextmanager
def _engine() -> Iterator[PooledEngine]:
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


def _reasons(codes: Sequence[str]) -> tuple[Reason, ...]:
    from menwei.vision.quality import REASONS

    return tuple(
        Reason(c, REASONS[c].zh, REASONS[c].en) if c in REASONS else Reason(c, c, c) for c in codes
    )


def _reason_details(codes: Sequence[str]) -> list[dict[str, str]]:
    """The reasons as an error's details carry them."""
    return [{"code": r.code, "zh": r.zh, "en": r.en} for r in _reasons(codes)]


def _refused(index: int, error: Exception, reasons: Sequence[str]) -> FaceRefused:
    zh = getattr(error, "message_zh", "") or "照片无法使用，请重新拍摄。"
    en = getattr(error, "message", "") or "The photo cannot be used; take it again."
    code = getattr(error, "code", "image")
    return FaceRefused(
        message_id="photo_refused",
        photo=index + 1,
        reason=Bilingual(zh, en),
        details={"photo": index + 1, "code": code, "reasons": _reason_details(reasons or [code])},
    )


def check_size(photos: Sequence[bytes]) -> None:
    if not 1 <= len(photos) <= MAX_PHOTOS:
        raise TooManyPhotos(
            max_photos=MAX_PHOTOS,
            details={"count": len(photos)},
        )


def _vector(engine: PooledEngine, index: int, photo: bytes) -> np.ndarray:
    """One photo to one embedding, or ``FaceRefused`` saying what to fix."""
    from menwei.vision import ENROLMENT, VisionError, assess, decode_image
    from menwei.vision.liveness import LivenessError

    faces, liveness = engine
    try:
        image = decode_image(photo)
        report = assess(image, faces.detect(image), ENROLMENT)
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
                message_id="photo_refused",
                photo=index + 1,
                reason=Bilingual(verdict.message("zh-CN"), verdict.message("en")),
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
        return faces.embed(image, face)
    except (VisionError, LivenessError) as error:
        raise _refused(index, error, ()) from None


class ChallengeRequired(Forbidden):
    code = "challenge_required"

    def __init__(self) -> None:
        super().__init__()


class NotTheSamePerson(InvalidRequest):
    code = "challenge_face_mismatch"

    def __init__(self) -> None:
        super().__init__()


class FrameRefused(InvalidRequest):
    """One camera frame of a challenge could not be judged; the challenge itself goes on."""

    code = "frame_refused"


def same_person_score(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two unit-length embeddings."""
    return float(np.dot(a, b))


def verification_threshold() -> float:
    """The score at which the face alone opens a door; the photos must reach it against the
    face that moved. Photos and movement are seconds apart on one camera, so a genuine
    person clears it easily, while another face almost never does (see ``thresholds.json``)."""
    from menwei.vision import default_thresholds

    return default_thresholds().confident


def _check_same_person(vectors: Sequence[np.ndarray], challenge: EnrolmentChallenge) -> None:
    reference = challenge.reference_vector()
    threshold = verification_threshold()
    if reference is None or any(
        same_person_score(np.asarray(v), reference) < threshold for v in vectors
    ):
        raise NotTheSamePerson()


def _live_frames(vectors: Sequence[np.ndarray], challenge: EnrolmentChallenge) -> list[np.ndarray]:
    """The challenge's resting frames that agree with the photos, up to the template's room.

    A photo is one moment under one light; the frames a passed challenge saw are the live face
    at the camera. The template is the normalised mean of both, so one photo's pose or blur
    weighs less. A frame that agrees less than the template rule asks is left out rather than
    refusing an enrolment the photos alone would make.
    """
    from menwei.vision.embed import normalise
    from menwei.vision.templates import MAX_IMAGES, MIN_AGREEMENT

    room = MAX_IMAGES - len(vectors)
    if room <= 0 or not challenge.reference:
        return []
    photos = normalise(np.stack([np.asarray(v, dtype=np.float32).reshape(-1) for v in vectors]))
    kept = []
    for frame in challenge.reference:
        unit = normalise(np.asarray(frame, dtype=np.float32).reshape(1, -1))[0]
        if unit.shape[0] == photos.shape[1] and float((photos @ unit).min()) >= MIN_AGREEMENT:
            kept.append(unit)
    return kept[:room]


def _template(
    photos: Sequence[bytes], challenge: EnrolmentChallenge | None = None
) -> tuple[bytes, str]:
    """The template's bytes and the id of the recognition model that made it."""
    from menwei.vision import TemplateError, build_template

    with _engine() as engine:
        vectors = [_vector(engine, i, photo) for i, photo in enumerate(photos)]
        faces = engine.faces
    if challenge is not None:
        _check_same_person(vectors, challenge)
        vectors = vectors + _live_frames(vectors, challenge)
    try:
        template = build_template(vectors, dim=faces.dim)
    except TemplateError as error:
        raise FaceRefused(
            wording=error.wording,
            details={"code": error.code, "reasons": [{"code": error.code}]},
        ) from None
    return np.asarray(template, dtype=np.float32).tobytes(), faces.model_id


@dataclass(frozen=True, slots=True)
class Enrolled:
    person_id: uuid.UUID
    template_version: int
    sealed_at: str
    notice_version: int
    credential_id: uuid.UUID


def _require_on_and_consented(
    uow: UnitOfWork, person_id: uuid.UUID, community_id: uuid.UUID
) -> None:
    """Refuse before looking at any photo when face recognition is off or no live consent
    exists (both are read again when the template is stored). Inside the caller's open unit
    of work."""
    off = reasons_off(uow, community_id)
    live = uow.privacy.consents.live_for(person_id)
    current = uow.privacy.notices.current(community_id)
    if off:
        raise face_off_error(off)
    if current is None or live is None:
        raise ConsentRequired(message_id="no_consent_to_enrol")


def _enrollable(uow: UnitOfWork, caller: Caller, person_id: uuid.UUID) -> Acting:
    """Whom the caller may enrol, consent checked before any photo or frame is looked at: one
    read transaction, the checks of the write transaction that stores the template come later."""
    with uow:
        acting = acting_within(uow, caller, person_id)
        _may_be_enrolled(acting)
        _require_on_and_consented(uow, person_id, acting.person.community_id)
    return acting


def _may_be_enrolled(acting: Acting) -> None:
    if not may_be_face_enrolled(acting.person):
        raise Conflict(
            code="visitor_not_enrolled",
        )


@dataclass(frozen=True, slots=True)
class LivenessRecord:
    """Which liveness checks the enrolment went through, for the audit entry: names only."""

    challenge_kind: str | None

    @classmethod
    def of(cls, challenge: EnrolmentChallenge | None) -> LivenessRecord:
        return cls(None if challenge is None else challenge.challenge.kind.value)

    def as_detail(self) -> dict[str, Any]:
        """The audit entry's ``liveness`` detail."""
        if self.challenge_kind is None:
            return {"frame": "pass", "challenge": "not_asked"}
        return {"frame": "pass", "challenge": {"kind": self.challenge_kind, "passed": True}}


def enrol(
    uow: UnitOfWork,
    kit: PrivacyKit,
    caller: Caller,
    person_id: uuid.UUID,
    photos: Sequence[bytes],
    *,
    actor: str,
    challenges: EnrolmentChallenges | None = None,
    challenge_id: str | None = None,
) -> Enrolled:
    """Consent, then photos to a sealed template, then the face credential the gates sync.

    A resident (for themselves or their child) must name a passed ``challenge_id``; staff may.
    """
    acting = _enrollable(uow, caller, person_id)
    check_size(photos)
    challenge = None
    if challenge_id:
        if challenges is None:
            raise ChallengeRequired()
        challenge = challenges.consume(
            challenge_id,
            community_id=acting.person.community_id,
            person_id=person_id,
            caller_id=caller.id,
        )
    elif acting.channel is not ConsentChannel.STAFF_ASSISTED:
        raise ChallengeRequired()
    try:
        template, model_id = _template(photos, challenge)
    finally:
        if challenge is not None:
            challenge.forget_face()  # used once: its embeddings have no further purpose
    stored = store_enrolment(
        uow,
        kit,
        person_id=person_id,
        community_id=acting.person.community_id,
        template=template,
        at=now(),
        actor=actor,
        liveness=LivenessRecord.of(challenge).as_detail(),
        model_id=model_id,
    )
    del template
    return Enrolled(
        person_id=person_id,
        template_version=stored.sealed.template_version,
        sealed_at=stored.sealed.sealed_at.isoformat(),
        notice_version=stored.notice_version,
        credential_id=stored.credential_id,
    )


@dataclass(frozen=True, slots=True)
class FrameCheck:
    """The live hint for the phone page: passed or not, and why."""

    passed: bool
    reasons: tuple[Reason, ...]


def check_frame(photo: bytes) -> FrameCheck:
    """The live hint for the phone page: passed or not, and the reasons — nothing else."""
    from menwei.vision import ENROLMENT, ImageError, assess, decode_image

    try:
        image = decode_image(photo)
    except ImageError as error:
        return FrameCheck(False, (Reason(error.code, error.message_zh, error.message),))
    with _engine() as (faces, _):
        report = assess(image, faces.detect(image), ENROLMENT)
    return FrameCheck(report.passed, _reasons(report.reasons))


# -- the movement check of phone enrolment ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedChallenge:
    """A movement to make within ``time_limit`` seconds."""

    id: str
    kind: str
    prompt: Prompt
    time_limit: float


def issue_challenge(
    uow: UnitOfWork, caller: Caller, person_id: uuid.UUID, challenges: EnrolmentChallenges
) -> IssuedChallenge:
    """A new movement to make, for a person the caller may enrol (consent checked first)."""
    acting = _enrollable(uow, caller, person_id)
    entry = challenges.issue(acting.person.community_id, person_id, caller.id)
    return IssuedChallenge(
        entry.id, entry.challenge.kind.value, entry.prompt(), entry.challenge.rules.time_limit
    )


def _frame_refused(code: str, wording: Message) -> FrameRefused:
    """A frame refused (by the face engine, or for its count of faces), said in both languages."""
    zh, en = wording.render("zh-CN"), wording.render("en")
    return FrameRefused(wording=wording, details={"reasons": [{"code": code, "zh": zh, "en": en}]})


def challenge_frame(
    uow: UnitOfWork,
    caller: Caller,
    person_id: uuid.UUID,
    challenge_id: str,
    photo: bytes,
    challenges: EnrolmentChallenges,
) -> ChallengeAnswer:
    """Judge one camera frame of a challenge; answer its status, prompt and reason, no score.

    The frame's time is its arrival here, on the server's monotonic clock: the phone's clock is
    not trusted. The frame is dropped when this returns.
    """
    at = challenges.clock()
    acting = _enrollable(uow, caller, person_id)
    entry = challenges.get(
        challenge_id,
        community_id=acting.person.community_id,
        person_id=person_id,
        caller_id=caller.id,
    )
    with entry.lock:
        if entry.used:
            raise ChallengeUsed()
        if entry.status == "pending":
            _judge_frame(entry, photo, at)
        return entry.answer()


def _judge_frame(entry: EnrolmentChallenge, photo: bytes, at: float) -> None:
    from menwei.vision import VisionError

    try:
        _judge_image(entry, photo, at)
    except VisionError as error:  # an image or landmarks the engine cannot use: say so
        raise _frame_refused(error.code, error.wording) from None


def _judge_image(entry: EnrolmentChallenge, photo: bytes, at: float) -> None:
    from menwei.vision import decode_image, default_thresholds

    image = decode_image(photo)
    with _engine() as (engine, liveness):
        faces = engine.detect(image)
        if len(faces) != 1:
            entry.challenge.observe(None, at)
            if entry.status != "pending":
                return
            if not faces:
                raise _frame_refused("no_face", Message("frame_no_face"))
            raise _frame_refused("several_faces", Message("frame_several_faces"))
        face = faces[0]
        vector = np.asarray(engine.embed(image, face))
        verdict = liveness.assess(image, face)
    if entry.previous is not None and (
        same_person_score(vector, entry.previous) < default_thresholds().possible
    ):
        entry.fail(
            "face_changed",
            translate("challenge_face_changed", "zh-CN"),
            translate("challenge_face_changed", "en"),
        )
        return
    entry.previous = vector
    if verdict.failed:
        entry.passive_failures += 1
        if entry.passive_failures >= 2:  # one blurred frame of a turning head is forgiven
            entry.fail(verdict.reason.value, verdict.message("zh-CN"), verdict.message("en"))
            return
    if len(entry.reference) < entry.challenge.rules.baseline_frames:
        entry.reference.append(vector)
    entry.challenge.observe(face.landmarks, at)
