"""Server processes started together each migrate first; on PostgreSQL they take turns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from menwei.store.migrate import current_revision, heads

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.processes
def test_three_processes_migrating_one_empty_database_at_once_all_succeed(
    empty_database_url: str, database_dialect: str
) -> None:
    if database_dialect != "postgresql":
        pytest.skip("several server processes share a database only on PostgreSQL")
    env = os.environ | {"PYTHONPATH": str(SRC)}
    code = f"from menwei.store.migrate import upgrade; upgrade({empty_database_url!r})"
    processes = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    failures = []
    for process in processes:
        _, errors = process.communicate(timeout=120)
        if process.returncode != 0:
            failures.append(errors[-500:])
    assert failures == []
    assert current_revision(empty_database_url) == heads()[0]
