"""``menwei import residents`` never reads more of a file than an import may hold."""

from __future__ import annotations

import resource
import uuid
from pathlib import Path

from typer.testing import CliRunner

from menwei.cli import app

runner = CliRunner()


def test_an_endless_file_is_refused_after_the_limit_not_read_whole() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = runner.invoke(
        app, ["import", "residents", "/dev/zero", "--community", str(uuid.uuid4())]
    )
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert result.exit_code == 1
    assert "文件超过 10 MB" in result.output and "split it" in result.output
    assert "Traceback" not in result.output
    assert grown_kib < 200 * 1024


def test_a_folder_in_place_of_a_file_is_named_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", "residents", str(tmp_path), "--community", str(uuid.uuid4())]
    )
    assert result.exit_code == 1
    assert "Cannot read" in result.output
    assert "Traceback" not in result.output
