"""Losing the database primary loses no event: a streaming standby is promoted, the servers
reconnect on their own, and a gate's uploads resume and are each stored exactly once.

Starts its own PostgreSQL pair on free ports (``initdb``, ``pg_basebackup``, synchronous
replication), two ``menwei serve`` processes over the multi-host URL the README gives, and an
uploader that behaves like a gate's outbox: it keeps each batch until a server acknowledges it
and sends it again otherwise, alternating between the processes as the proxy would. Needs the
PostgreSQL server binaries; without them it skips and says so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from tests.server.conftest import SECRET, seed_world

from menwei.store.engine import make_session_factory
from menwei.store.migrate import upgrade
from menwei.store.uow import UnitOfWork

pytestmark = [pytest.mark.failover, pytest.mark.processes, pytest.mark.slow]

SRC = Path(__file__).resolve().parents[2] / "src"


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


def _has_postgres_user() -> bool:
    if os.geteuid() != 0:
        return True
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """PostgreSQL binaries run as the invoking user, or as ``postgres`` when that is root."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin = bin_dir
        self.root = root
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(root, "postgres")

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / tool), *args],
            check=True,
            capture_output=True,
            timeout=60,
            cwd=self.root,
        )

    def start(self, data: Path, port: int, *options: str) -> None:
        opts = " ".join(
            [f"-p {port}", "-c listen_addresses=127.0.0.1", f"-k {self.root}", *options]
        )
        self.run("pg_ctl", "start", "-w", "-D", str(data), "-l", f"{data}.log", "-o", opts)


def _sql(url: str, statement: str) -> object:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            result = connection.execute(sa.text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


@contextlib.contextmanager
def _server(url: str) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENWEI_")}
    env |= {"MENWEI_DATABASE_URL": url, "MENWEI_SECRET_KEY": SECRET, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen(
        [sys.executable, "-m", "menwei", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(base):
            assert process.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _batch(door: uuid.UUID, run: str, first: int, size: int) -> dict[str, object]:
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "events": [
            {
                "idempotency_key": f"{run}:{n:06d}",
                "door_id": str(door),
                "occurred_at": (t0 + timedelta(milliseconds=n)).isoformat(),
                "direction": "in",
                "credential_kind": "card",
                "outcome": "allow",
                "reason_code": "granted",
            }
            for n in range(first, first + size)
        ]
    }


@pytest.fixture
def pg_root() -> Iterator[Path]:
    """A short folder under /tmp: a socket path must fit 107 bytes, and a ``postgres`` user
    must be able to reach it when the tests run as root."""
    with tempfile.TemporaryDirectory(prefix="menwei-failover-") as folder:
        yield Path(folder)


def test_promoting_the_standby_loses_no_event_and_needs_no_server_restart(pg_root: Path) -> None:
    bin_dir = _pg_bin()
    if bin_dir is None or not (bin_dir / "pg_basebackup").exists():
        pytest.skip("the failover test needs the PostgreSQL server binaries (initdb, pg_ctl)")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_postgres_user()):
        pytest.skip("run as root, the failover test needs a 'postgres' user to run PostgreSQL as")
    root = pg_root
    cluster = Cluster(bin_dir, root)
    primary, standby = root / "primary", root / "standby"
    p1, p2 = _free_port(), _free_port()
    cluster.run("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-N")
    # Given on the command line, not in postgresql.conf, so the copied standby does not inherit
    # them: once promoted it must not wait for a synchronous standby it no longer has.
    cluster.start(
        primary,
        p1,
        "-c wal_level=replica",
        "-c synchronous_standby_names=menwei_standby",
        "-c fsync=off",
    )
    try:
        cluster.run(
            "pg_basebackup",
            "-D",
            str(standby),
            "-R",
            "-X",
            "stream",
            "-d",
            f"host=127.0.0.1 port={p1} user=postgres application_name=menwei_standby",
        )
        cluster.start(standby, p2, "-c hot_standby=on", "-c fsync=off")
        one = f"postgresql+psycopg://postgres@127.0.0.1:{p1}/postgres"
        _sql(one, "CREATE DATABASE menwei")
        url = (
            f"postgresql+psycopg://postgres@/menwei?host=127.0.0.1:{p1}&host=127.0.0.1:{p2}"
            "&target_session_attrs=read-write&connect_timeout=2"
        )
        upgrade(url)
        engine = sa.create_engine(url)
        world = seed_world(UnitOfWork(make_session_factory(engine)))
        engine.dispose()
        headers = {"Authorization": f"Bearer {world.a.device_token}"}
        run = uuid.uuid4().hex[:8]
        size, sent, lost_at, back_at = 20, 0, None, None
        with _server(url) as first, _server(url) as second:
            clients = [
                httpx.Client(base_url=b, headers=headers, timeout=5) for b in (first, second)
            ]
            deadline = time.monotonic() + 40
            turn = 0
            while time.monotonic() < deadline and (back_at is None or sent < 40 * size):
                if lost_at is None and sent >= 10 * size:
                    cluster.run("pg_ctl", "stop", "-m", "immediate", "-D", str(primary))
                    lost_at = time.monotonic()
                    cluster.run("pg_ctl", "promote", "-w", "-D", str(standby))
                turn += 1
                try:
                    answer = clients[turn % 2].post(
                        "/api/v1/device/events", json=_batch(world.a.gate_id, run, sent, size)
                    )
                except httpx.TransportError:
                    continue
                if answer.status_code == 200:  # acknowledged: the outbox lets the batch go
                    sent += size
                    if lost_at is not None and back_at is None:
                        back_at = time.monotonic()
                else:
                    assert answer.status_code in (500, 503), answer.text
                    time.sleep(0.1)
            for client in clients:
                client.close()
        assert back_at is not None and lost_at is not None, "uploads never resumed"
        print(f"\nfailover: first accepted upload {back_at - lost_at:.2f} s after the primary died")
        two = f"postgresql+psycopg://postgres@127.0.0.1:{p2}/menwei"
        stored = _sql(two, f"SELECT count(*) FROM events WHERE idempotency_key LIKE '{run}:%'")
        distinct = _sql(
            two,
            "SELECT count(DISTINCT idempotency_key) FROM events "
            f"WHERE idempotency_key LIKE '{run}:%'",
        )
        assert stored == distinct == sent
    finally:
        for data in (standby, primary):
            with contextlib.suppress(subprocess.CalledProcessError):
                cluster.run("pg_ctl", "stop", "-m", "immediate", "-D", str(data))
