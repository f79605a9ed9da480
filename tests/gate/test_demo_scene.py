"""The simulated gate's scene, through the real pipeline, models and passive liveness check:
recognised, refused as a stranger, a printed photo caught, tailgating counted, the grey zone
completed by a card."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from menwei.core import AccessPolicy, FacePolicy
from menwei.gate.demo import DemoGate, DemoGateConfig, DemoScene
from menwei.gate.doors import DoorController, SimulatedDoor
from menwei.gate.liveness import TrackLiveness
from menwei.gate.outbox import Outbox
from menwei.gate.pipeline import GatePipeline, StateHolder
from menwei.gate.tailgating import TailgatingWatch
from menwei.vision import synthetic
from menwei.vision.engine import FaceEngine
from menwei.vision.gallery import Gallery
from menwei.vision.templates import build_template
from menwei.vision.thresholds import default_thresholds

from .world import NOW, ZHANG, make_world


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def pause(self, seconds: float) -> bool:
        self.now += seconds
        return False


def test_one_round_of_the_scene_tells_each_part_of_the_story(tmp_path: Path) -> None:
    world = make_world()
    shipped = default_thresholds()  # the demo server's thresholds, which its gates receive
    face = FacePolicy(confident=shipped.confident, possible=shipped.possible)
    state = replace(world.state, policy=AccessPolicy(face=face))
    steps = FaceEngine()
    gallery = Gallery()
    looks = (synthetic.Look(1.2, 0.5), synthetic.Look(1.15, 0.5))  # as the demo enrols them
    vectors = []
    for look in looks:
        image = synthetic.frame(look)
        vectors.append(steps.embed(image, steps.detect(image)[0]))
    gallery.add(ZHANG, build_template(vectors))
    clock = Clock()
    outbox = Outbox(tmp_path / "outbox.db")
    relay = SimulatedDoor()
    pipeline = GatePipeline(
        holder=StateHolder(world.door, state),
        faces=steps,
        gallery=gallery,
        door=DoorController(relay, pulse_s=3, clock=clock),
        outbox=outbox,
        tailgating=TailgatingWatch(),
        liveness=TrackLiveness("passive", aligner=steps.align),
        clock=clock,
        wall_clock=lambda: NOW,
    )
    gate = DemoGate(DemoGateConfig(server="", token="", data_dir=tmp_path))
    gate.clock, gate.pause = clock, clock.pause

    gate._play(pipeline, DemoScene(resident_card="0012345678", guest_pass="not-a-pass"))

    events = [(e.kind, e.body) for e in outbox.pending(1000)]
    reasons = [body["reason_code"] for _, body in events]
    faces = [b for k, b in events if k == "passage" and b["credential_kind"] == "face"]
    assert faces[0]["outcome"] == "allow" and faces[0]["person_id"] == str(ZHANG)
    assert "unknown_face" in reasons  # the stranger
    assert "liveness_failed" in reasons  # the printed photo
    assert [k for k, _ in events].count("tailgating") == 1
    assert "step_up_required" in reasons
    step_up = reasons.index("step_up_required")
    completed = events[step_up + 1][1]
    assert completed["outcome"] == "allow" and completed["credential_kind"] in ("card", "face")
    assert all("score" not in body for _, body in events)
    assert np.isfinite(clock.now)
