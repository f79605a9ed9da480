"""Frame to door decision at the gate, on one core, with 10,000 enrolled templates.

    .venv/bin/python bench/gate_decision.py [--frames 120] [--templates 10000] [--peer-frames 40]

The replay is a resident approaching the door: webcam frames (640×480) of one NUAA subject,
each cropped tighter than the last and scaled back to 640×480, so the face grows as it would
when someone walks up. The resident is enrolled from another frame of the same session. The
gallery holds their template plus distractors: real SFace templates of LFW faces (``--lfw``,
when ../shared/data/lfw is present) topped up with random unit vectors to ``--templates``
(search cost does not depend on what the vectors are; the recognition claim rests on the
real resident being granted and is checked here).

Each frame runs the whole per-frame path of ``GatePipeline.process_frame``: YuNet detection,
tracking, quality, the frame liveness check, SFace embedding, the track's evidence, exact
search of the gallery, ``core.decide``, the door pulse (simulated) and the event into the
SQLite outbox with its fsync. The tracker is reset before every frame, so a frame decides only
on the track rule's single-frame path (a clear match); "after" times those frames, "before"
the same frames with the QR scan ahead of the face on every third frame, as it used to run.
The frames are then replayed as approaches of 6 frames (tracker kept) to time the track rule,
with and without its single-frame path. The same frames go through face_recognition (dlib
HOG + ResNet encoder, the distance to 10,000 encodings, threshold 0.6) in the same process.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import cv2
import numpy as np

from gate_world import SINCE, one_resident_gate
from menwei.core import (
    AccessState,
    CredentialKind,
    Door,
    FaceCredential,
)
from menwei.gate.credentials import QrReader
from menwei.gate.doors import DoorController, SimulatedDoor
from menwei.gate.liveness import TrackLiveness
from menwei.gate.outbox import Outbox
from menwei.gate.pipeline import GatePipeline, StateHolder
from menwei.gate.sources import Frame
from menwei.gate.tracker import FaceTracker
from menwei.vision.detect import FaceDetector
from menwei.vision.engine import FaceEngine
from menwei.vision.gallery import Gallery

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NUAA = DATA / "nuaa" / "live" / "0001"
LFW = DATA / "lfw" / "images"
RESIDENT = uuid.UUID(int=101)


def approach(frames: list[np.ndarray], count: int) -> list[np.ndarray]:
    """``count`` frames of a face growing from 60 % to 100 % of a tight crop's share."""
    out = []
    for i in range(count):
        image = frames[i % len(frames)]
        h, w = image.shape[:2]
        zoom = 1.0 + 0.6 * i / max(1, count - 1)  # 1.0 → 1.6: the person comes closer
        ch, cw = int(h / zoom), int(w / zoom)
        y, x = (h - ch) // 2, (w - cw) // 2
        out.append(cv2.resize(image[y : y + ch, x : x + cw], (w, h)))
    return out


def world() -> tuple[Door, AccessState]:
    face = FaceCredential(
        id=RESIDENT, person_id=RESIDENT, template_ref="t", consent_id=RESIDENT, validity=SINCE
    )
    return one_resident_gate(
        RESIDENT,
        name="张三",
        accepts=frozenset({CredentialKind.FACE, CredentialKind.CARD}),
        confident=0.45,
        faces=[face],
    )


def fill(real: list[np.ndarray], total: int, dim: int = 128) -> np.ndarray:
    rng = np.random.default_rng(0)
    extra = rng.standard_normal((max(0, total - len(real)), dim)).astype(np.float32)
    extra /= np.linalg.norm(extra, axis=1, keepdims=True)
    return np.vstack([*(r[None, :] for r in real), extra]) if real else extra


def percentiles(samples: list[float]) -> str:
    p50, p95 = np.percentile(samples, [50, 95])
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={len(samples)})"


