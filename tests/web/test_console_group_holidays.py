"""The office saves the holiday list once; groups with holiday hours follow it without being
saved again, and each group's form still shows how it treats holidays."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import csrf_of, sign_in


def _post(client: TestClient, page_url: str, action: str, data: dict) -> object:  # type: ignore[type-arg]
    token = csrf_of(client.get(page_url).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def test_new_holidays_apply_to_groups_and_the_form_keeps_their_holiday_mode(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    base = f"/office/c/{site.world.community_id}/groups"
    _post(client, f"{base}/holidays", f"{base}/holidays", {"days": ""})
    form = {
        "name": "夜间保洁",
        "door_ids": [str(site.world.door_ids["南大门"])],
        **{f"day{d}": "07:00-12:00" for d in range(7)},
        "holiday_mode": "hours",
        "holiday_hours": "09:00-11:00",
    }
    assert _post(client, f"{base}/new", f"{base}/new", form).status_code == 303  # type: ignore[attr-defined]
    found = re.search(rf'href="{base}/([0-9a-f-]{{36}})">夜间保洁<', client.get(base).text)
    assert found
    group_page = f"{base}/{found.group(1)}"
    assert 'value="hours" checked' in client.get(group_page).text  # no holiday dates yet

    saved = _post(client, f"{base}/holidays", f"{base}/holidays", {"days": "2026-10-01 国庆节"})
    message = client.get(saved.headers["location"]).text  # type: ignore[attr-defined]

    assert "节假日关闭或另有时段的通行组已按新日期执行" in message
    assert "重新保存" not in message
    page = client.get(group_page).text
    assert 'value="hours" checked' in page and 'value="09:00-11:00"' in page
