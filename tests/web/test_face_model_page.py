"""The office's compliance page names the face model and who must enrol again after a change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.vision.tiny_model import TINY_ID, make_tiny_model_dir

from menwei.server import create_app
from menwei.server.demo import seed_demo
from menwei.server.services.face_data_counts import model_status
from menwei.server.services.privacy_kit import open_kit
from menwei.settings import Settings
from menwei.store.uow import UnitOfWork
from menwei.vision.models import MODEL_DIR_ENV, model_dir

from .conftest import SECRET, Site
from .forms import sign_in


@pytest.fixture
def enrolled_site(database_url: str, tmp_path: Path, cheap_passwords: None) -> Iterator[Site]:
    """The demo community with face recognition on and its demo residents enrolled."""
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", secret_key=SECRET)
    app = create_app(settings)
    app.state.privacy_kit = open_kit(settings.resolved_key_file)
    world = seed_demo(UnitOfWork(app.state.session_factory), kit=app.state.privacy_kit)
    yield Site(app=app, world=world, data_dir=tmp_path / "data")
    app.state.engine.dispose()


def test_the_page_counts_the_people_whose_templates_another_model_made(
    enrolled_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = enrolled_site
    enrolled = model_status(
        UnitOfWork(site.app.state.session_factory),  # type: ignore[attr-defined]
        model_id="sface-2021dec",
    ).current[site.world.community_id]
    assert enrolled > 0
    page = f"/office/c/{site.world.community_id}/compliance"
    with TestClient(site.app, base_url="https://testserver") as client:  # type: ignore[arg-type]
        sign_in(client, "staff")
        before = client.get(page)
        assert before.status_code == 200
        assert "当前使用的识别模型：<code>sface-2021dec</code>" in before.text
        assert "本小区所有人脸模板均由该模型生成" in before.text

        make_tiny_model_dir(tmp_path / "models", model_dir())
        monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path / "models"))
        after = client.get(page)
        assert f"当前使用的识别模型：<code>{TINY_ID}</code>" in after.text
        assert f"有 {enrolled} 人的人脸模板由其他模型生成" in after.text
        english = client.get(page, headers={"Accept-Language": "en"})
        assert f"Recognition model in use: <code>{TINY_ID}</code>." in english.text
        assert f"{enrolled} people have face templates made by another model" in english.text
