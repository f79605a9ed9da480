"""Signing in: argon2 passwords, HttpOnly session cookies, bearer tokens, and lockout."""

from __future__ import annotations

from fastapi.testclient import TestClient

from menwei.server.deps import SESSION_COOKIE

from .conftest import PASSWORD


def test_a_login_sets_an_httponly_lax_secure_session_cookie(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/auth/login", json={"login": "community_staff", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" in cookie
    assert response.json()["account"]["role"] == "community_staff"
    assert "password" not in response.text


def test_the_session_cookie_opens_the_api_and_logout_ends_it(world, app) -> None:  # type: ignore[no-untyped-def]
    # The cookie is Secure, so this client talks to the app as https.
    with TestClient(app, base_url="https://testserver") as browser:
        browser.post("/api/v1/auth/login", json={"login": "resident", "password": PASSWORD})
        me = browser.get("/api/v1/me")
        assert me.status_code == 200
        assert me.json()["person_id"] == str(world.a.resident_id)
        assert browser.post("/api/v1/auth/logout").status_code == 204
        browser.cookies.clear()
        assert browser.get("/api/v1/me").status_code == 401


def test_a_stolen_cookie_value_stops_working_after_logout(world, app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://testserver") as browser:
        browser.post("/api/v1/auth/login", json={"login": "resident", "password": PASSWORD})
        stolen = browser.cookies.get(SESSION_COOKIE)
        browser.post("/api/v1/auth/logout")
    with TestClient(app, base_url="https://testserver") as thief:
        thief.cookies.set(SESSION_COOKIE, stolen)
        assert thief.get("/api/v1/me").status_code == 401


def test_a_bearer_token_is_issued_once_and_only_its_hash_is_stored(client, world, app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    response = client.post(
        "/api/v1/auth/token", json={"login": "platform_admin", "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("mwu_")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["role"] == "platform_admin"
    with app.state.engine.connect() as connection:
        stored = [row[0] for row in connection.execute(text("SELECT token_sha256 FROM api_tokens"))]
    assert token not in stored
    assert len(stored[0]) == 64


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, world) -> None:  # type: ignore[no-untyped-def]
    wrong_password = client.post(
        "/api/v1/auth/login", json={"login": "community_staff", "password": "nope-nope-nope"}
    )
    no_such_user = client.post(
        "/api/v1/auth/login", json={"login": "nobody", "password": "nope-nope-nope"}
    )
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert wrong_password.json() == no_such_user.json()
    assert wrong_password.json()["error"]["code"] == "invalid_credentials"


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, world) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"login": "supervisor", "password": "guess-guess"})
    locked = client.post("/api/v1/auth/login", json={"login": "supervisor", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "account_locked"
    assert int(locked.headers["retry-after"]) > 0
    assert "分钟" in locked.json()["error"]["message"]


def test_a_disabled_account_cannot_sign_in(client, world, app) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from menwei.store.uow import UnitOfWork

    uow = UnitOfWork(app.state.session_factory)
    with uow:
        account = uow.accounts.by_login("committee_member")
        uow.accounts.save(replace(account, disabled=True))
        uow.commit()
    response = client.post(
        "/api/v1/auth/login", json={"login": "committee_member", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_disabled"
    token_call = client.get("/api/v1/me", headers=world.auth("committee_member"))
    assert token_call.status_code == 401


def test_the_demo_serves_cookies_without_the_secure_flag_on_loopback(world, settings) -> None:  # type: ignore[no-untyped-def]
    from menwei.server import create_app

    demo_settings = settings.model_copy(update={"demo": True})
    app = create_app(demo_settings)
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/auth/login", json={"login": "resident", "password": PASSWORD}
        )
    app.state.engine.dispose()
    assert response.status_code == 200
    assert "Secure" not in response.headers["set-cookie"]