def ours(frames, templates: int, lfw: int, steps: FaceEngine, enrol: np.ndarray) -> list[float]:
    real = []
    for path in sorted(LFW.glob("*/*.jpg"))[:lfw] if LFW.is_dir() else []:
        image = cv2.imread(str(path))
        faces = steps.detect(image)
        if faces:
            real.append(steps.embed(image, faces[0]))
    gallery = Gallery(capacity=templates)
    found = steps.detect(enrol)
    gallery.add(RESIDENT, steps.embed(enrol, found[0]))
    others = fill(real, templates - 1)
    gallery.add_many((f"d{i}", v) for i, v in enumerate(others))
    print(f"gallery: {len(gallery):,} templates ({len(real)} real LFW distractors)")
    door, state = world()
    with tempfile.TemporaryDirectory() as tmp:
        outbox = Outbox(Path(tmp) / "outbox.db")
        pipeline = GatePipeline(
            holder=StateHolder(door, state),
            faces=steps,
            gallery=gallery,
            door=DoorController(SimulatedDoor(), pulse_s=0.01),
            outbox=outbox,
            qr_reader=QrReader(),
            liveness=TrackLiveness(aligner=steps.align),
        )
        before, after, granted, decided = [], [], 0, 0
        for index, image in enumerate(frames):
            # before: the QR scan ran ahead of the face on every third frame
            pipeline.tracker = FaceTracker()
            start = time.perf_counter()
            if index % 3 == 2:
                pipeline.qr_reader.scan(image)  # type: ignore[union-attr]
            pipeline.process_frame(Frame(image, time.monotonic(), index))
            before.append((time.perf_counter() - start) * 1000)
            # after: the scan runs only on a frame that decided no face
            pipeline.tracker = FaceTracker()
            frame = Frame(image, time.monotonic(), index)
            start = time.perf_counter()
            outcomes = pipeline.process_frame(frame)
            elapsed = (time.perf_counter() - start) * 1000
            if outcomes:
                after.append(elapsed)
                decided += 1
                granted += sum(o.allowed for o in outcomes)
        print(
            f"menwei: {decided}/{len(frames)} single frames decided at once (clear match), "
            f"{granted} granted the resident"
        )
        print(f"menwei before (QR scan ahead of the face), one core: {percentiles(before[3:])}")
        approaches_of(pipeline, frames)
        outbox.close()
    return after[3:]


def approaches_of(pipeline: GatePipeline, frames: list[np.ndarray], size: int = 6) -> None:
    """The same frames as approaches of ``size`` frames 0.1 s apart, tracker kept: the track rule.

    Reports how many frames each approach took to decide and its time to decision (the sum of
    its frames' processing times); the single-frame path is turned off in a second pass so the
    fused path is measured too.
    """
    from menwei.gate.evidence import TrackRule

    for label, rule in (("track rule", TrackRule()), ("fused only", TrackRule(strict_margin=9.0))):
        pipeline.rule = rule
        counts, totals, granted = [], [], 0
        for first in range(0, len(frames) - size + 1, size):
            pipeline.tracker = FaceTracker()
            clock, spent = 1000.0 * (first + 1), 0.0
            pipeline._clock = lambda: clock  # noqa: B023
            for offset, image in enumerate(frames[first : first + size]):
                clock += 0.1
                start = time.perf_counter()
                outcomes = pipeline.process_frame(Frame(image, clock, offset))
                spent += (time.perf_counter() - start) * 1000
                if outcomes:
                    counts.append(offset + 1)
                    totals.append(spent)
                    granted += sum(o.allowed for o in outcomes)
                    break
        pipeline._clock = time.monotonic
        n = len(frames) // size
        print(
            f"menwei approaches ({label}): {granted}/{n} granted, frames to decide "
            f"median {np.median(counts) if counts else float('nan'):.0f}, time to decision "
            f"{percentiles(totals) if totals else 'none'}"
        )
    pipeline.rule = TrackRule()


