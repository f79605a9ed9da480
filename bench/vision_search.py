"""1:N search latency at 1k / 10k / 100k / 1M templates on one core, and the 1M gallery's memory.

    OMP_NUM_THREADS=1 .venv/bin/python bench/vision_search.py [--sizes 1000,10000,100000,1000000]

Exact search is menwei's NumPy ``Gallery`` (one float32 matrix-vector product + top-k).
The approximate index is ``AnnGallery`` (usearch HNSW, M=16, ef=128), searched with one thread
(built with all cores: building is a sync-time cost, not a per-passage one); its recall@1 is
measured against the exact answer. It is built only at ``--ann-sizes`` (100k by default: an
HNSW build of 1M templates takes tens of minutes on a shared 2-core machine). The peer,
face_recognition's ``face_distance`` (float64 Euclidean distance over the known encodings), is
timed at the same sizes up to 100k. Templates are
random unit vectors: search cost does not depend on what the vectors encode, and recall is the
harder case for random data than for real faces (no clusters).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from menwei.vision.gallery import AnnGallery, Gallery


def timed(function: Callable[[np.ndarray], object], probes: np.ndarray) -> np.ndarray:
    for probe in probes[:5]:
        function(probe)
    samples = np.empty(len(probes))
    for index, probe in enumerate(probes):
        start = time.perf_counter_ns()
        function(probe)
        samples[index] = (time.perf_counter_ns() - start) / 1e6
    return samples


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, 128), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def build_exact(size: int, seed: int) -> tuple[Gallery, int]:
    """The gallery filled in chunks, with the peak traced allocation while building it."""
    rng = np.random.default_rng(seed)
    tracemalloc.start()
    gallery = Gallery(capacity=size)
    for start in range(0, size, 100_000):
        chunk = unit(rng, min(100_000, size - start))
        gallery.add_many(zip(range(start, start + len(chunk)), chunk, strict=True))
        del chunk
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return gallery, peak


def fmt(samples: np.ndarray) -> str:
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    return f"{p50:.3f} | {p95:.3f} | {p99:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--ann-sizes", default="100000", help="sizes that also build HNSW")
    parser.add_argument("--ef", default="128", help="search-time expansion factors to try")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    ann_sizes = {int(size) for size in args.ann_sizes.split(",") if size}
    rng = np.random.default_rng(1)
    print("| templates | backend | p50 ms | p95 ms | p99 ms | notes |")
    print("|---|---|---|---|---|---|")
    for size in sizes:
        gallery, peak = build_exact(size, seed=size)
        probes = gallery._matrix[rng.integers(0, size, args.probes)] + 0.5 * unit(rng, args.probes)
        exact = timed(lambda p, g=gallery: g.search(p, 5), probes)
        note = f"matrix {gallery.nbytes / 2**20:.0f} MiB, peak traced {peak / 2**20:.0f} MiB"
        print(f"| {size:,} | exact (NumPy) | {fmt(exact)} | {note} |", flush=True)
        if size <= 100_000:
            known = gallery._matrix[: len(gallery)].astype(np.float64)
            from_peer = timed(lambda p, k=known: _peer_distance(k, p), probes[:100])
            print(f"| {size:,} | face_recognition face_distance | {fmt(from_peer)} | |")
            del known
        if size in ann_sizes:
            vectors = gallery._matrix[: len(gallery)].copy()
            start = time.perf_counter()
            ann = AnnGallery()
            ann._index.add(np.arange(size, dtype=np.uint64), vectors, threads=os.cpu_count())
            ann._keys = {i: i for i in range(size)}
            ann._ids = dict(ann._keys)
            ann._next_key = size
            built = time.perf_counter() - start
            truth = [gallery.search(p)[0].id for p in probes]
            for ef in (int(value) for value in args.ef.split(",")):
                ann._index.expansion_search = ef
                approx = timed(lambda p, a=ann: a.search(p, 5), probes)
                found = [ann.search(p)[0].id for p in probes]
                recall = np.mean([a == b for a, b in zip(found, truth, strict=True)])
                print(
                    f"| {size:,} | approximate (usearch HNSW, ef={ef}) | {fmt(approx)} | "
                    f"recall@1 {recall:.3f}, built in {built:.0f} s |",
                    flush=True,
                )
            del ann, vectors
        del gallery
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {maxrss:.0f} MiB")


def _peer_distance(known: np.ndarray, probe: np.ndarray) -> object:
    import face_recognition

    return face_recognition.face_distance(known, probe).argmin()


if __name__ == "__main__":
    main()
