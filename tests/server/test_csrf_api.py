"""Changes made with the session cookie need this site's CSRF token and origin; bearer tokens
(API clients, devices) are not sent by browsers on their own and need neither."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from menwei.server.deps import SESSION_COOKIE

from .conftest import PASSWORD

SITE = "https://testserver"


@pytest.fixture
def browser(app, world) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A cookie-holding client signed in as community staff (the cookie is Secure: https)."""
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as signed_in:
        response = signed_in.post(
            "/api/v1/auth/login", json={"login": "community_staff", "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        signed_in.token = response.json()["csrf_token"]  # type: ignore[attr-defined]
        yield signed_in


def _people(world) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/communities/{world.a.community_id}/people"


def _names(browser: TestClient, world) -> list[str]:  # type: ignore[no-untyped-def]
    listed = browser.get(_people(world), params={"limit": 200})
    assert listed.status_code == 200, listed.text
    return [person["name"] for person in listed.json()["items"]]


def test_a_change_with_the_cookie_but_no_token_is_refused_and_changes_nothing(
    browser: TestClient, world
) -> None:  # type: ignore[no-untyped-def]
    refused = browser.post(_people(world), json={"name": "冒名者", "role": "tenant"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_rejected"
    assert "X-CSRF-Token" in refused.json()["error"]["message"]
    assert "冒名者" not in _names(browser, world)


def test_the_token_returned_at_sign_in_lets_the_same_session_make_changes(
    browser: TestClient, world
) -> None:  # type: ignore[no-untyped-def]
    created = browser.post(
        _people(world),
        json={"name": "张伟", "role": "tenant"},
        headers={"X-CSRF-Token": browser.token, "Origin": SITE},  # type: ignore[attr-defined]
    )
    assert created.status_code == 201, created.text
    assert "张伟" in _names(browser, world)


def test_a_page_token_works_in_the_header_too(browser: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    from tests.web.forms import csrf_of

    page = browser.get("/signin")
    token = csrf_of(page.text)
    created = browser.post(
        _people(world), json={"name": "王敏", "role": "owner"}, headers={"X-CSRF-Token": token}
    )
    assert created.status_code == 201, created.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "https://testserver.evil"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_request_from_another_site_is_refused_even_with_a_valid_token(
    browser: TestClient, world, headers: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    refused = browser.post(
        _people(world),
        json={"name": "跨站", "role": "tenant"},
        headers={"X-CSRF-Token": browser.token, **headers},  # type: ignore[attr-defined]
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_rejected"
    assert "跨站" not in _names(browser, world)


def test_an_opaque_origin_from_our_own_page_is_judged_by_its_token(
    browser: TestClient, world
) -> None:  # type: ignore[no-untyped-def]
    """What Chromium sends for our forms, since our pages ask for no referrer."""
    same_page = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    created = browser.post(
        _people(world),
        json={"name": "刘洋", "role": "owner"},
        headers={"X-CSRF-Token": browser.token, **same_page},  # type: ignore[attr-defined]
    )
    assert created.status_code == 201, created.text
    refused = browser.post(
        _people(world), json={"name": "无凭", "role": "owner"}, headers=same_page
    )
    assert refused.status_code == 403


def test_a_token_from_another_session_is_worthless(app, world, browser: TestClient) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as other:
        other.post("/api/v1/auth/login", json={"login": "community_staff", "password": PASSWORD})
        refused = other.post(
            _people(world),
            json={"name": "借用", "role": "tenant"},
            headers={"X-CSRF-Token": browser.token},  # type: ignore[attr-defined]
        )
    assert refused.status_code == 403


def test_the_refusal_is_translated(browser: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    english = browser.delete(
        f"{_people(world)}/{world.a.resident_id}",
        headers={"Accept-Language": "en", "X-CSRF-Token": "forged.token"},
    )
    assert english.status_code == 403
    assert "nothing was changed" in english.json()["error"]["message"]
    chinese = browser.post(_people(world), json={"name": "甲", "role": "tenant"})
    assert "未做任何更改" in chinese.json()["error"]["message"]


def test_bearer_tokens_need_no_csrf_token(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    created = client.post(
        _people(world),
        json={"name": "赵磊", "role": "owner"},
        headers={**world.auth("community_staff"), "Origin": "https://tool.example"},
    )
    assert created.status_code == 201, created.text


def test_reads_with_the_cookie_need_no_token(browser: TestClient) -> None:
    assert SESSION_COOKIE in browser.cookies
    assert browser.get("/api/v1/me").status_code == 200
