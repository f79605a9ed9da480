"""The rooms of the package import only what the architecture allows them to.

Dependencies point one way: ``core`` knows nothing of HTTP or SQL, ``vision`` knows nothing of
residents. This test reads every module's imports from its source and fails on a wrong edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "menwei"

# room -> rooms of menwei it may import (besides itself)
ALLOWED_ROOMS: dict[str, set[str]] = {
    "vision": set(),
    "core": set(),
    "privacy": {"core"},
    "governance": {"core"},
    "store": {"core", "privacy", "governance"},
    "server": {"core", "privacy", "governance", "store", "vision", "settings"},
    "gate": {"vision", "core", "privacy", "settings"},
}
# third-party packages a pure room may use
ALLOWED_THIRD_PARTY: dict[str, set[str] | None] = {
    # usearch: the optional approximate index ("ann" extra), imported only when asked for.
    "vision": {"numpy", "cv2", "usearch"},
    "core": set(),
    "privacy": {"cryptography"},
    "governance": set(),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _stdlib(name: str) -> bool:
    import sys

    return name.split(".")[0] in sys.stdlib_module_names or name == "__future__"


@pytest.mark.parametrize("room", sorted(ALLOWED_ROOMS))
def test_room_imports_only_what_the_architecture_allows(room: str) -> None:
    wrong: list[str] = []
    for path in sorted((SRC / room).rglob("*.py")):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "menwei":
                if len(parts) > 1 and parts[1] != room and parts[1] not in ALLOWED_ROOMS[room]:
                    wrong.append(f"{path.relative_to(SRC)} imports {name}")
            elif room in ALLOWED_THIRD_PARTY and not _stdlib(name):
                allowed = ALLOWED_THIRD_PARTY[room] or set()
                if parts[0] not in allowed:
                    wrong.append(f"{path.relative_to(SRC)} imports third-party {name}")
    assert not wrong, "\n".join(wrong)
