"""Gate outbox throughput and local-state start-up time.

Run: .venv/bin/python bench/gate_outbox.py [--events 50000] [--templates 10000]

Prints events/s written one at a time (each with its own fsync, as the gate does per
decision), events/s written in batches, events/s uploaded to an acknowledging in-process
server (batches of 500), and the time to open the sealed local state of N templates into
memory (what a gate pays at start-up: open, decrypt, fill the gallery), and the model load.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from menwei.gate.local_state import Change, LocalState, load_device_key
from menwei.gate.outbox import Outbox
from menwei.gate.records import build_snapshot
from menwei.vision.engine import FaceEngine
from menwei.vision.gallery import Gallery


def bench_outbox(folder: Path, events: int, single: int) -> None:
    outbox = Outbox(folder / "outbox.db")
    body = {"door": "east-gate", "reason": "granted", "via": "card", "person": "x" * 36}
    start = time.perf_counter()
    for _ in range(single):
        outbox.add("passage", body)
    elapsed = time.perf_counter() - start
    print(f"outbox add (one event per transaction): {single / elapsed:,.0f} events/s")

    start = time.perf_counter()
    for _ in range(0, events, 1000):
        outbox.add_many([("passage", body)] * 1000)
    elapsed = time.perf_counter() - start
    print(f"outbox add_many (1000 per transaction): {events / elapsed:,.0f} events/s")
    print(f"outbox holds {len(outbox):,} events, file {outbox.path.stat().st_size / 1e6:.1f} MB")

    total = len(outbox)
    start = time.perf_counter()
    removed = outbox.upload(lambda batch: [e.idempotency_key for e in batch], batch_size=500)
    elapsed = time.perf_counter() - start
    assert removed == total and len(outbox) == 0
    print(f"outbox upload+acknowledge (500 per batch): {total / elapsed:,.0f} events/s")
    outbox.close()


def bench_startup(folder: Path, templates: int) -> None:
    ring = load_device_key(folder / "device.key")
    state = LocalState(folder / "state.db", ring)
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((templates, 128)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    start = time.perf_counter()
    state.apply(
        [
            Change("template", str(uuid.UUID(int=i + 1)), 1, vectors[i].tobytes())
            for i in range(templates)
        ],
        "1",
    )
    print(
        f"local state: sealing and storing {templates:,} templates took "
        f"{time.perf_counter() - start:.2f} s"
    )
    state.close()

    start = time.perf_counter()
    ring = load_device_key(folder / "device.key")
    state = LocalState(folder / "state.db", ring)
    snapshot = build_snapshot(state.records())
    gallery = Gallery(capacity=len(snapshot.templates))
    gallery.add_many(snapshot.templates.items())
    elapsed = time.perf_counter() - start
    assert len(gallery) == templates
    print(
        f"local state start-up: {templates:,} templates opened into the in-memory gallery: "
        f"{elapsed * 1000:.0f} ms"
    )
    state.close()

    start = time.perf_counter()
    FaceEngine()
    print(
        "model start-up (YuNet + SFace, sha256 checked): "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--templates", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_outbox(Path(tmp), args.events, args.single)
        bench_startup(Path(tmp), args.templates)


if __name__ == "__main__":
    main()
