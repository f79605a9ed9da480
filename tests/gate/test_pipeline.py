from __future__ import annotations

import uuid
from pathlib import Path

import cv2
import numpy as np
import pytest

from menwei.core import Presented, PresentedFace
from menwei.gate.credentials import PresentedCredential, QrReader
from menwei.gate.doors import DoorController, SimulatedDoor
from menwei.gate.evidence import TrackRule
from menwei.gate.liveness import LivenessVerdict, NotChecked
from menwei.gate.outbox import Outbox
from menwei.gate.pipeline import GatePipeline, StateHolder, mask_name
from menwei.gate.sources import Frame
from menwei.gate.tailgating import TailgatingWatch
from menwei.vision.detect import Face
from menwei.vision.engine import FaceEngine
from menwei.vision.gallery import Gallery
from menwei.vision.liveness import LivenessReason, LivenessResult

from .world import LI, NOW, ZHANG, make_world

NUAA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nuaa" / "live"


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return v / np.linalg.norm(v)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ScriptedFaces:
    """The seam for unit tests: faces and vectors chosen by the test, per frame."""

    def __init__(self) -> None:
        self.faces: list[Face] = []
        self.vectors: dict[tuple[float, ...], np.ndarray] = {}

    def detect(self, image: np.ndarray) -> list[Face]:
        return list(self.faces)

    def embed(self, image: np.ndarray, face: Face) -> np.ndarray:
        return self.vectors[face.box]


def _face(x: float, size: float = 160) -> Face:
    eye = size * 0.3
    marks = np.array(
        [
            [x + eye, 150 + size * 0.35],
            [x + size - eye, 150 + size * 0.35],
            [x + size / 2, 150 + size * 0.55],
            [x + eye * 1.1, 150 + size * 0.75],
            [x + size - eye * 1.1, 150 + size * 0.75],
        ],
        dtype=np.float32,
    )
    return Face((x, 150, size, size), marks, 0.95)


def _textured_frame() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(40, 220, size=(480, 640, 3), dtype=np.uint8)


class Rig:
    def __init__(self, tmp_path: Path, *, withdrawn=None, steps=None, liveness=None) -> None:
        world = make_world(withdrawn=withdrawn)
        self.clock = Clock()
        self.relay = SimulatedDoor()
        self.outbox = Outbox(tmp_path / "outbox.db")
        self.gallery = Gallery()
        self.faces = steps or ScriptedFaces()
        self.pipeline = GatePipeline(
            holder=StateHolder(world.door, world.state),
            faces=self.faces,
            gallery=self.gallery,
            door=DoorController(self.relay, pulse_s=3, clock=self.clock),
            outbox=self.outbox,
            tailgating=TailgatingWatch(window_s=5, min_hits=2),
            liveness=liveness,
            clock=self.clock,
            wall_clock=lambda: NOW,
        )
        self.index = 0

    def frame(self, image: np.ndarray) -> list:
        self.index += 1
        self.clock.now += 0.1
        return self.pipeline.process_frame(Frame(image, self.clock.now, self.index))

    def approach(self, image: np.ndarray, frames: int = 30) -> list:
        """The same frame until the track is decided (the time cap is 1 s, 10 frames)."""
        for _ in range(frames):
            outcomes = self.frame(image)
            if outcomes:
                return outcomes
        return []

    def events(self) -> list[tuple[str, dict]]:
        return [(e.kind, e.body) for e in self.outbox.pending(1000)]


def test_names_are_masked_to_the_family_name() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修") == "欧*"
    assert mask_name("") == ""


