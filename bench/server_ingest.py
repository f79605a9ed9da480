"""Event ingestion per second through the API, as gates upload: batches of 1 and of 100.

The server runs as ``menwei serve`` in its own process on loopback; one client uploads
sequentially over a kept-alive connection, like a gate draining its outbox. Every event has a
fresh idempotency key, so each one is really stored.

    .venv/bin/python bench/server_ingest.py [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from server_common import BenchWorld, database, running_server, seed


def _batch(world: BenchWorld, start: int, size: int, run: str) -> dict[str, object]:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    return {
        "events": [
            {
                "idempotency_key": f"{run}:{n:010d}",
                "door_id": str(world.door_id),
                "occurred_at": (t0 + timedelta(milliseconds=n)).isoformat(),
                "direction": "in",
                "credential_kind": "card",
                "outcome": "allow" if n % 5 else "deny",
                "reason_code": "granted" if n % 5 else "expired",
            }
            for n in range(start, start + size)
        ]
    }


def measure(base: str, world: BenchWorld, batch_size: int, events: int) -> float:
    run = uuid.uuid4().hex[:12]
    headers = {"Authorization": f"Bearer {world.device_token}"}
    batches = [_batch(world, n, batch_size, run) for n in range(0, events, batch_size)]
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        client.post("/api/v1/device/events", json=_batch(world, 0, 1, "warm-" + run))
        started = time.perf_counter()
        stored = 0
        for batch in batches:
            response = client.post("/api/v1/device/events", json=batch)
            response.raise_for_status()
            stored += response.json()["stored"]
        elapsed = time.perf_counter() - started
    assert stored == events, (stored, events)
    return events / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="PostgreSQL server URL; default: SQLite")
    parser.add_argument("--events-1", type=int, default=2_000)
    parser.add_argument("--events-100", type=int, default=30_000)
    args = parser.parse_args()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    with database(args.postgres) as url:
        world = seed(url, people=10)
        with running_server(url) as server:
            one = measure(server.base, world, 1, args.events_1)
            hundred = measure(server.base, world, 100, args.events_100)
    print(f"{backend}: batches of 1: {one:,.0f} events/s ({args.events_1} events)")
    print(f"{backend}: batches of 100: {hundred:,.0f} events/s ({args.events_100} events)")


if __name__ == "__main__":
    main()
