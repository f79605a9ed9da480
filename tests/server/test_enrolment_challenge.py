"""The movement check of phone enrolment over the API, with frames made from a real face.

The head turn is synthesised from the public-domain portrait in ``tests/data`` by a local warp
that moves the nose against the eyes and mouth (``tests/faces_motion.py``); the still photo,
the photo moved as a whole and the mirror image are made from the same frame. Time is the
registry's injected clock, advanced a third of a second per frame as a phone posts them.
"""

from __future__ import annotations

import uuid
from functools import cache
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from menwei.server.services import enrolment
from menwei.server.services.enrolment_challenges import EnrolmentChallenges
from menwei.vision.liveness.challenge import ChallengeKind

from ..faces_motion import (
    camera_frame,
    head_turn,
    jpeg,
    landmarks_of,
    moved_as_a_picture,
    turn_left_frames,
)
from .conftest import World
from .test_enrolment import API, consent, enrol, files, photo, publish

FRAME_INTERVAL = 0.35


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _turn_left() -> tuple[bytes, ...]:
    """Frontal, then the nose moving to the picture's right: the person turning to their left."""
    return turn_left_frames()


@cache
def _turn_right() -> tuple[bytes, ...]:
    """The same turn mirrored: the nose moving to the picture's left."""
    frame = camera_frame()
    turn = head_turn(frame, landmarks_of(frame), towards=0.9)
    return tuple(jpeg(cv2.flip(f, 1)) for f in turn)


@cache
def _still() -> tuple[bytes, ...]:
    return (jpeg(camera_frame()),) * 12


@cache
def _moved_photo() -> tuple[bytes, ...]:
    frame = camera_frame()
    return (jpeg(frame),) * 3 + tuple(jpeg(f) for f in moved_as_a_picture(frame, 8))


def _registry(app, kind: ChallengeKind) -> Clock:  # type: ignore[no-untyped-def]
    clock = Clock()
    app.state.enrolment_challenges = EnrolmentChallenges(kinds=(kind,), clock=clock)
    return clock


def _base(world: World, person: uuid.UUID | None = None, community: uuid.UUID | None = None) -> str:
    community = community or world.a.community_id
    return f"{API}/communities/{community}/people/{person or world.a.resident_id}/face/challenge"


def _issue(client, world: World, who: str = "resident", **where: uuid.UUID):  # type: ignore[no-untyped-def]
    return client.post(_base(world, **where), headers=world.auth(who))


def _frame(client, world: World, challenge_id: str, image: bytes, who: str = "resident", **where):  # type: ignore[no-untyped-def]
    return client.post(
        f"{_base(world, **where)}/{challenge_id}/frames",
        files=[("image", ("frame.jpg", image, "image/jpeg"))],
        headers=world.auth(who),
    )


def _play(client, world: World, clock: Clock, challenge_id: str, frames, who: str = "resident"):  # type: ignore[no-untyped-def]
    """Post frames a third of a second apart until the challenge settles; every answer."""
    answers = []
    for image in frames:
        clock.now += FRAME_INTERVAL
        response = _frame(client, world, challenge_id, image, who)
        assert response.status_code == 200, response.text
        answers.append(response.json())
        if answers[-1]["status"] != "pending":
            break
    return answers


def _enrol_with(client, world: World, challenge_id: str, *photos: bytes, who: str = "resident"):  # type: ignore[no-untyped-def]
    return client.post(
        f"{API}/communities/{world.a.community_id}/people/{world.a.resident_id}/face",
        files=files(*photos),
        data={"challenge": challenge_id},
        headers=world.auth(who),
    )


def _ready(client, world: World) -> None:
    publish(client, world)
    assert consent(client, world, world.a.resident_id).status_code == 201


