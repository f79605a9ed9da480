"""The office console's frame: each role lands where it works, and sees only its own sections."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import HTML, csrf_of, sign_in


def test_each_role_lands_on_its_own_page_after_sign_in(client: TestClient) -> None:
    assert sign_in(client, "resident").headers["location"] == "/my"
    client.cookies.clear()
    assert sign_in(client, "staff").headers["location"] == "/office"
    client.cookies.clear()
    assert sign_in(client, "jianguan").headers["location"] == "/supervision"


def test_staff_of_one_community_go_straight_to_its_overview(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    home = client.get("/office", follow_redirects=False)
    assert home.status_code == 303
    assert home.headers["location"] == f"/office/c/{site.world.community_id}"
    overview = client.get(home.headers["location"])
    assert overview.status_code == 200
    assert "阳光花园" in overview.text and "概览" in overview.text
    assert 'aria-current="page"' in overview.text, overview.text[overview.text.find("<nav") :][:600]


def test_the_committee_sees_no_link_to_residents_records(client: TestClient, site: Site) -> None:
    sign_in(client, "yeweihui")
    overview = client.get(f"/office/c/{site.world.community_id}")
    assert overview.status_code == 200
    assert f"/office/c/{site.world.community_id}/people" not in overview.text
    sign_in(client, "staff")
    assert (
        f'/office/c/{site.world.community_id}"'
        in client.get(f"/office/c/{site.world.community_id}").text
    )


def test_a_resident_cannot_open_the_console(client: TestClient, site: Site) -> None:
    sign_in(client, "resident")
    page = client.get(f"/office/c/{site.world.community_id}", headers=HTML)
    assert page.status_code == 403
    assert "<html" in page.text


def test_another_communitys_console_looks_absent(client: TestClient) -> None:
    sign_in(client, "staff")
    other = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/office/c/{other}", headers=HTML).status_code == 404


def test_the_doors_section_is_named_for_the_office_not_the_residents_pass(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    overview = client.get(f"/office/c/{site.world.community_id}").text
    nav = overview[overview.find("<nav") : overview.find("</nav>")]
    assert "门与道闸" in nav
    assert "可通行的门" not in overview
    doors = client.get(f"/office/c/{site.world.community_id}/doors").text
    assert "<h1>门与读卡器</h1>" in doors


def test_assisted_consent_for_someone_without_a_date_of_birth_says_to_record_it(
    client: TestClient, site: Site
) -> None:
    """A refusal from the privacy rules answers as a page, never as a raised exception."""
    site.publish_notice()
    sign_in(client, "staff")
    base = f"/office/c/{site.world.community_id}"
    form = client.get(f"{base}/people/new")
    added = client.post(
        f"{base}/people/new",
        data={"csrf_token": csrf_of(form.text), "name": "未填生日", "role": "owner"},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    person = next(p for p in site.people() if p.name == "未填生日")
    assert person.date_of_birth is None
    question = client.get(f"{base}/people/{person.id}/consent")
    answered = client.post(
        f"{base}/people/{person.id}/consent",
        data={"csrf_token": csrf_of(question.text), "answer": "agree"},
        headers=HTML,
    )
    assert answered.status_code == 403
    assert "<html" in answered.text and "Traceback" not in answered.text
    assert "请先在住户资料中填写出生日期" in answered.text


def test_the_overview_shows_todays_passages_and_what_waits_for_the_office(
    client: TestClient, site: Site
) -> None:
    from menwei.privacy.rights import RequestKind

    from .test_console_questions import ask
    from .test_console_requests import open_request

    open_request(site, RequestKind.ACCESS)
    sign_in(client, "resident")
    ask(client, "门禁卡丢了怎么办？")
    ask(client, "访客二维码能用几次？", visibility="private")
    base = f"/office/c/{site.world.community_id}"
    sign_in(client, "staff")
    overview = client.get(base).text
    assert f'<a href="{base}/requests">待处理的个人权利请求：1 件</a>' in overview
    assert f'<a href="{base}/questions">待答复的咨询：2 条</a>' in overview
    assert "今日通行" in overview and overview.count('<svg class="chart"') == 2
    assert f'href="{base}/events"' in overview


def test_the_committee_overview_counts_questions_but_shows_no_passages_or_requests(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "yeweihui")
    base = f"/office/c/{site.world.community_id}"
    overview = client.get(base).text
    assert f'<a href="{base}/questions">待答复的咨询：0 条</a>' in overview
    assert "个人权利请求" not in overview and f"{base}/requests" not in overview
    assert '<svg class="chart"' not in overview and "今日通行" not in overview


def test_an_error_page_leads_back_to_the_area_it_came_from(client: TestClient) -> None:
    sign_in(client, "staff")
    other = "00000000-0000-4000-8000-000000000000"
    refused = client.get(f"/office/c/{other}", headers=HTML)
    assert refused.status_code == 404
    assert 'href="/office"' in refused.text and 'href="/my"' not in refused.text
