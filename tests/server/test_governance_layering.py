"""The governance services reach their records only through the unit of work's repositories.

They write no query and hold no session of their own: every read and write is a named method of
``uow.governance`` (or another repository on the unit of work), so the rules of one use case
stay readable and its transaction stays one ``with uow:`` block.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "src" / "menwei" / "server" / "services"
GOVERNANCE = [*sorted(SERVICES.glob("governance*.py")), SERVICES / "answering_body.py"]
#: what a service may not import: the query language and the tables behind the repositories
REFUSED = ("sqlalchemy", "menwei.store.tables")


@pytest.mark.parametrize("path", GOVERNANCE, ids=lambda p: p.name)
def test_a_governance_service_writes_no_query_and_holds_no_session(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            wrong += [a.name for a in node.names if a.name.startswith(REFUSED)]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(REFUSED):
            wrong.append(str(node.module))
        elif isinstance(node, ast.Attribute) and node.attr == "session":
            wrong.append(f"line {node.lineno}: .session")
    assert not wrong, f"{path.name}: " + ", ".join(wrong)


def test_the_governance_views_are_frozen() -> None:
    """What a service answers cannot be changed by the page that shows it."""
    import dataclasses

    from menwei.server.services import governance_supervision, governance_views

    views = [
        value
        for module in (governance_views, governance_supervision)
        for name, value in vars(module).items()
        if name.endswith("View") and dataclasses.is_dataclass(value)
    ]
    assert len(views) > 10
    for view in views:
        assert view.__dataclass_params__.frozen, view.__name__  # type: ignore[attr-defined]
