"""A site's calibrated liveness threshold travels to its gates, and their check uses it.

Calibrate on the site camera's live scores, keep the result on the real server through its
HTTP API, start a gate agent against that server: its first pull carries the threshold and the
frame check decides with it, held to the site rule; a later calibration reaches a running gate.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import numpy as np
import pytest

from menwei.gate.agent import GateAgent, GateConfig
from menwei.gate.doors import SimulatedDoor
from menwei.gate.liveness import TrackLiveness
from menwei.gate.records import SiteLiveness
from menwei.vision.liveness import FrameLiveness, load_model
from menwei.vision.liveness.features import FEATURE_COUNT, TIGHT_SIZE
from menwei.vision.liveness.model import SHIPPED_SHA256
from menwei.vision.liveness.site import FLOOR_DROP, calibrate_site

from ..server.conftest import make_settings, seed_world
from .test_pipeline import ScriptedFaces, _face, _textured_frame
from .test_server_upload import serving

SHIPPED = load_model().threshold


def _scoring(score: float) -> FrameLiveness:
    """The shipped check, its score fixed at ``score`` so the threshold alone decides."""
    model = dataclasses.replace(load_model(), weights=np.zeros(FEATURE_COUNT), bias=score)
    return FrameLiveness(
        model, aligner=lambda image, face: np.zeros((TIGHT_SIZE, TIGHT_SIZE, 3), np.uint8)
    )


def _passes(liveness: TrackLiveness) -> bool:
    return liveness.check(1, _textured_frame(), _face(200)).passed


def _dim_camera_scores() -> np.ndarray:
    """Live scores of a darker camera: a tenth of them below the shipped threshold."""
    return np.linspace(SHIPPED - 0.8, SHIPPED + 4.0, 60)


def test_calibrate_then_the_gates_pull_carries_the_threshold_and_its_check_uses_it(
    database_url: str, tmp_path: Path
) -> None:
    from menwei.server.app import create_app
    from menwei.store.uow import UnitOfWork

    site = calibrate_site(_dim_camera_scores(), SHIPPED)
    assert SHIPPED - FLOOR_DROP < site.threshold < SHIPPED
    body = {
        "threshold": site.threshold,
        "model_sha256": SHIPPED_SHA256,
        "live_frames": site.live_frames,
        "bpcer": site.bpcer,
    }
    between = (site.threshold + SHIPPED) / 2  # refused by the shipped threshold, not the site's
    app = create_app(make_settings(database_url, tmp_path))
    try:
        world = seed_world(UnitOfWork(app.state.session_factory))
        route = f"/api/v1/communities/{world.a.community_id}/liveness-threshold"
        with serving(app) as url, httpx.Client(base_url=url) as http:
            assert http.get(route, headers=world.auth("community_staff")).status_code == 404
            for who in ("committee_member", "resident", "device_a"):
                refused = http.put(route, json=body, headers=world.auth(who))
                assert refused.status_code == 403, who
            kept = http.put(route, json=body, headers=world.auth("community_staff"))
            assert kept.status_code == 200, kept.text
            assert kept.json()["threshold"] == pytest.approx(site.threshold)

            liveness = TrackLiveness("passive", frame=_scoring(between))
            assert not _passes(liveness)  # before any pull: the shipped threshold
            config = GateConfig(
                data_dir=tmp_path / "gate",
                source=str(tmp_path),
                server=url,
                token=world.a.device_token,
            )
            agent = GateAgent(
                config, faces=ScriptedFaces(), driver=SimulatedDoor(), liveness=liveness
            )
            try:
                agent.start()
                assert liveness.threshold == pytest.approx(site.threshold)
                assert _passes(liveness)

                # a new calibration reaches the running gate at its next sync
                stricter = {**body, "threshold": SHIPPED - 0.01}
                assert http.put(
                    route, json=stricter, headers=world.auth("community_staff")
                ).is_success
                assert agent.syncer is not None
                assert not agent.syncer.run_once().errors
                assert liveness.threshold == pytest.approx(SHIPPED - 0.01)
                assert not _passes(liveness)
            finally:
                agent.close()
    finally:
        app.state.engine.dispose()


def test_the_gate_holds_any_threshold_it_is_sent_to_the_site_rule() -> None:
    liveness = TrackLiveness("passive", frame=_scoring(SHIPPED - FLOOR_DROP - 1.0))
    assert liveness.use_site_threshold(SiteLiveness(-1000.0, SHIPPED_SHA256))
    assert liveness.threshold == pytest.approx(SHIPPED - FLOOR_DROP)
    assert not _passes(liveness)  # a photo scoring below the floor still fails
    assert liveness.use_site_threshold(SiteLiveness(1000.0, SHIPPED_SHA256))
    assert liveness.threshold == pytest.approx(SHIPPED)


def test_a_threshold_calibrated_for_other_parameters_is_not_applied() -> None:
    liveness = TrackLiveness("passive", frame=_scoring(SHIPPED - 0.5))
    assert liveness.use_site_threshold(SiteLiveness(SHIPPED - 1.0, SHIPPED_SHA256))
    assert _passes(liveness)
    assert not liveness.use_site_threshold(SiteLiveness(SHIPPED - 1.0, "f" * 64))
    assert liveness.threshold == pytest.approx(SHIPPED)
    assert not _passes(liveness)
