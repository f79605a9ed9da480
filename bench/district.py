"""A district on PostgreSQL, served by two ``menwei serve`` processes: what each part costs.

Builds ``--communities`` communities with ``--people`` residents each and one gate door each,
plus ``--events`` access events spread over the district and the last 90 days (bulk SQL, so the
tables have district size), then one measured community of ``--community-people`` residents
written through the store as the console writes them (so its change log is real). Two server
processes run on loopback over the same database, as behind the proxy in ``deploy/``. Measured:

- a gate's first full sync of the measured community (pages of 500 until done): time, and the
  server's time per person;
- incremental pulls with nothing new (the gate's normal interval), alternating between the two
  processes: p50 / p99 latency and server CPU per pull;
- event ingest sustained across both processes (one uploader per process, batches of 100);
- the community's event log (``GET …/events``, newest page) over the district-sized table,
  cold (first load) and warm: p50 / p95;
- the resident memory (RSS) of each server process at the end.

    .venv/bin/python bench/district.py \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test [--communities 500] \
        [--people 2000] [--events 1000000] [--community-people 2000]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from server_common import BenchWorld, cpu_seconds, database, running_server, seed


def _bulk_district(url: str, communities: int, people: int, events: int) -> float:
    """Fill the tables to district size with set-based SQL; returns the seconds it took."""
    started = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.begin() as db:
        processor = db.scalar(sa.text("SELECT id FROM processors LIMIT 1"))
        db.execute(
            sa.text(
                "INSERT INTO communities (id, processor_id, name, address, timezone, face_enabled,"
                " created_at) SELECT gen_random_uuid(), :p, '小区' || n, '', 'Asia/Shanghai',"
                " false, now() FROM generate_series(1, :n) AS n"
            ),
            {"p": processor, "n": communities},
        )
        db.execute(
            sa.text(
                "INSERT INTO doors (id, community_id, name, kind, direction, accepted_kinds,"
                " anti_passback, created_at) SELECT gen_random_uuid(), c.id, '大门', 'gate',"
                " 'both', '[\"card\", \"face\"]', 'off', now() FROM communities c"
                " WHERE c.name LIKE '小区%'"
            )
        )
        db.execute(
            sa.text(
                "INSERT INTO people (id, community_id, name, role, phone, created_at, updated_at)"
                " SELECT gen_random_uuid(), c.id, '居民' || n, 'owner', '', now(), now()"
                " FROM communities c CROSS JOIN generate_series(1, :n) AS n"
                " WHERE c.name LIKE '小区%'"
            ),
            {"n": people},
        )
        db.execute(
            sa.text(
                "WITH d AS (SELECT row_number() OVER () AS k, id, community_id FROM doors"
                " WHERE name = '大门' AND community_id IN"
                " (SELECT id FROM communities WHERE name LIKE '小区%'))"
                " INSERT INTO events (idempotency_key, community_id, door_id, occurred_at,"
                " direction, credential_kind, outcome, reason_code, received_at)"
                " SELECT 'bulk:' || n, d.community_id, d.id,"
                " now() - (n % 7776000) * interval '1 second', 'in', 'card',"
                " CASE WHEN n % 5 = 0 THEN 'deny' ELSE 'allow' END,"
                " CASE WHEN n % 5 = 0 THEN 'expired' ELSE 'granted' END, now()"
                " FROM generate_series(1, :n) AS n JOIN d ON d.k = 1 + n % :c"
            ),
            {"n": events, "c": communities},
        )
        db.execute(sa.text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _full_sync(base: str, world: BenchWorld) -> tuple[float, int, str]:
    headers = {"Authorization": f"Bearer {world.device_token}"}
    cursor, records = "0", 0
    started = time.perf_counter()
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        while True:
            page = client.get("/api/v1/device/changes", params={"cursor": cursor, "limit": 500})
            page.raise_for_status()
            body = page.json()
            records += len(body["changes"])
            cursor = body["cursor"]
            if not body["more"]:
                break
    return time.perf_counter() - started, records, cursor


def _pulls(servers: list, world: BenchWorld, cursor: str, count: int) -> tuple[list[float], float]:
    headers = {"Authorization": f"Bearer {world.device_token}"}
    clients = [httpx.Client(base_url=s.base, headers=headers, timeout=30) for s in servers]
    cpu_before = sum(cpu_seconds(s.pid) for s in servers)
    times: list[float] = []
    for n in range(count):
        started = time.perf_counter()
        clients[n % 2].get("/api/v1/device/changes", params={"cursor": cursor}).raise_for_status()
        times.append(time.perf_counter() - started)
    cpu = sum(cpu_seconds(s.pid) for s in servers) - cpu_before
    for client in clients:
        client.close()
    return times, cpu / count


def _ingest(servers: list, world: BenchWorld, per_process: int) -> float:
    headers = {"Authorization": f"Bearer {world.device_token}"}
    run = uuid.uuid4().hex[:10]
    t0 = datetime.now(UTC) - timedelta(hours=1)

    def upload(server_index: int) -> None:
        with httpx.Client(base_url=servers[server_index].base, headers=headers, timeout=60) as c:
            for start in range(0, per_process, 100):
                batch = [
                    {
                        "idempotency_key": f"{run}:{server_index}:{n}",
                        "door_id": str(world.door_id),
                        "occurred_at": (t0 + timedelta(milliseconds=n)).isoformat(),
                        "direction": "in",
                        "credential_kind": "card",
                        "outcome": "allow",
                        "reason_code": "granted",
                    }
                    for n in range(start, start + 100)
                ]
                c.post("/api/v1/device/events", json={"events": batch}).raise_for_status()

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return 2 * per_process / (time.perf_counter() - started)


def _event_page(base: str, world: BenchWorld, loads: int) -> tuple[float, list[float]]:
    headers = {"Authorization": f"Bearer {world.staff_token}"}
    path = f"/api/v1/communities/{world.community_id}/events"
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        started = time.perf_counter()
        client.get(path).raise_for_status()
        cold = time.perf_counter() - started
        warm = []
        for _ in range(loads):
            started = time.perf_counter()
            client.get(path).raise_for_status()
            warm.append(time.perf_counter() - started)
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", required=True, help="PostgreSQL server URL")
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument("--people", type=int, default=2000, help="residents per community")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--community-people", type=int, default=2000)
    parser.add_argument("--pulls", type=int, default=500)
    parser.add_argument("--ingest", type=int, default=10_000, help="events per process")
    args = parser.parse_args()
    with database(args.postgres) as url:
        started = time.perf_counter()
        world = seed(url, people=args.community_people)
        seeded = time.perf_counter() - started
        bulk = _bulk_district(url, args.communities, args.people, args.events)
        print(
            f"district: {args.communities} communities x {args.people} people, "
            f"{args.events:,} events (bulk {bulk:.0f} s); measured community "
            f"{args.community_people} people (store writes {seeded:.0f} s)"
        )
        with running_server(url) as one, running_server(url) as two:
            servers = [one, two]
            cpu0 = cpu_seconds(one.pid)
            elapsed, records, cursor = _full_sync(one.base, world)
            cpu = cpu_seconds(one.pid) - cpu0
            print(
                f"first full sync: {elapsed:.2f} s, {records} records, server CPU "
                f"{cpu:.2f} s = {1000 * cpu / args.community_people:.2f} ms per person"
            )
            times, cpu_per = _pulls(servers, world, cursor, args.pulls)
            print(
                f"incremental pull (nothing new, {args.pulls} pulls over 2 processes): "
                f"p50 {1000 * _pct(times, 0.5):.1f} ms, p99 {1000 * _pct(times, 0.99):.1f} ms, "
                f"server CPU {1000 * cpu_per:.2f} ms per pull"
            )
            rate = _ingest(servers, world, args.ingest)
            print(f"event ingest, 2 processes, batches of 100: {rate:,.0f} events/s")
            cold, warm = _event_page(two.base, world, 30)
            print(
                f"community event log page: cold {1000 * cold:.0f} ms, warm p50 "
                f"{1000 * statistics.median(warm):.0f} ms, p95 {1000 * _pct(warm, 0.95):.0f} ms"
            )
            print(f"server RSS: {_rss_mib(one.pid):.0f} MiB and {_rss_mib(two.pid):.0f} MiB")


if __name__ == "__main__":
    main()