def _audit(client, world: World) -> list[dict]:  # type: ignore[type-arg]
    response = client.get(f"{API}/me/privacy/audit", headers=world.auth("resident"))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_resident_who_turns_as_asked_passes_enrols_and_the_audit_names_the_check(
    client, world: World, app
) -> None:
    clock = _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    issued = _issue(client, world)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["kind"] == "turn_left"
    assert body["prompt"] == {"zh": "请慢慢向左转头。", "en": "Slowly turn your head to your left."}
    assert body["time_limit"] == 15.0

    answers = _play(client, world, clock, body["id"], _turn_left())
    assert [a["status"] for a in answers[:-1]] == ["pending"] * (len(answers) - 1)
    assert answers[-1]["status"] == "passed", answers
    assert set(answers[-1]) == {"status", "prompt", "reason"}
    assert answers[-1]["reason"]["code"] == "challenge_met"

    enrolled = _enrol_with(client, world, body["id"], photo())
    assert enrolled.status_code == 201, enrolled.text
    entry = next(e for e in _audit(client, world) if e["action"] == "enrol")
    text = str(entry)
    assert "turn_left" in text and "challenge" in text

    again = _enrol_with(client, world, body["id"], photo())
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "challenge_used"
    assert "重新开始" in again.json()["error"]["message"]
    late_frame = _frame(client, world, body["id"], _turn_left()[0])
    assert late_frame.status_code == 409


def test_turning_right_is_read_from_unmirrored_frames_and_the_wrong_way_fails(
    client, world: World, app
) -> None:
    _ready(client, world)
    clock = _registry(app, ChallengeKind.TURN_RIGHT)
    right = _issue(client, world).json()
    assert _play(client, world, clock, right["id"], _turn_right())[-1]["status"] == "passed"

    clock = _registry(app, ChallengeKind.TURN_RIGHT)
    wrong = _issue(client, world).json()
    answers = _play(client, world, clock, wrong["id"], _turn_left())
    assert answers[-1]["status"] == "failed"
    assert answers[-1]["reason"]["code"] == "challenge_wrong_move"
    assert answers[-1]["reason"]["zh"] and answers[-1]["reason"]["en"]

    clock = _registry(app, ChallengeKind.TURN_LEFT)
    wrong = _issue(client, world).json()
    answers = _play(client, world, clock, wrong["id"], _turn_right())
    assert answers[-1]["reason"]["code"] == "challenge_wrong_move"
    refused = _enrol_with(client, world, wrong["id"], photo())
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "challenge_not_passed"


def test_a_still_photo_never_passes_a_turn_and_then_times_out(client, world: World, app) -> None:
    clock = _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    issued = _issue(client, world).json()
    answers = _play(client, world, clock, issued["id"], _still())
    assert {a["status"] for a in answers} == {"pending"}
    clock.now += 15.0
    late = _frame(client, world, issued["id"], _still()[0])
    assert late.json()["status"] == "failed"
    assert late.json()["reason"]["code"] == "challenge_timed_out"
    assert _enrol_with(client, world, issued["id"], photo()).status_code == 409


@pytest.mark.parametrize("kind", [ChallengeKind.TURN_LEFT, ChallengeKind.TURN_RIGHT])
def test_a_photo_moved_tilted_and_scaled_as_a_whole_cannot_turn_its_head(
    client, world: World, app, kind: ChallengeKind
) -> None:
    clock = _registry(app, kind)
    _ready(client, world)
    issued = _issue(client, world).json()
    answers = _play(client, world, clock, issued["id"], _moved_photo())
    assert {a["status"] for a in answers} == {"pending"}


def test_self_enrolment_needs_a_challenge_and_staff_enrolment_records_none_was_asked(
    client, world: World, app
) -> None:
    _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    refused = _enrol_with(client, world, "", photo())  # no challenge named
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "challenge_required"
    assert "动作验证" in refused.json()["error"]["message"]
    assert not [e for e in _audit(client, world) if e["action"] == "enrol"]

    by_staff = enrol(client, world, world.a.resident_id, photo(), who="community_staff")
    assert by_staff.status_code == 201, by_staff.text
    entry = next(e for e in _audit(client, world) if e["action"] == "enrol")
    assert "not_asked" in str(entry)