def test_an_enrolled_face_opens_the_door_once_per_approach(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.gallery.add(ZHANG, _unit(1))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = _unit(1)
    image = _textured_frame()
    outcomes = [o for _ in range(8) for o in rig.frame(image)]
    assert len(outcomes) == 1
    (outcome,) = outcomes
    assert outcome.allowed and outcome.masked_name == "张*" and outcome.via == "face"
    assert rig.relay.history == ["open"]
    ((kind, body),) = rig.events()
    assert kind == "passage"
    assert body["outcome"] == "allow" and body["person_id"] == str(ZHANG)
    assert body["liveness"] == "not_checked"
    assert not any("score" in key for key in body)


def test_an_unknown_face_is_refused_and_named_nowhere(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.gallery.add(ZHANG, _unit(1))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = _unit(99)
    (outcome,) = rig.approach(_textured_frame())
    assert not outcome.allowed and outcome.reason_code == "unknown_face"
    assert outcome.masked_name == ""
    assert rig.relay.history == []
    ((_, body),) = rig.events()
    assert body["person_id"] is None and body["reason_code"] == "unknown_face"


def test_a_withdrawn_face_is_refused_while_the_same_persons_card_works(tmp_path: Path) -> None:
    rig = Rig(tmp_path, withdrawn={ZHANG})
    rig.gallery.add(ZHANG, _unit(1))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = _unit(1)
    (outcome,) = rig.frame(_textured_frame())
    assert outcome.reason_code == "face_consent_withdrawn"
    card = rig.pipeline.present(PresentedCredential("card", "0012345678", rig.clock.now))
    assert card.allowed and card.via == "card"
    assert rig.relay.history == ["open"]


def test_a_blurry_frame_gives_a_hint_and_no_decision_yet(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.gallery.add(ZHANG, _unit(1))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = _unit(1)
    assert rig.frame(np.full((480, 640, 3), 128, dtype=np.uint8)) == []
    assert rig.pipeline.kiosk.hints_zh
    assert rig.events() == []
    (outcome,) = rig.frame(_textured_frame())
    assert outcome.allowed


def test_a_second_person_walking_through_on_one_face_is_tailgating(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.gallery.add(ZHANG, _unit(1))
    follower = _face(420, 120)
    rig.faces.vectors[_face(100).box] = _unit(1)
    rig.faces.vectors[follower.box] = _unit(55)
    image = _textured_frame()
    rig.faces.faces = [_face(100)]
    rig.frame(image)
    rig.faces.faces = [_face(100), follower]
    for _ in range(5):
        rig.frame(image)
    rig.faces.faces = []
    rig.clock.now += 10
    rig.frame(image)
    kinds = [kind for kind, _ in rig.events()]
    assert "tailgating" in kinds
    body = next(b for k, b in rig.events() if k == "tailgating")
    assert (body["authorisations"], body["crossings"], body["alert"]) == (1, 2, True)


def test_a_grey_zone_face_is_completed_by_the_same_persons_card(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    holder = rig.pipeline.holder
    decision = holder.decide(Presented(face=PresentedFace(person_id=ZHANG, score=0.4)), NOW)
    assert decision.reason.value == "step_up_required"
    weak = _unit(1) * 0.4 + _unit(2) * 0.9
    weak /= np.linalg.norm(weak)
    rig.gallery.add(ZHANG, _unit(1))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = weak
    (outcome,) = rig.approach(_textured_frame())
    assert outcome.reason_code == "step_up_required"
    card = rig.pipeline.present(PresentedCredential("card", "0012345678", rig.clock.now))
    assert card.allowed
    assert rig.events()[-1][1]["liveness"] == "not_checked"


def test_a_presentation_attack_is_refused_and_recorded(tmp_path: Path) -> None:
    class AlwaysAttack(NotChecked):
        def check(self, track_id, image, face):
            return LivenessResult(LivenessVerdict.FAIL, LivenessReason.PRESENTATION_ATTACK, "frame")

    rig = Rig(tmp_path, liveness=AlwaysAttack())
    rig.gallery.add(ZHANG, _unit(1))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = _unit(1)
    (outcome,) = rig.frame(_textured_frame())
    assert not outcome.allowed and outcome.reason_code == "liveness_failed"
    assert rig.relay.history == []
    assert rig.events()[0][1]["liveness"] == "fail"


def test_a_dropped_template_no_longer_matches(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.pipeline.replace_template(LI, _unit(7))
    rig.pipeline.replace_template(LI, None)
    rig.pipeline.replace_template(uuid.UUID(int=999), None)
    assert LI not in rig.gallery


def test_a_qr_pass_held_to_the_camera_opens_the_door_without_a_face(tmp_path: Path) -> None:
    import io
    from dataclasses import replace as dc_replace
    from datetime import timedelta

    import segno

    from menwei.core import PassIssuer, QrPass, Validity, sign_qr_pass

    from .world import SINCE

    rig = Rig(tmp_path)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    holder = rig.pipeline.holder
    holder.state = dc_replace(holder.state, qr_keys={0: key.public_key()})
    qr_pass = QrPass(
        id=uuid.UUID(int=555),
        holder_id=LI,
        issued_by=ZHANG,
        issuer_kind=PassIssuer.RESIDENT,
        door_ids=frozenset({holder.door.id}),
        validity=Validity(valid_from=SINCE, valid_until=NOW + timedelta(hours=2)),
        max_uses=1,
    )
    buffer = io.BytesIO()
    segno.make_qr(sign_qr_pass(qr_pass, key), error="m").save(buffer, kind="png", scale=5)
    code = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    image = np.full((480, 640, 3), 230, dtype=np.uint8)
    image[20 : 20 + code.shape[0], 20 : 20 + code.shape[1]] = code
    rig.pipeline.qr_reader = QrReader(clock=rig.clock)
    outcomes = [o for _ in range(3) for o in rig.frame(image)]
    assert [(o.allowed, o.via) for o in outcomes] == [(True, "qr")]
    assert rig.events()[0][1]["credential_kind"] == "qr"
    rig.clock.now += 5
    again = [o for _ in range(3) for o in rig.frame(image)]
    assert [(o.allowed, o.reason_code) for o in again] == [(False, "qr_used_up")]


def _nuaa(subject: str) -> list[np.ndarray]:
    folder = NUAA / subject
    return [cv2.imread(str(p)) for p in sorted(folder.glob("*.jpg"))[:12]]


@pytest.mark.skipif(not NUAA.is_dir(), reason="evaluation data ../shared/data/nuaa is absent")
def test_real_models_open_for_the_enrolled_resident_and_not_for_a_stranger(
    tmp_path: Path,
) -> None:
    steps = FaceEngine()
    rig = Rig(tmp_path, steps=steps)
    resident = _nuaa("0001")
    enrol = resident[0]
    (face,) = steps.detect(enrol)[:1]
    rig.gallery.add(ZHANG, steps.embed(enrol, face))
    outcomes = [o for image in resident[6:] for o in rig.frame(image)]
    assert outcomes and outcomes[0].allowed and outcomes[0].masked_name == "张*"
    rig.clock.now += 60
    rig.frame(np.zeros((480, 640, 3), dtype=np.uint8))
    rig.clock.now += 60
    stranger = [o for image in (_nuaa("0005") * 3)[:25] for o in rig.frame(image)]
    assert stranger and not any(o.allowed for o in stranger)


def _enrolled_rig(tmp_path: Path, *, rule: TrackRule | None = None, liveness=None) -> Rig:
    steps = FaceEngine()
    rig = Rig(tmp_path, steps=steps, liveness=liveness)
    if rule is not None:
        rig.pipeline.rule = rule
    enrol = _nuaa("0001")[0]
    rig.gallery.add(ZHANG, steps.embed(enrol, steps.detect(enrol)[0]))
    return rig


def _until_decided(rig: Rig, images: list[np.ndarray]) -> tuple[int, list]:
    for count, image in enumerate(images, start=1):
        outcomes = rig.frame(image)
        if outcomes:
            return count, outcomes
    return len(images), []


@pytest.mark.skipif(not NUAA.is_dir(), reason="evaluation data ../shared/data/nuaa is absent")
def test_a_residents_track_is_granted_on_its_fused_frames(tmp_path: Path) -> None:
    from menwei.gate.liveness import TrackLiveness

    no_single_frame = TrackRule(strict_margin=1.0)
    rig = _enrolled_rig(tmp_path, rule=no_single_frame)
    rig.pipeline.liveness = TrackLiveness(aligner=rig.faces.align)
    frames, outcomes = _until_decided(rig, _nuaa("0001")[6:12])
    assert frames == no_single_frame.min_frames
    assert [(o.allowed, o.masked_name) for o in outcomes] == [(True, "张*")]
    assert rig.relay.history == ["open"]
    assert rig.events()[0][1]["liveness"] == "pass"


@pytest.mark.skipif(not NUAA.is_dir(), reason="evaluation data ../shared/data/nuaa is absent")
def test_a_track_mixing_a_strangers_frames_does_not_grant_the_resident(tmp_path: Path) -> None:
    from menwei.gate.tracker import FaceTracker

    rig = _enrolled_rig(tmp_path)
    rig.pipeline.tracker = FaceTracker(min_iou=0.0)  # the two faces stay one track
    resident, stranger = _nuaa("0001")[6:12], _nuaa("0005")[:6]
    mixed = [face for pair in zip(stranger, resident, strict=True) for face in pair] * 3
    frames, outcomes = _until_decided(rig, mixed)
    assert outcomes, "the time cap must end the approach with a decision"
    assert [(o.allowed, o.reason_code) for o in outcomes] == [(False, "unknown_face")]
    assert frames > rig.pipeline.rule.min_frames  # at the time cap, not on a frame
    assert rig.relay.history == []
    # the same resident frames alone, on a fresh track, are granted
    rig.clock.now += 60
    rig.frame(np.zeros((480, 640, 3), dtype=np.uint8))
    _, alone = _until_decided(rig, resident * 4)
    assert [o.allowed for o in alone] == [True]


@pytest.mark.skipif(not NUAA.is_dir(), reason="evaluation data ../shared/data/nuaa is absent")
def test_a_printed_photo_of_the_resident_is_refused_over_the_approach(tmp_path: Path) -> None:
    from menwei.gate.liveness import TrackLiveness

    rig = _enrolled_rig(tmp_path)
    rig.pipeline.liveness = TrackLiveness(aligner=rig.faces.align)
    spoof = NUAA.parent / "spoof" / "0001"
    photos = [cv2.imread(str(p)) for p in sorted(spoof.glob("*.jpg"))[:40:2]]
    frames, outcomes = _until_decided(rig, photos)
    assert [(o.allowed, o.reason_code) for o in outcomes] == [(False, "liveness_failed")]
    assert frames >= rig.pipeline.rule.min_frames  # not one frame: the approach's median
    assert rig.relay.history.count("open") == 0
    assert [b["liveness"] for _, b in rig.events()] == ["fail"]


def test_one_attack_looking_frame_stops_a_single_frame_grant(tmp_path: Path) -> None:
    class Margins(NotChecked):
        def __init__(self, margins: list[float]) -> None:
            self.margins, self.last = margins, None

        def check(self, track_id, image, face):
            self.last = self.margins.pop(0)
            outcome = LivenessVerdict.PASS if self.last >= 0 else LivenessVerdict.FAIL
            return LivenessResult(outcome, LivenessReason.LIVE_TEXTURE, "frame")

        def frame_margin(self):
            return self.last

    rig = Rig(tmp_path, liveness=Margins([-0.5, 0.8, 0.9, 0.7]))
    rig.gallery.add(ZHANG, _unit(1))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = _unit(1)  # a perfect match on every frame
    image = _textured_frame()
    assert rig.frame(image) == [] and rig.frame(image) == []
    (outcome,) = rig.frame(image)  # the third frame: median of (-0.5, 0.8, 0.9) passes
    assert outcome.allowed and rig.events()[0][1]["liveness"] == "pass"
    rig2 = Rig(tmp_path / "b", liveness=Margins([0.5, -0.4, -0.6, 0.9]))
    rig2.gallery.add(ZHANG, _unit(1))
    rig2.faces = rig.faces
    rig2.pipeline.faces = rig.faces
    (first,) = rig2.frame(image)  # a clear, live-looking first frame grants at once
    assert first.allowed


def test_an_active_door_asks_for_a_movement_and_decides_nothing_until_it_is_made(
    tmp_path: Path,
) -> None:
    from menwei.gate.liveness import TrackLiveness
    from menwei.vision.liveness import LivenessOutcome
    from menwei.vision.liveness.challenge import PROMPTS

    class LiveTexture:
        def assess(self, image, face, aligned=None):
            return LivenessResult(LivenessOutcome.PASS, LivenessReason.LIVE_TEXTURE, "frame")

    rig = Rig(tmp_path, liveness=TrackLiveness("active", frame=LiveTexture()))
    rig.gallery.add(ZHANG, _unit(1))
    rig.faces.faces = [_face(200)]
    rig.faces.vectors[_face(200).box] = _unit(1)
    image = _textured_frame()
    assert [o for _ in range(5) for o in rig.frame(image)] == []
    assert rig.pipeline.kiosk.hints_zh[0] in {zh for zh, _ in PROMPTS.values()}
    assert rig.events() == []
    card = rig.pipeline.present(PresentedCredential("card", "0012345678", rig.clock.now))
    assert card.allowed
