"""A change of recognition model through the real API: templates name their model, gates get
only the configured model's, and whoever enrolled with another model is counted and must enrol
again (their card, PIN and QR code keep working; a new enrolment replaces the template).

The other model is the small ONNX network the tests build (``tests/vision/tiny_model.py``).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from tests.privacy.builders import switch_face_on_in_app
from tests.vision.tiny_model import TINY_DIM, TINY_ID, make_tiny_model_dir
from typer.testing import CliRunner

from menwei.cli import app as cli
from menwei.gate.records import template_from, template_model
from menwei.gate.sync import _change
from menwei.privacy.transport import DeviceKeyPair
from menwei.server.services import enrolment
from menwei.server.services.template_delivery import DEVICE_KEY_HEADER
from menwei.settings import get_settings
from menwei.vision.models import MODEL_DIR_ENV, model_dir

from .conftest import Tenant, World

PHOTO = Path(__file__).resolve().parents[1] / "data" / "astronaut.jpg"
API = "/api/v1"
SFACE = "sface-2021dec"


def _face_on(client, tenant: Tenant, staff: str, world: World) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"{API}/communities/{tenant.community_id}/notices",
        json={"responsible_contact": "0571-88888888", "supervisor": "杭州市网信办"},
        headers=world.auth(staff),
    )
    assert response.status_code == 201, response.text
    switch_face_on_in_app(client.app, tenant.community_id)
    consent = client.post(
        f"{API}/communities/{tenant.community_id}/people/{tenant.resident_id}/consent",
        json={"give": True},
        headers=world.auth(staff),
    )
    assert consent.status_code == 201, consent.text


def _enrol(client, tenant: Tenant, staff: str, world: World) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"{API}/communities/{tenant.community_id}/people/{tenant.resident_id}/face",
        files=[("images", ("p.jpg", PHOTO.read_bytes(), "image/jpeg"))],
        headers=world.auth(staff),
    )
    assert response.status_code == 201, response.text


def _model(client, tenant: Tenant, staff: str, world: World) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(
        f"{API}/communities/{tenant.community_id}/compliance", headers=world.auth(staff)
    )
    assert response.status_code == 200, response.text
    return response.json()["face_model"]  # type: ignore[no-any-return]


PAIR = DeviceKeyPair.generate()


def _gate_templates(client, world: World) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """What gate A is told about templates on a full pull: person id → action, model, size.

    The gate keeps one transport key: the server pins the first one it presents."""
    pair = PAIR
    key = base64.b64encode(pair.public_key).decode()
    page = client.get(
        f"{API}/device/changes", headers=world.auth("device_a") | {DEVICE_KEY_HEADER: key}
    )
    assert page.status_code == 200, page.text
    told = {}
    for record in page.json()["changes"]:
        if record["kind"] != "template":
            continue
        entry = {"action": record["action"]}
        if record["action"] == "upsert":
            stored = _change(record, pair.private_key).payload
            entry |= {"model": template_model(stored)[0], "size": template_from(stored).size}
        told[record["id"]] = entry
    return told


def _use(monkeypatch: pytest.MonkeyPatch, folder: Path | None) -> None:
    """Configure the model folder, as an operator would, and start with fresh engines."""
    if folder is None:
        monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    else:
        monkeypatch.setenv(MODEL_DIR_ENV, str(folder))
    monkeypatch.setattr(enrolment, "_idle", [])


def _cli_status(database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("MENWEI_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["models", "status", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_a_model_change_sends_people_to_enrol_again_and_counts_them(
    client, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    default_dir = model_dir()
    tiny = tmp_path / "models"
    make_tiny_model_dir(tiny, default_dir)
    a, b = world.a, world.b
    _face_on(client, a, "community_staff", world)
    _face_on(client, b, "staff_b", world)
    _enrol(client, a, "community_staff", world)
    _enrol(client, b, "staff_b", world)
    assert _model(client, a, "community_staff", world) == {
        "model_id": SFACE,
        "people_to_reenrol": 0,
        "people_enrolled": 1,
    }
    resident_a = str(a.resident_id)
    assert _gate_templates(client, world) == {
        resident_a: {"action": "upsert", "model": SFACE, "size": 128}
    }

    # The site switches to its own model: nobody's template is used until they enrol again.
    _use(monkeypatch, tiny)
    assert _model(client, a, "community_staff", world)["people_to_reenrol"] == 1
    assert _model(client, b, "staff_b", world) == {
        "model_id": TINY_ID,
        "people_to_reenrol": 1,
        "people_enrolled": 0,
    }
    # a gate cannot be given thresholds for a model nobody calibrated: a plain 503 says so
    refused = client.get(f"{API}/device/changes", headers=world.auth("device_a"))
    assert refused.status_code == 503
    assert "menwei calibrate face" in refused.json()["error"]["message"]
    thresholds = {"confident": 0.9, "possible": 0.8, "gallery_size": 10}
    sha = json.loads((tiny / "manifest.json").read_text("utf-8"))["recognizer"]["sha256"]
    (tiny / "thresholds.json").write_text(
        json.dumps(thresholds | {"model_id": TINY_ID, "recognizer_sha256": sha}), "utf-8"
    )
    assert _gate_templates(client, world) == {resident_a: {"action": "delete"}}
    status = _cli_status(database_url, monkeypatch)
    assert status["models"]["recognizer"]["id"] == TINY_ID
    assert status["people_to_reenrol"] == 2
    assert {c["community_id"]: c["people_to_reenrol"] for c in status["communities"]} == {
        str(a.community_id): 1,
        str(b.community_id): 1,
    }
    assert resident_a not in json.dumps(status)  # counts only, nobody named

    # Enrolling again with the new model replaces the template; the gate gets it.
    _enrol(client, a, "community_staff", world)
    assert _model(client, a, "community_staff", world) == {
        "model_id": TINY_ID,
        "people_to_reenrol": 0,
        "people_enrolled": 1,
    }
    assert _model(client, b, "staff_b", world)["people_to_reenrol"] == 1
    assert _gate_templates(client, world) == {
        resident_a: {"action": "upsert", "model": TINY_ID, "size": TINY_DIM}
    }
    audit = client.get(f"{API}/me/privacy/audit", headers=world.auth("resident")).json()
    enrolments = [e for e in audit if e["action"] in ("enrol", "update")]
    assert [e["detail"]["model_id"] for e in enrolments[-1:]] == [TINY_ID]

    # Back to the default model: now the one who re-enrolled is the one to enrol again.
    _use(monkeypatch, None)
    assert _model(client, a, "community_staff", world) == {
        "model_id": SFACE,
        "people_to_reenrol": 1,
        "people_enrolled": 0,
    }
    assert _model(client, b, "staff_b", world)["people_to_reenrol"] == 0
    assert _gate_templates(client, world) == {resident_a: {"action": "delete"}}
    status = _cli_status(database_url, monkeypatch)
    assert status["people_to_reenrol"] == 1


def test_a_tampered_model_stops_enrolment_with_a_plain_503(
    client, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = tmp_path / "models"
    manifest = make_tiny_model_dir(tiny, model_dir())
    (tiny / manifest["recognizer"]["file"]).write_bytes(b"not the model")
    _use(monkeypatch, tiny)
    _face_on(client, world.a, "community_staff", world)
    response = client.post(
        f"{API}/communities/{world.a.community_id}/people/{world.a.resident_id}/face",
        files=[("images", ("p.jpg", PHOTO.read_bytes(), "image/jpeg"))],
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "face_engine_unavailable"


def test_a_broken_manifest_is_named_on_the_compliance_page_data(
    client, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = tmp_path / "models"
    make_tiny_model_dir(tiny, model_dir())
    document = json.loads((tiny / "manifest.json").read_text("utf-8"))
    del document["recognizer"]["embedding_size"]
    (tiny / "manifest.json").write_text(json.dumps(document), "utf-8")
    _use(monkeypatch, tiny)
    found = _model(client, world.a, "community_staff", world)
    assert found["model_id"] is None
    assert "recognizer.embedding_size" in found["problem"]["en"]
    assert "模型清单" in found["problem"]["zh-CN"]


def test_the_server_says_at_start_how_many_must_enrol_again_naming_nobody(
    app, client, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    from fastapi.testclient import TestClient

    _face_on(client, world.a, "community_staff", world)
    _enrol(client, world.a, "community_staff", world)
    make_tiny_model_dir(tmp_path / "models", model_dir())
    _use(monkeypatch, tmp_path / "models")
    with caplog.at_level("INFO", logger="menwei.models"), TestClient(app):
        pass  # a start: the lifespan runs
    [line] = [r.getMessage() for r in caplog.records if r.name == "menwei.models"]
    assert f"face model {TINY_ID}: 1 person(s) in 1 community(ies)" in line
    assert SFACE in line and "menwei models status" in line
    assert str(world.a.resident_id) not in line