def test_a_challenge_is_bound_to_its_person_caller_and_community(client, world: World, app) -> None:
    clock = _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    mine = _issue(client, world).json()["id"]
    # the office in the same community cannot use the resident's challenge, nor can community B
    assert _frame(client, world, mine, _still()[0], who="community_staff").status_code == 404
    assert _enrol_with(client, world, mine, photo(), who="community_staff").status_code == 404
    foreign = _frame(
        client, world, mine, _still()[0], who="staff_b", community=world.b.community_id
    )
    assert foreign.status_code in (403, 404)
    # a challenge the office passed while helping is the office's, not the resident's
    staff = _issue(client, world, who="community_staff").json()["id"]
    assert (
        _play(client, world, clock, staff, _turn_left(), who="community_staff")[-1]["status"]
        == "passed"
    )
    assert _enrol_with(client, world, staff, photo()).status_code == 404
    unknown = _frame(client, world, "no-such-challenge", _still()[0])
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "challenge_unknown"


def test_a_challenge_expires_after_two_minutes(client, world: World, app) -> None:
    clock = _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    issued = _issue(client, world).json()
    assert _play(client, world, clock, issued["id"], _turn_left())[-1]["status"] == "passed"
    clock.now += 121
    expired = _enrol_with(client, world, issued["id"], photo())
    assert expired.status_code == 410, expired.text
    assert expired.json()["error"]["code"] == "challenge_expired"


def test_bad_frames_get_a_clear_4xx_and_the_challenge_goes_on(client, world: World, app) -> None:
    from .test_enrolment import no_face, png_bomb, two_faces

    clock = _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    issued = _issue(client, world).json()
    for image, code in [
        (b"not a picture", "image_corrupt"),
        (png_bomb(), "image_too_large"),
        (no_face(), "no_face"),
        (two_faces(), "several_faces"),
    ]:
        clock.now += 0.2
        response = _frame(client, world, issued["id"], image)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        reason = error["details"]["reasons"][0]
        assert reason["code"] == code
        # the refusal says the frame's own reason, not a general "frame refused"
        assert error["message"] == reason["zh"] and reason["en"] and reason["en"] != reason["zh"]
    assert _play(client, world, clock, issued["id"], _turn_left())[-1]["status"] == "passed"


def test_no_challenge_without_consent(client, world: World, app) -> None:
    _registry(app, ChallengeKind.TURN_LEFT)
    publish(client, world)
    response = _issue(client, world)
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "consent_required"


def test_a_full_registry_refuses_politely(client, world: World, app) -> None:
    app.state.enrolment_challenges = EnrolmentChallenges(capacity=1)
    _ready(client, world)
    assert _issue(client, world).status_code == 201
    assert _issue(client, world).status_code == 201  # replaces the caller's own open one
    busy = _issue(client, world, who="community_staff")
    assert busy.status_code == 503
    assert busy.json()["error"]["code"] == "challenges_busy"