def stages(frames, steps: FaceEngine, gallery_size: int) -> None:
    """Median per stage over the same frames, to show where the time goes."""
    from menwei.vision.quality import GATE, assess

    qr = QrReader()
    check = TrackLiveness(aligner=steps.align)
    gallery = Gallery(capacity=gallery_size)
    gallery.add_many((f"d{i}", v) for i, v in enumerate(fill([], gallery_size)))
    timings: dict[str, list[float]] = {
        k: [] for k in ("qr scan", "detect", "quality", "liveness", "embed", "search")
    }
    for image in frames:
        marks = [time.perf_counter()]
        qr.scan(image)
        marks.append(time.perf_counter())
        faces = steps.detect(image)
        marks.append(time.perf_counter())
        assess(image, faces[:1], GATE)
        marks.append(time.perf_counter())
        check.check(0, image, faces[0])
        marks.append(time.perf_counter())
        vector = steps.embed(image, faces[0])
        marks.append(time.perf_counter())
        gallery.search(vector, 1)
        marks.append(time.perf_counter())
        for bucket, a, b in zip(timings.values(), marks, marks[1:], strict=False):
            bucket.append((b - a) * 1000)
    print("stage medians: " + ", ".join(f"{k} {np.median(v):.1f} ms" for k, v in timings.items()))


def peer(frames, templates: int, enrol: np.ndarray) -> list[float]:
    import face_recognition

    rgb = cv2.cvtColor(enrol, cv2.COLOR_BGR2RGB)
    known = face_recognition.face_encodings(rgb, face_recognition.face_locations(rgb))[0]
    rng = np.random.default_rng(1)
    others = rng.normal(0, 0.09, (templates - 1, 128))
    encodings = np.vstack([known[None, :], others])
    samples, granted = [], 0
    for image in frames:
        start = time.perf_counter()
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        locations = face_recognition.face_locations(rgb)
        for encoding in face_recognition.face_encodings(rgb, locations):
            distances = np.linalg.norm(encodings - encoding, axis=1)
            best = int(np.argmin(distances))
            granted += best == 0 and distances[best] <= 0.6
        samples.append((time.perf_counter() - start) * 1000)
    print(f"face_recognition: {granted}/{len(frames)} frames granted the resident")
    return samples[3:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--peer-frames", type=int, default=40)
    parser.add_argument("--templates", type=int, default=10_000)
    parser.add_argument("--lfw", type=int, default=1_000)
    parser.add_argument("--detect-max-side", type=int, default=640)
    parser.add_argument("--refine-under-eye", type=float, default=None)
    args = parser.parse_args()
    if not NUAA.is_dir():
        raise SystemExit(f"{NUAA} is absent: this benchmark needs ../shared/data/nuaa")
    logging.disable(logging.INFO)
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cv2.setNumThreads(1)
    paths = sorted(NUAA.glob("*.jpg"))
    enrol = cv2.imread(str(paths[0]))
    frames = approach([cv2.imread(str(p)) for p in paths[10:40]], args.frames)
    detector = FaceDetector(max_side=args.detect_max_side, refine_under_eye=args.refine_under_eye)
    steps = FaceEngine(detector=detector)
    print(
        f"detection on frames scaled to {args.detect_max_side} px, native refine for eyes under "
        f"{args.refine_under_eye or 'any'} px; QR scan every 3rd frame"
    )
    stages(frames[:30], steps, args.templates)
    mine = ours(frames, args.templates, args.lfw, steps, enrol)
    print(f"menwei after, frame to decision, one core: {percentiles(mine)}")
    theirs = peer(frames[: args.peer_frames], args.templates, enrol)
    print(f"face_recognition frame to decision, one core: {percentiles(theirs)}")
    ratio = np.percentile(theirs, 50) / np.percentile(mine, 50)
    print(f"face_recognition p50 / menwei p50 = {ratio:.1f}")


if __name__ == "__main__":
    main()
