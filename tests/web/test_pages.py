"""The pages over HTTP: language, CSRF, security headers, the public page, poster and portal."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from menwei.server.auth.csrf import CSRF_COOKIE

from .conftest import Site
from .forms import HTML, csrf_of, sign_in


def test_pages_speak_chinese_by_default_and_english_when_asked(client: TestClient) -> None:
    assert "登录" in client.get("/signin").text
    assert "Sign in" in client.get("/signin", headers={"accept-language": "en-GB,en"}).text
    switched = client.get("/lang/en?next=/signin")
    assert "Sign in" in switched.text and '<html lang="en">' in switched.text


def test_the_language_switch_never_sends_the_visitor_to_another_site(client: TestClient) -> None:
    response = client.get("/lang/en?next=//evil.example/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_pages_carry_security_headers_and_allow_the_camera_nowhere_else(
    client: TestClient,
) -> None:
    headers = client.get("/signin").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in headers["permissions-policy"]


def test_a_form_without_its_csrf_token_changes_nothing(client: TestClient) -> None:
    client.get("/signin")
    response = client.post(
        "/signin",
        data={"csrf_token": "forged.token", "login": "resident", "password": "demo-resident-2024"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_rejected"
    assert "menwei_session" not in client.cookies


def test_a_csrf_token_from_before_sign_in_is_worthless_after_it(client: TestClient) -> None:
    before = csrf_of(client.get("/signin").text)
    assert sign_in(client).status_code == 303
    response = client.post("/my/erase", data={"csrf_token": before})
    assert response.status_code == 403


def test_a_wrong_password_shows_the_form_again_with_a_plain_message(client: TestClient) -> None:
    response = sign_in(client, password="wrong")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text
    assert 'role="alert"' in response.text


def test_a_browser_without_a_session_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/my", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"


def test_the_public_page_names_the_processor_and_the_notice_without_login(
    client: TestClient, site: Site
) -> None:
    url = f"/c/{site.world.community_id}"
    before = client.get(url)
    assert before.status_code == 200
    assert "杭州安居物业服务有限公司" in before.text and "陈国平" in before.text
    assert "尚未公布处理规则" in before.text
    site.publish_notice()
    site.publish_notice()
    after = client.get(url).text
    assert "第 2 版" in after and "历史版本" in after
    assert "门禁卡、密码或二维码" in after


def test_the_poster_of_a_door_has_a_qr_code_to_the_public_page(
    client: TestClient, site: Site
) -> None:
    gate = site.world.door_ids["南大门"]
    response = client.get(f"/c/{site.world.community_id}/poster/{gate}")
    assert response.status_code == 200
    assert "<svg" in response.text and "南大门" in response.text
    assert f"/c/{site.world.community_id}</span>" in response.text


def test_the_poster_of_an_unknown_door_is_not_found(client: TestClient, site: Site) -> None:
    garage = site.world.door_ids["地下车库道闸"]
    assert client.get(f"/c/{site.world.community_id}/poster/{garage}").status_code == 200
    other = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/c/{site.world.community_id}/poster/{other}").status_code == 404


def test_a_resident_who_disagrees_goes_straight_to_card_pin_and_qr(
    client: TestClient, site: Site
) -> None:
    site.publish_notice()
    assert sign_in(client).headers["location"] == "/my"
    home = client.get("/my")
    assert "我已阅读处理规则" in home.text
    question = client.get("/my/consent")
    assert "同意" in question.text and "不同意" in question.text
    answered = client.post(
        "/my/consent",
        data={"csrf_token": csrf_of(question.text), "answer": "disagree"},
        follow_redirects=False,
    )
    assert answered.headers["location"] == "/my/alternatives"
    assert "不用人脸也能通行" in client.get("/my/alternatives").text
    assert "我已阅读处理规则" not in client.get("/my").text, "asked again after refusing"


def test_only_residents_reach_the_portal(client: TestClient) -> None:
    assert sign_in(client, "staff", "demo-staff-2024").status_code == 303
    assert client.get("/my").status_code == 403


def test_csrf_cookie_is_http_only_and_strict(client: TestClient) -> None:
    response = client.get("/signin")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(CSRF_COOKIE) and "HttpOnly" in cookie and "SameSite=strict" in cookie


def issue_invitation(site: Site, person_id: str, login: str = "wang.fang") -> dict:  # type: ignore[type-arg]
    with TestClient(site.app, base_url="https://testserver") as staff:  # type: ignore[arg-type]
        signed_in = staff.post(
            "/api/v1/auth/login", json={"login": "staff", "password": "demo-staff-2024"}
        )
        staff.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
        response = staff.post(
            f"/api/v1/communities/{site.world.community_id}/people/{person_id}/invitation",
            json={"login": login},
        )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def redeem(client: TestClient, login: str, code: str, password: str = "my own 2024 pass"):  # type: ignore[no-untyped-def]
    form = client.get("/invite")
    return client.post(
        "/invite",
        data={"csrf_token": csrf_of(form.text), "login": login, "code": code, "password": password},
        follow_redirects=False,
    )


def a_resident_without_account(site: Site) -> str:
    return str(site.people()[-1].id)


def test_an_invitation_code_opens_the_first_sign_in_once(client: TestClient, site: Site) -> None:
    invited = issue_invitation(site, a_resident_without_account(site))
    code = invited["code"].lower().replace("-", " ")  # typed loosely on a phone
    first = redeem(client, "wang.fang", code)
    assert first.status_code == 303 and first.headers["location"] == "/my"
    assert client.get("/my").status_code == 200
    client.cookies.clear()
    again = redeem(client, "wang.fang", invited["code"], "another 2024 pass")
    assert again.status_code == 401
    assert "邀请码" in again.text
    assert sign_in(client, "wang.fang", "my own 2024 pass").status_code == 303


def test_a_new_invitation_voids_the_earlier_code(client: TestClient, site: Site) -> None:
    person = a_resident_without_account(site)
    earlier = issue_invitation(site, person)
    later = issue_invitation(site, person)
    assert redeem(client, "wang.fang", earlier["code"]).status_code == 401
    assert redeem(client, "wang.fang", later["code"]).status_code == 303


def test_an_invitation_with_a_weak_password_is_refused_and_stays_usable(
    client: TestClient, site: Site
) -> None:
    invited = issue_invitation(site, a_resident_without_account(site))
    weak = redeem(client, "wang.fang", invited["code"], "short")
    assert weak.status_code == 422 and "密码太弱" in weak.text
    assert redeem(client, "wang.fang", invited["code"]).status_code == 303


def test_an_invitation_code_is_stored_only_as_a_hash(client: TestClient, site: Site) -> None:
    import sqlalchemy as sa

    invited = issue_invitation(site, a_resident_without_account(site))
    with site.app.state.engine.connect() as connection:  # type: ignore[attr-defined]
        stored = connection.execute(sa.text("SELECT token_sha256 FROM api_tokens")).scalars()
        values = list(stored)
    bare = invited["code"].replace("-", "")
    assert values and all(bare not in v and invited["code"] not in v for v in values)


def test_a_resident_issues_a_one_time_qr_pass_for_a_guest(client: TestClient) -> None:
    assert sign_in(client).status_code == 303
    form = client.get("/my/passes")
    assert form.status_code == 200
    doors = re.findall(r'name="door_ids" value="([^"]+)"', form.text)
    assert doors, "no door offered for a guest"
    issued = client.post(
        "/my/passes",
        data={
            "csrf_token": csrf_of(form.text),
            "visitor_name": "张阿姨",
            "hours": "24",
            "door_ids": doors[:1],
        },
    )
    assert issued.status_code == 200, issued.text
    assert "张阿姨 的通行证" in issued.text and "<svg" in issued.text
    # the expiry is written in the community's time (Beijing), not UTC
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    until = datetime.now(UTC) + timedelta(hours=24)
    beijing = {
        (until + timedelta(minutes=m))
        .astimezone(ZoneInfo("Asia/Shanghai"))
        .strftime("%Y-%m-%d %H:%M")
        for m in (-1, 0)
    }
    assert any(f"有效期至 {t}" in issued.text for t in beijing), issued.text
    assert "UTC" not in issued.text


def test_staff_cannot_issue_a_guest_pass_from_the_resident_portal(client: TestClient) -> None:
    assert sign_in(client, "staff", "demo-staff-2024").status_code == 303
    assert client.get("/my/passes").status_code == 403


def test_assisted_consent_is_the_residents_answer_and_names_the_staff_member(
    client: TestClient, site: Site
) -> None:
    site.publish_notice()
    person = site.people()[-1]
    assert sign_in(client, "staff", "demo-staff-2024").status_code == 303
    base = f"/office/c/{site.world.community_id}/people/{person.id}"
    question = client.get(f"{base}/consent")
    assert question.status_code == 200 and person.name in question.text
    answered = client.post(
        f"{base}/consent",
        data={"csrf_token": csrf_of(question.text), "answer": "agree"},
        follow_redirects=False,
    )
    assert answered.headers["location"] == f"{base}/enrol"
    camera = client.get(f"{base}/enrol")
    assert "camera=(self)" in camera.headers["permissions-policy"]
    consents = client.get(
        f"/api/v1/communities/{site.world.community_id}/people/{person.id}/consents"
    ).json()
    assert consents[0]["channel"] == "staff_assisted"
    assert consents[0]["staff_account"].startswith("staff(")


def test_staff_of_the_office_cannot_assist_someone_of_another_community(
    client: TestClient, site: Site
) -> None:
    assert sign_in(client, "staff", "demo-staff-2024").status_code == 303
    other = "00000000-0000-4000-8000-000000000001"
    assert client.get(f"/office/c/{other}/people/{other}/consent").status_code == 404


def test_the_office_hands_out_an_invitation_code_that_the_resident_redeems(
    client: TestClient, site: Site
) -> None:
    person = site.people()[-1]
    assert sign_in(client, "staff", "demo-staff-2024").status_code == 303
    url = f"/office/c/{site.world.community_id}/people/{person.id}/invitation"
    form = client.get(url)
    shown = client.post(url, data={"csrf_token": csrf_of(form.text), "login": "zhao.lei"})
    assert shown.status_code == 200
    code = re.search(r'<dd class="code">([A-Z0-9-]+)</dd>', shown.text)
    assert code, "the code is not shown"
    client.cookies.clear()
    assert redeem(client, "zhao.lei", code.group(1)).headers["location"] == "/my"


def test_a_browser_gets_a_page_with_the_plain_message_when_a_form_is_refused(
    client: TestClient,
) -> None:
    client.get("/signin")
    response = client.post(
        "/signin",
        data={"csrf_token": "forged.token", "login": "resident", "password": "x"},
        headers=HTML,
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "表单已过期或来源不明" in response.text and 'role="alert"' in response.text


def test_a_notice_is_shown_with_its_headings_and_nothing_in_it_becomes_markup() -> None:
    from menwei.server.web.templating import notice_html

    html = str(notice_html("# 规则\n**处理者：** <script>alert(1)</script>\n\n## 目的"))
    assert "<h3>规则</h3>" in html and "<h4>目的</h4>" in html
    assert "<strong>处理者：</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
