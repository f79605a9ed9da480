"""Hostile input through the real API gets a 4xx that says what was wrong, never a 500, and
leaves what is stored as it was: taken names, huge offsets, control characters, DTDs in sheets."""

from __future__ import annotations

import io
import threading
import zipfile

from fastapi.testclient import TestClient
from openpyxl import Workbook

from .conftest import World

API = "/api/v1"

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)


def _group(world: World, name: str) -> dict[str, object]:
    return {"name": name, "door_ids": [str(world.a.gate_id)], "weekly": {"0": ["07:00-22:00"]}}


def test_a_taken_group_name_is_a_conflict_even_when_eight_arrive_at_once(
    app, client: TestClient, world: World
) -> None:  # type: ignore[no-untyped-def]
    url = f"{API}/communities/{world.a.community_id}/groups"
    staff = world.auth("community_staff")
    statuses: list[int] = []

    def create() -> None:
        with TestClient(app, raise_server_exceptions=False) as own:
            statuses.append(own.post(url, json=_group(world, "访客"), headers=staff).status_code)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 7
    other = client.post(url, json=_group(world, "保洁"), headers=staff).json()
    renamed = client.put(f"{url}/{other['id']}", json=_group(world, "访客"), headers=staff)
    assert renamed.status_code == 409, renamed.text
    assert "已存在" in renamed.json()["error"]["message"]
    names = sorted(g["name"] for g in client.get(url, headers=staff).json()["items"])
    assert names.count("访客") == 1 and "保洁" in names


def test_offsets_past_any_list_are_refused_on_every_list_route(
    client: TestClient, world: World
) -> None:
    staff = world.auth("community_staff")
    base = f"{API}/communities/{world.a.community_id}"
    for path in ("people", "groups", "doors", "units"):
        huge = client.get(f"{base}/{path}?offset=9223372036854775808", headers=staff)
        assert huge.status_code == 422, (path, huge.text)
        past = client.get(f"{base}/{path}?offset=10000001", headers=staff)
        assert past.status_code == 422, (path, past.text)
    assert client.get(f"{base}/people?offset=10000000", headers=staff).status_code == 200


def test_control_characters_are_refused_alike_on_both_databases(
    client: TestClient, world: World
) -> None:
    login = client.post(f"{API}/auth/login", json={"login": "staff\x00", "password": "x"})
    assert login.status_code == 422, login.text
    assert login.json()["error"]["code"] == "control_characters"
    staff = world.auth("community_staff")
    url = f"{API}/communities/{world.a.community_id}/groups"
    for name in ("门禁\x00组", "门禁\x07组"):
        bad = client.post(url, json=_group(world, name), headers=staff)
        assert bad.status_code == 422, bad.text
        assert "控制字符" in bad.json()["error"]["message"]
    assert all("门禁" not in g["name"] for g in client.get(url, headers=staff).json()["items"])


def _xlsx_with_dtd() -> bytes:
    book = Workbook()
    book.active.append(["楼栋", "户号", "面积", "姓名", "身份"])
    book.active.append(["1号楼", "101", 90.5, "刘洋", "业主"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = BILLION_LAUGHS + (data.split(b"?>", 1)[1] if b"?>" in data else data)
            target.writestr(info, data)
    return out.getvalue()


def test_a_sheet_declaring_a_dtd_is_refused_and_nothing_is_imported(
    client: TestClient, world: World
) -> None:
    url = f"{API}/communities/{world.a.community_id}/imports/residents"
    staff = world.auth("community_staff")
    units = f"{API}/communities/{world.a.community_id}/units"
    before = client.get(units, headers=staff).json()["total"]
    refused = client.post(
        url,
        files={"file": ("residents.xlsx", _xlsx_with_dtd(), "application/octet-stream")},
        headers=staff,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "import_rejected"
    assert "DTD" in refused.json()["error"]["message"]
    assert client.get(units, headers=staff).json()["total"] == before