def test_photos_of_another_face_than_the_one_that_moved_are_refused(
    client, world: World, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No second real identity may be shipped (see tests/data/README.md), so after the movement
    the comparison alone is made to score the photos as another person."""
    clock = _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    issued = _issue(client, world).json()
    assert _play(client, world, clock, issued["id"], _turn_left())[-1]["status"] == "passed"
    monkeypatch.setattr(enrolment, "same_person_score", lambda a, b: 0.1)
    refused = _enrol_with(client, world, issued["id"], photo())
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "challenge_face_mismatch"
    assert not [e for e in _audit(client, world) if e["action"] == "enrol"]


def test_the_same_face_flipped_still_matches_the_face_that_moved(client, world: World, app) -> None:
    """The other side of the comparison above: the real score, the real threshold."""
    clock = _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    issued = _issue(client, world).json()
    assert _play(client, world, clock, issued["id"], _turn_left())[-1]["status"] == "passed"
    flipped = jpeg(cv2.flip(cv2.imdecode(np.frombuffer(photo(), np.uint8), cv2.IMREAD_COLOR), 1))
    assert _enrol_with(client, world, issued["id"], flipped).status_code == 201


def test_frames_the_passive_check_calls_an_attack_fail_the_challenge(
    client, world: World, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    from menwei.vision.liveness import LivenessOutcome, LivenessReason, LivenessResult

    faces, _ = enrolment._build_engine()

    class SaysAttack:
        def assess(self, image, face):  # type: ignore[no-untyped-def]
            return LivenessResult(LivenessOutcome.FAIL, LivenessReason.PRESENTATION_ATTACK, "frame")

    monkeypatch.setattr(enrolment, "_idle", [])
    monkeypatch.setattr(
        enrolment, "_build_engine", lambda: enrolment.PooledEngine(faces, SaysAttack())
    )
    clock = _registry(app, ChallengeKind.TURN_LEFT)
    _ready(client, world)
    issued = _issue(client, world).json()
    answers = _play(client, world, clock, issued["id"], _turn_left())
    assert [a["status"] for a in answers] == ["pending", "failed"]
    assert answers[-1]["reason"]["code"] == "presentation_attack"


class _Posed:
    """An engine whose detector reports the next synthetic head pose for every frame."""

    def __init__(self, yaws: list[float]) -> None:
        from menwei.vision.detect import Face

        from ..vision.test_liveness_geometry import head_landmarks

        self.faces = [
            Face((200.0, 120.0, 240.0, 280.0), head_landmarks(yaw).astype(np.float32), 0.9)
            for yaw in yaws
        ]

    def detect(self, image):  # type: ignore[no-untyped-def]
        return [self.faces.pop(0)]

    def embed(self, image, face):  # type: ignore[no-untyped-def]
        return np.eye(128, dtype=np.float32)[0]

    def assess(self, image, face):  # type: ignore[no-untyped-def]
        from menwei.vision.liveness import LivenessOutcome, LivenessReason, LivenessResult

        return LivenessResult(LivenessOutcome.PASS, LivenessReason.LIVE_TEXTURE, "frame")


@pytest.mark.parametrize(
    ("kind", "turn_to", "status"),
    [
        (ChallengeKind.TURN_LEFT, 30.0, "passed"),  # the person's own left: nose to picture right
        (ChallengeKind.TURN_LEFT, -30.0, "failed"),
        (ChallengeKind.TURN_RIGHT, -30.0, "passed"),
        (ChallengeKind.TURN_RIGHT, 30.0, "failed"),
    ],
)
def test_synthetic_head_poses_are_read_as_an_unmirrored_camera_sees_them(
    client,
    world: World,
    app,
    monkeypatch: pytest.MonkeyPatch,
    kind: ChallengeKind,
    turn_to: float,
    status: str,
) -> None:
    from .test_enrolment import no_face

    yaws = [0.0, 0.0, 0.0] + [float(y) for y in np.linspace(0, turn_to, 8)[1:]]
    posed = _Posed(yaws)
    monkeypatch.setattr(enrolment, "_idle", [])
    monkeypatch.setattr(enrolment, "_build_engine", lambda: (posed, posed))
    clock = _registry(app, kind)
    _ready(client, world)
    issued = _issue(client, world).json()
    answers = _play(client, world, clock, issued["id"], [no_face()] * len(yaws))
    assert answers[-1]["status"] == status, answers


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def test_the_template_takes_the_live_frames_that_agree_with_the_photos_and_no_others() -> None:
    rng = np.random.default_rng(7)
    face = _unit(rng.normal(size=128))
    photos = [_unit(face + 0.2 * _unit(rng.normal(size=128))) for _ in range(2)]
    same = [_unit(face + 0.3 * _unit(rng.normal(size=128))) for _ in range(4)]
    other = _unit(rng.normal(size=128))

    seen = SimpleNamespace(reference=[same[0], other, *same[1:]])

    kept = enrolment._live_frames(photos, seen)  # type: ignore[arg-type]
    assert len(kept) == 3  # five in a template at most: two photos and three frames
    assert all(float(k @ other) < 0.5 for k in kept)
    assert all(np.allclose(k, s) for k, s in zip(kept, same, strict=False))
    assert enrolment._live_frames(photos * 3, seen) == []  # no room left
