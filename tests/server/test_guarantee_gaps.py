"""Smaller gaps of the same kind: demo mode only through ``menwei demo`` on loopback, and a
committee that sees no person ids (group counts only, no askers of questions)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from menwei.settings import DEMO_SECRET, InsecureSettingsError, Settings

from .conftest import World

API = "/api/v1"


def test_menwei_demo_in_the_environment_turns_nothing_on_and_serve_refuses_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from menwei.cli import app as cli

    monkeypatch.setenv("MENWEI_DEMO", "true")
    monkeypatch.setenv("MENWEI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MENWEI_SECRET_KEY", raising=False)
    settings = Settings()
    assert settings.demo is False
    with pytest.raises(InsecureSettingsError):
        settings.check_secrets()  # the published demo secret is refused outside the demo
    settings_file = tmp_path / "menwei.env"
    settings_file.write_text(f"MENWEI_DEMO=true\nMENWEI_SECRET_KEY={DEMO_SECRET}\n")
    monkeypatch.delenv("MENWEI_DEMO")
    assert Settings(_env_file=settings_file).demo is False
    monkeypatch.setenv("MENWEI_DEMO", "true")
    served = CliRunner().invoke(cli, ["serve"])
    assert served.exit_code == 2
    assert "menwei demo" in served.output


def test_the_demo_listens_only_on_loopback() -> None:
    Settings(demo=True, host="127.0.0.1").check_secrets()
    Settings(demo=True, host="::1").check_secrets()
    with pytest.raises(InsecureSettingsError, match="loopback"):
        Settings(demo=True, host="0.0.0.0").check_secrets()


def test_a_committee_member_sees_member_counts_and_no_askers(client, world: World) -> None:
    staff, committee = world.auth("community_staff"), world.auth("committee_member")
    base = f"{API}/communities/{world.a.community_id}"
    group = client.post(
        f"{base}/groups",
        json={"name": "住户", "door_ids": [str(world.a.gate_id)], "weekly": {"0": ["07:00-22:00"]}},
        headers=staff,
    ).json()
    members = f"{base}/groups/{group['id']}/members"
    client.post(members, json={"person_ids": [str(world.a.resident_id)]}, headers=staff)
    assert client.get(members, headers=staff).json() == [str(world.a.resident_id)]
    assert client.get(members, headers=committee).status_code == 403
    assert client.get(members + "/count", headers=committee).json() == {"count": 1}
    asked = client.post(
        f"{base}/questions",
        json={"text": "我家门口的人脸识别能关掉吗？", "public": False},
        headers=world.auth("resident"),
    )
    assert asked.status_code == 201, asked.text
    seen = client.get(f"{base}/questions", headers=committee).json()["questions"]
    assert seen and all(q["asked_by"] is None for q in seen)
    assert str(world.a.resident_id) not in str(seen)
    office = client.get(f"{base}/questions", headers=staff).json()["questions"]
    assert office[0]["asked_by"] is not None
    answered = client.post(
        f"{base}/questions/{seen[0]['id']}/answers",
        json={"text": "可以，请到物业办理。"},
        headers=committee,
    )
    assert answered.status_code == 201, answered.text
    assert answered.json()["asked_by"] is None
