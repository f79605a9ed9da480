"""The demo tells the whole story: face recognition switched on through the compliance gate in
one community and still off in the other, residents enrolled from shipped synthetic faces that
the real models tell apart, one withdrawn, some refused."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import make_url

from menwei.privacy.errors import ActivationRefused
from menwei.server.demo import DemoWorld, seed_demo
from menwei.server.demo_story import staff_caller
from menwei.server.services import compliance
from menwei.server.services.privacy_operations import PrivacyKit, open_kit, templates_for_gates
from menwei.store.engine import make_engine
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow
from menwei.store.uow import UnitOfWork
from menwei.vision import synthetic

from ..conftest import _empty_all_tables


@dataclass
class Told:
    uow: UnitOfWork
    kit: PrivacyKit
    world: DemoWorld
    url: str


@pytest.fixture(scope="module")
def told(_migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Told]:
    """The story told once for the module, on SQLite or on the test PostgreSQL database."""
    folder: Path = tmp_path_factory.mktemp("demo-story")
    if make_url(_migrated_template).get_backend_name() == "postgresql":
        _empty_all_tables(_migrated_template)
        url = _migrated_template
    else:
        shutil.copyfile(str(make_url(_migrated_template).database), folder / "demo.db")
        url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    kit = open_kit(folder / "keys.json")
    uow = UnitOfWork.for_engine(engine)
    yield Told(uow, kit, seed_demo(uow, kit=kit), url)
    engine.dispose()
    if url == _migrated_template:
        _empty_all_tables(url)  # the next test's database starts empty


def _face_enabled(uow: UnitOfWork, community_id: object) -> bool:
    with uow:
        row = uow.session.get(CommunityRow, community_id)
        return bool(row is not None and row.face_enabled)


def test_the_first_community_went_through_every_step_and_its_switch_is_on_record(
    told: Told,
) -> None:
    world = told.world
    with told.uow as uow:
        switches = FaceSwitches(uow.session).history(world.community_id)
        results = GovernanceRepository(uow.session).results(
            CommunityScope.all(), world.community_id
        )
        assessment = PrivacyStore(uow.session).compliance.latest_assessment(world.community_id)
    assert _face_enabled(told.uow, world.community_id)
    assert [s.enabled for s in switches] == [True]
    assert assessment is not None
    assert len(results) == 1 and results[0].passed
    tally = results[0].tally
    assert tally.approving_area > 0 and tally.approving_heads > 0  # both tallies counted
    assert switches[0].switched_by.startswith("staff(")
    # the gate reads the records again and still finds nothing missing
    status = compliance.status(told.uow, staff_caller(staff_id(told), world.community_id), None)
    assert status.may_activate and status.unmet == ()


def test_the_second_community_is_voting_so_its_switch_stays_off_with_the_reason(
    told: Told,
) -> None:
    second = told.world.second_community_id
    assert second is not None
    caller = staff_caller(staff_id(told), second)
    status = compliance.status(told.uow, caller, None)
    assert not _face_enabled(told.uow, second)
    assert not status.may_activate
    codes = {u.code for u in status.unmet}
    assert "vote_not_passed" in codes and "no_assessment" not in codes, codes
    with pytest.raises(ActivationRefused):
        compliance.switch(told.uow, caller, None, enabled=True, kit=told.kit)
    assert not _face_enabled(told.uow, second)


def staff_id(told: Told) -> uuid.UUID:
    with told.uow as uow:
        switches = FaceSwitches(uow.session).history(told.world.community_id)
    return uuid.UUID(switches[0].switched_by.split("(", 1)[1].rstrip(")"))


def test_only_the_consenting_resident_reaches_the_gates_and_the_models_tell_the_faces_apart(
    told: Told,
) -> None:
    from menwei.vision.engine import FaceEngine
    from menwei.vision.thresholds import default_thresholds

    cast = told.world.cast
    assert cast is not None
    opened = templates_for_gates(told.uow, told.kit, community_id=told.world.community_id)
    assert set(opened) == {str(cast.recognised)}  # the withdrawn one is gone, refusals never in
    template = np.frombuffer(opened[str(cast.recognised)], dtype=np.float32)
    thresholds = default_thresholds()
    engine = FaceEngine()

    def score(look: synthetic.Look) -> float:
        probe = engine.probe(synthetic.frame(look))
        assert probe.vector is not None, look
        return float(template @ probe.vector)

    assert score(synthetic.RESIDENT) >= thresholds.confident
    assert thresholds.possible <= score(synthetic.GREY) < thresholds.confident
    for nobody in (synthetic.STRANGER, synthetic.WITHDRAWN, synthetic.PORTRAIT):
        assert score(nobody) < thresholds.possible, nobody


def test_the_public_pages_say_on_in_one_community_and_off_in_the_other(
    told: Told, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from menwei.server import create_app
    from menwei.settings import Settings

    app = create_app(Settings(database_url=told.url, data_dir=tmp_path, demo=True))
    with TestClient(app) as client:
        on = client.get(f"/c/{told.world.community_id}")
        off = client.get(f"/c/{told.world.second_community_id}")
    assert on.status_code == 200 and "本小区已开启人脸识别。" in on.text
    assert off.status_code == 200 and "本小区未开启人脸识别。" in off.text
    assert "翠湖苑" in off.text
    app.state.engine.dispose()
