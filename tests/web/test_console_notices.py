"""The office's public-notice (公示) pages: open a notice, record placements, take one down."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import HTML, csrf_of, sign_in
from .test_console_votes import fix_clock, local


def notices_url(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/public-notices"


def open_notice(client: TestClient, site: Site, **fields: object) -> str:
    """Open a notice through the form (signed in already); its id."""
    form = client.get(notices_url(site), headers=HTML)
    data = {
        "csrf_token": csrf_of(form.text),
        "title": "关于启用人脸识别的公示",
        "body": "南大门将启用人脸识别，公示期七天。",
        "starts_on": "2026-03-01",
        "minimum_days": "7",
        "channels": ["public_page"],
    } | fields
    done = client.post(notices_url(site), data=data, headers=HTML, follow_redirects=False)
    assert done.status_code == 303, done.text
    listing = client.get(notices_url(site), headers=HTML).text
    found = re.findall(r'id="n-([0-9a-f-]+)"', listing)
    assert found
    return found[-1]


def test_a_notice_counts_full_days_on_the_page_and_names_who_posted_it(
    client: TestClient, site: Site
) -> None:
    now = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # noon in Beijing
    fix_clock(site, now)
    sign_in(client, "staff")
    nid = open_notice(client, site)
    page = client.get(notices_url(site), headers=HTML).text
    assert "还没有张贴记录" in page and "已公示天数" in page
    posted = client.post(
        f"{notices_url(site)}/{nid}/postings",
        data={
            "csrf_token": csrf_of(page),
            "place": "public_page|page",
            "posted_at": local(now - timedelta(days=5)),
        },
        headers=HTML,
    )
    assert posted.status_code == 200
    assert "<strong>4</strong>" in posted.text  # the day it went up does not count
    assert "尚未满公示期" in posted.text
    assert "小区公开网页" in posted.text and ">staff<" in posted.text
    down = client.post(
        f"{notices_url(site)}/{nid}/take-down",
        data={"csrf_token": csrf_of(posted.text), "place": "public_page|page"},
        headers=HTML,
    )
    assert down.status_code == 200
    assert "现在撤下" not in down.text
    assert local(now).replace("T", " ") in down.text  # when it came down


def test_a_poster_at_a_door_is_recorded_with_the_door_name(client: TestClient, site: Site) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")  # the committee may post notices too
    gate = str(site.world.door_ids["南大门"])
    nid = open_notice(client, site, channels=["public_page", "door_poster"], doors=[gate])
    page = client.get(notices_url(site), headers=HTML).text
    assert "必须张贴的门" in page and "门口张贴 · 南大门</li>" in page
    posted = client.post(
        f"{notices_url(site)}/{nid}/postings",
        data={"csrf_token": csrf_of(page), "place": f"door_poster|{gate}", "posted_at": local(now)},
        headers=HTML,
    )
    assert posted.status_code == 200 and "门口张贴 · 南大门" in posted.text


def test_bad_input_is_explained_and_kept(client: TestClient, site: Site) -> None:
    fix_clock(site, datetime.now(UTC))
    sign_in(client, "staff")
    token = csrf_of(client.get(notices_url(site), headers=HTML).text)
    base = {"csrf_token": token, "title": "我写的标题", "body": "内容", "channels": "public_page"}
    cases = [
        ({"starts_on": "明天", "minimum_days": "7"}, "请填写公示开始的日期"),
        ({"starts_on": "2026-03-01", "minimum_days": "-3"}, "请填写最短公示天数"),
        ({"starts_on": "2026-03-01", "minimum_days": "7", "channels": "fax"}, "请至少选择一个"),
        ({"starts_on": "2026-03-01", "minimum_days": "7", "doors": "x"}, "请从列表中选择门"),
        ({"starts_on": "2026-03-01", "minimum_days": "7", "title": "   "}, "不能为空"),
    ]
    for fields, reason in cases:
        refused = client.post(notices_url(site), data=base | fields, headers=HTML)
        assert refused.status_code == 422, fields
        assert reason in refused.text, fields
        assert 'role="alert"' in refused.text
    kept = client.post(notices_url(site), data=base | cases[0][0], headers=HTML)
    assert 'value="我写的标题"' in kept.text


def test_a_posting_in_the_future_or_nowhere_is_refused(client: TestClient, site: Site) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "staff")
    nid = open_notice(client, site)
    token = csrf_of(client.get(notices_url(site), headers=HTML).text)
    url = f"{notices_url(site)}/{nid}/postings"
    future = {"csrf_token": token, "place": "public_page|page"}
    future["posted_at"] = local(now + timedelta(days=1))
    refused = client.post(url, data=future, headers=HTML)
    assert refused.status_code == 422 and "张贴时间不能晚于现在" in refused.text
    nowhere = client.post(
        url, data={"csrf_token": token, "place": "fax|x", "posted_at": local(now)}, headers=HTML
    )
    assert nowhere.status_code == 422 and "请从列表中选择张贴位置" in nowhere.text
    nothing_up = client.post(
        f"{notices_url(site)}/{nid}/take-down",
        data={"csrf_token": token, "place": "kiosk_screen|x"},
        headers=HTML,
    )
    assert nothing_up.status_code == 422 and "该位置没有正在张贴的公示" in nothing_up.text


def test_hostile_text_is_escaped(client: TestClient, site: Site) -> None:
    fix_clock(site, datetime.now(UTC))
    sign_in(client, "staff")
    open_notice(client, site, title="<img src=x onerror=alert(1)>", body="<script>x</script>")
    page = client.get(notices_url(site), headers=HTML).text
    assert "<img src=x" not in page and "<script>x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_residents_and_supervisors_are_refused(client: TestClient, site: Site) -> None:
    sign_in(client, "resident")
    assert client.get(notices_url(site), headers=HTML).status_code == 403
    client.cookies.clear()
    sign_in(client, "jianguan")
    assert client.get(notices_url(site), headers=HTML).status_code == 403
