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
    # text: the catalogue of user-facing messages, which every room may read
    "text": set(),
    "vision": {"text"},
    "core": {"text"},
    "privacy": {"core", "text"},
    "governance": {"core", "text"},
    "sheets": {"core", "text"},
    "store": {"core", "privacy", "governance", "sheets", "text"},
    "server": {"core", "privacy", "governance", "sheets", "store", "vision", "settings", "text"},
    "gate": {"vision", "core", "privacy", "settings", "text"},
}
# third-party packages a pure room may use
ALLOWED_THIRD_PARTY: dict[str, set[str] | None] = {
    "text": set(),
    # usearch: the optional approximate index ("ann" extra), imported only when asked for.
    "vision": {"numpy", "cv2", "usearch"},
    "core": set(),
    "privacy": {"cryptography"},
    "governance": set(),
    # openpyxl: the Excel reader, imported only when an .xlsx arrives.
    "sheets": {"openpyxl"},
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


# The services and the room they speak in know nothing of HTTP: a service takes plain values
# (a caller, bytes, a locale) and raises domain errors; routers and pages do the translating.
HTTP_MODULES = (
    "fastapi",
    "starlette",
    "menwei.server.deps",
    "menwei.server.errors",
    "menwei.server.routers",
    "menwei.server.web",
    "menwei.server.auth.csrf",
)
# room under server/ -> what it may not import
HTTP_FREE: dict[str, tuple[str, ...]] = {
    "server/services": HTTP_MODULES,
    "server/domain": (*HTTP_MODULES, "menwei.server.services"),
    # below deps, so that deps (which authenticates) imports them and never the other way round
    "server/auth": (
        "menwei.server.deps",
        "menwei.server.errors",
        "menwei.server.routers",
        "menwei.server.web",
    ),
}


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, source: str | None = None) -> set[str]:
    """Every module a file imports, anywhere in it: relative imports resolved, and each name of a
    ``from package import name`` counted too, since the name may be a module."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _refused(path: Path, refused: tuple[str, ...], source: str | None = None) -> list[str]:
    return sorted(
        f"{path.relative_to(SRC)} imports {name}"
        for name in _imported(path, source)
        if any(name == bad or name.startswith(bad + ".") for bad in refused)
    )


@pytest.mark.parametrize("room", sorted(HTTP_FREE))
def test_the_services_and_their_domain_know_nothing_of_http(room: str) -> None:
    paths = sorted((SRC / room).rglob("*.py"))
    assert paths, f"{room} holds no modules"
    wrong = [line for path in paths for line in _refused(path, HTTP_FREE[room])]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "source",
    [
        "from menwei.server.deps import Caller",
        "from menwei.server import errors",
        "from ..deps import Caller",
        "from ..web.forms import CSRF_FIELD",
        "def f():\n    from fastapi import Request\n",
        "import starlette.datastructures",
        "from menwei.server.auth.csrf import CsrfRejected",
    ],
)
def test_the_http_rule_catches_a_service_that_imports_http(source: str) -> None:
    service = SRC / "server" / "services" / "people.py"
    assert _refused(service, HTTP_FREE["server/services"], source)


def test_the_http_rule_lets_a_service_speak_to_its_domain() -> None:
    service = SRC / "server" / "services" / "people.py"
    source = "from menwei.server.domain.errors import NotFound\nfrom ..domain import caller\n"
    assert not _refused(service, HTTP_FREE["server/services"], source)


# The database is reached through the store's repositories and unit of work. Outside ``store``
# only the engine's wiring (the app making its engines, the listener watching one, the ``db``
# command checking a URL) may name SQLAlchemy; a service or page that writes a query does not.
SQL_WIRING = {
    "server/app.py",
    "server/auth/invalidation.py",
    "cli/db.py",
}


def test_nothing_outside_the_store_writes_sql() -> None:
    wrong = [
        line
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).parts[0] != "store"
        and str(path.relative_to(SRC)) not in SQL_WIRING
        for line in _refused(path, ("sqlalchemy",))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_sql_rule_catches_a_service_with_its_own_query() -> None:
    service = SRC / "server" / "services" / "people.py"
    assert _refused(service, ("sqlalchemy",), "def f():\n    from sqlalchemy import select\n")


# Commands go through the same services as the pages, never through the HTTP layer.
def test_the_commands_do_not_go_through_http() -> None:
    refused = (
        "fastapi",
        "starlette",
        "menwei.server.deps",
        "menwei.server.errors",
        "menwei.server.routers",
        "menwei.server.web",
    )
    wrong = [
        line for path in sorted((SRC / "cli").rglob("*.py")) for line in _refused(path, refused)
    ]
    assert not wrong, "\n".join(wrong)


def _session_reads(path: Path, source: str | None = None) -> list[str]:
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(SRC)}:{node.lineno} reads .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]


# A service that needs something of the database asks a repository by name; the unit of work's
# session is the store's own.


def test_nothing_outside_the_store_opens_the_unit_of_works_session() -> None:
    wrong = [
        line
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).parts[0] != "store"
        and str(path.relative_to(SRC)) not in SQL_WIRING
        for line in _session_reads(path)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_session_rule_catches_a_raw_session() -> None:
    service = SRC / "server" / "services" / "people.py"
    assert _session_reads(service, "def f(uow):\n    uow.session.execute(1)\n")
