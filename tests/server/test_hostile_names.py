"""Through the API: names that are blank, reversed, invisible or broken across lines are refused."""

from __future__ import annotations

import pytest

API = "/api/v1"

BAD = ["   ", "李娜\u202etxt.exe", "李\u200b娜", "李娜\n王芳"]


@pytest.mark.parametrize("name", BAD)
def test_a_person_with_a_hostile_name_is_refused(client, world, name: str) -> None:
    people = f"{API}/communities/{world.a.community_id}/people"
    staff = {**world.auth("community_staff"), "Accept-Language": "en"}
    answer = client.post(people, json={"name": name, "role": "owner"}, headers=staff)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid_name"
    assert "'name'" in answer.json()["error"]["message"]
    renamed = client.patch(f"{people}/{world.a.resident_id}", json={"name": name}, headers=staff)
    assert renamed.status_code == 422
    listed = client.get(people, headers=staff).json()["items"]
    assert [p["name"] for p in listed] == ["李娜"]


def test_a_door_with_a_hostile_name_is_refused(client, world) -> None:
    answer = client.post(
        f"{API}/communities/{world.a.community_id}/doors",
        json={"name": "东门\u202e", "kind": "gate", "accepts": ["card"]},
        headers=world.auth("community_staff"),
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["problem"] == "bidi"


def test_a_name_with_a_middle_dot_is_kept(client, world) -> None:
    answer = client.post(
        f"{API}/communities/{world.a.community_id}/people",
        json={"name": "阿卜杜拉·艾则孜", "role": "tenant"},
        headers=world.auth("community_staff"),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "阿卜杜拉·艾则孜"
