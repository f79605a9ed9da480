"""API latency (p50 / p99) at a steady 100 requests/s from a separate process on loopback.

The server runs as ``menwei serve`` in its own process (SQLite by default). This process sends
a paced, open-loop stream of authenticated reads (community, doors, a page of people, a page of
events, /me) at a fixed rate from a few threads, each on its own kept-alive connection, and
records every response time. Latency is counted from the moment a request was due, so a
stalled server cannot hide its stall by delaying the next request (no coordinated omission).

    .venv/bin/python bench/server_load.py [--rate 100] [--seconds 30] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx

from server_common import BenchWorld, cpu_seconds, database, running_server, seed


def _preload_events(base: str, world: BenchWorld, count: int) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    headers = {"Authorization": f"Bearer {world.device_token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for start in range(0, count, 100):
            client.post(
                "/api/v1/device/events",
                json={
                    "events": [
                        {
                            "idempotency_key": f"preload:{n:08d}",
                            "door_id": str(world.door_id),
                            "occurred_at": (t0 + timedelta(seconds=n)).isoformat(),
                            "direction": "in",
                            "credential_kind": "card",
                            "outcome": "allow",
                            "reason_code": "granted",
                        }
                        for n in range(start, start + 100)
                    ]
                },
            ).raise_for_status()


def run(base: str, world: BenchWorld, rate: float, seconds: float, threads: int) -> list[float]:
    community = f"/api/v1/communities/{world.community_id}"
    paths = [
        community,
        f"{community}/doors",
        f"{community}/people?limit=50",
        f"{community}/events?limit=50",
        "/api/v1/me",
    ]
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        headers = {"Authorization": f"Bearer {world.staff_token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            client.get("/api/v1/me")
            for n in range(index, total, threads):
                due = start + n / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                response = client.get(paths[n % len(paths)])
                took = time.perf_counter() - due
                with lock:
                    latencies.append(took)
                    if response.status_code != 200:
                        failures.append(response.status_code)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed: {sorted(set(failures))}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres", help="PostgreSQL server URL; default: SQLite")
    parser.add_argument(
        "--server-nice", type=int, default=0, help="niceness of the server process (root: < 0)"
    )
    args = parser.parse_args()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    with database(args.postgres) as url:
        world = seed(url, people=200)
        with running_server(url, niceness=args.server_nice) as server:
            _preload_events(server.base, world, 5_000)
            cpu_before = cpu_seconds(server.pid)
            latencies = run(server.base, world, args.rate, args.seconds, args.threads)
            cpu = cpu_seconds(server.pid) - cpu_before
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"{backend}: {len(ms)} requests at {args.rate:.0f}/s for {args.seconds:.0f} s: "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms; "
        f"server CPU {cpu * 1000 / len(ms):.1f} ms per request; "
        f"machine load average {os.getloadavg()[0]:.1f}; server niceness {args.server_nice}"
    )


if __name__ == "__main__":
    main()
