"""Every role against every route, generated from the app's own route table.

A new route without a permission (or a public route not listed as public) fails here, and so
does any role reaching a route the policy table does not give it, or reaching another tenant.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from menwei.server import create_app
from menwei.server.deps import RouteEntry, route_table
from menwei.server.policy import POLICY, PUBLIC_PATHS, AccountRole
from menwei.settings import Settings
from menwei.store.uow import UnitOfWork

from .conftest import SECRET, World, seed_world

CALLERS = (
    "platform_admin",
    "processor_admin",
    "community_staff",
    "committee_member",
    "resident",
    "supervisor",
    "device_a",
)
A_SCOPED = ("processor_admin", "community_staff", "committee_member", "supervisor")


def _role(caller: str) -> AccountRole:
    return AccountRole.DEVICE if caller == "device_a" else AccountRole(caller)


def _table() -> list[RouteEntry]:
    app = create_app(Settings(demo=True, database_url="sqlite://"))
    return route_table(app)


ROUTES = _table()
GUARDED = [r for r in ROUTES if r.path not in PUBLIC_PATHS]


def _id(entry: RouteEntry) -> str:
    return f"{'/'.join(sorted(entry.methods))} {entry.path}"


@pytest.fixture(scope="module")
def matrix(
    _migrated_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World]]:
    """One app and one world for the whole matrix: it only reads, or writes to random ids."""
    template = make_url(_migrated_template)
    if template.get_backend_name() == "postgresql":
        from menwei.store.schema import load_metadata

        url = _migrated_template
        names = ", ".join(f'"{t.name}"' for t in load_metadata().sorted_tables)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        target = tmp_path_factory.mktemp("matrix") / "menwei.db"
        shutil.copyfile(Path(str(template.database)), target)
        url = f"sqlite:///{target}"
    app = create_app(
        Settings(database_url=url, data_dir=tmp_path_factory.mktemp("data"), secret_key=SECRET)
    )
    world = seed_world(UnitOfWork(app.state.session_factory))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, world
    app.state.engine.dispose()


def _path(entry: RouteEntry, community_id: uuid.UUID) -> str:
    def fill(match: re.Match[str]) -> str:
        return str(community_id) if match.group(1) == "community_id" else str(uuid.uuid4())

    return re.sub(r"\{(\w+)\}", fill, entry.path)


def _call(client: TestClient, entry: RouteEntry, path: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    method = sorted(entry.methods)[0]
    if method in ("POST", "PUT", "PATCH"):
        return client.request(method, path, json={}, headers=headers)
    return client.request(method, path, headers=headers)


def test_every_route_has_a_permission_in_the_policy_table_or_is_public() -> None:
    for entry in ROUTES:
        if entry.permission is None:
            assert entry.path in PUBLIC_PATHS, f"{_id(entry)} has no permission and is not public"
        else:
            assert entry.permission in POLICY
            assert entry.path not in PUBLIC_PATHS, f"{_id(entry)} is public and guarded at once"


def test_every_permission_in_the_policy_table_guards_some_route() -> None:
    used = {entry.permission for entry in ROUTES}
    assert set(POLICY) <= used, f"unused permissions: {sorted(set(POLICY) - used)}"


@pytest.mark.parametrize("entry", GUARDED, ids=_id)
def test_a_caller_without_credentials_is_refused_with_401(matrix, entry: RouteEntry) -> None:  # type: ignore[no-untyped-def]
    client, world = matrix
    response = _call(client, entry, _path(entry, world.a.community_id), {})
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("entry", GUARDED, ids=_id)
def test_each_role_reaches_exactly_the_routes_the_policy_gives_it(  # type: ignore[no-untyped-def]
    matrix, entry: RouteEntry, caller: str
) -> None:
    client, world = matrix
    response = _call(client, entry, _path(entry, world.a.community_id), world.auth(caller))
    allowed = _role(caller) in POLICY[entry.permission or ""]
    if allowed:
        # A page's form refuses a post without its CSRF token (403 ``csrf_rejected``) only after
        # the role has been let through; any other 401 or 403 is the role being refused.
        assert response.status_code != 401, response.text
        assert response.status_code != 403 or _code(response) == "csrf_rejected", response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"


def _code(response) -> str | None:  # type: ignore[no-untyped-def]
    try:
        return response.json()["error"]["code"]  # type: ignore[no-any-return]
    except (ValueError, KeyError, TypeError):
        return None


@pytest.mark.parametrize("caller", A_SCOPED)
@pytest.mark.parametrize("entry", [r for r in GUARDED if r.in_community], ids=_id)
def test_a_community_outside_the_callers_reach_looks_absent(  # type: ignore[no-untyped-def]
    matrix, entry: RouteEntry, caller: str
) -> None:
    """Staff (or admins, committee, supervisors) of A asking about B get 404 when the role
    holds the permission, and 403 when it does not: never B's data."""
    client, world = matrix
    response = _call(client, entry, _path(entry, world.b.community_id), world.auth(caller))
    if _role(caller) in POLICY[entry.permission or ""]:
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "not_found"
    else:
        assert response.status_code == 403, response.text
