"""The demo community on the test database, served to pages through a test client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.privacy.builders import switch_face_on_in_app

from menwei.server import create_app
from menwei.server.demo import DemoWorld, seed_demo
from menwei.settings import Settings
from menwei.store.uow import UnitOfWork

SECRET = "w" * 48
API = "/api/v1"


@dataclass
class Site:
    app: object
    world: DemoWorld
    data_dir: Path

    def people(self) -> list:  # type: ignore[type-arg]
        from menwei.store.scope import CommunityScope

        uow = UnitOfWork(self.app.state.session_factory)  # type: ignore[attr-defined]
        with uow:
            return uow.people.list(  # type: ignore[no-any-return]
                CommunityScope.all(), community_id=self.world.community_id, limit=1000
            )

    def publish_notice(self, *, face_on: bool = True) -> None:
        """The property office publishes the community's notice through the API; with
        ``face_on`` the community then goes through the rest of the gate and switches faces on."""
        with TestClient(self.app, base_url="https://testserver") as staff:  # type: ignore[arg-type]
            signed_in = staff.post(
                f"{API}/auth/login", json={"login": "staff", "password": "demo-staff-2024"}
            )
            assert signed_in.status_code == 200, signed_in.text
            staff.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
            published = staff.post(
                f"{API}/communities/{self.world.community_id}/notices",
                json={"responsible_contact": "0571-88888888", "supervisor": "杭州市网信办"},
            )
            assert published.status_code == 201, published.text
        if face_on:
            switch_face_on_in_app(self.app, self.world.community_id)


def make_site(database_url: str, data_dir: Path) -> Site:
    settings = Settings(database_url=database_url, data_dir=data_dir, secret_key=SECRET)
    app = create_app(settings)
    world = seed_demo(UnitOfWork(app.state.session_factory), face_on=False)
    return Site(app=app, world=world, data_dir=data_dir)


@pytest.fixture
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Light argon2 parameters: the demo's six accounts would otherwise cost seconds per test."""
    from argon2 import PasswordHasher

    from menwei.server.auth import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def site(database_url: str, tmp_path: Path, cheap_passwords: None) -> Iterator[Site]:
    built = make_site(database_url, tmp_path / "data")
    yield built
    built.app.state.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(site.app, base_url="https://testserver") as test_client:  # type: ignore[arg-type]
        yield test_client


from .browser import camera_args, page, served  # noqa: E402, F401  (fixtures for browser tests)
