"""The room's public surface, and its promise to be pure: no clock, no files, no network."""

from __future__ import annotations

import ast
from pathlib import Path

import menwei.core

CORE = Path(menwei.core.__file__).resolve().parent
# ``time`` itself is banned as a module below; ``x.time()`` on a datetime is pure.
IMPURE_METHODS = {"now", "utcnow", "today", "monotonic", "perf_counter", "urandom", "getenv"}
IMPURE_FUNCTIONS = {"open", "input", "print"}
IMPURE_MODULES = {"os", "socket", "subprocess", "random", "pathlib", "logging", "time"}


def test_every_exported_name_exists() -> None:
    missing = [name for name in menwei.core.__all__ if not hasattr(menwei.core, name)]
    assert not missing
    assert len(set(menwei.core.__all__)) == len(menwei.core.__all__)


def test_core_never_reads_the_clock_a_file_or_the_environment() -> None:
    found: list[str] = []
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                if (isinstance(func, ast.Attribute) and func.attr in IMPURE_METHODS) or (
                    isinstance(func, ast.Name) and func.id in IMPURE_FUNCTIONS
                ):
                    found.append(f"{path.name}:{node.lineno} calls {ast.unparse(func)}()")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                )
                found += [
                    f"{path.name}:{node.lineno} imports {m}"
                    for m in modules
                    if m and m.split(".")[0] in IMPURE_MODULES
                ]
    assert not found, "\n".join(found)
