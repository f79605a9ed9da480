"""The password page: the account holder changes their own password and every other sign-in of
the account ends, the one in use stays."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import csrf_of, sign_in


def test_changing_the_password_on_the_page_ends_every_other_sign_in(
    client: TestClient, site: Site
) -> None:
    token = client.post(
        "/api/v1/auth/token", json={"login": "resident", "password": "demo-resident-2024"}
    ).json()["token"]
    elsewhere = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=elsewhere).status_code == 200
    assert sign_in(client, "resident", "demo-resident-2024").status_code == 303
    form = client.get("/account/password")
    assert form.status_code == 200
    wrong = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_of(form.text),
            "current_password": "not my password",
            "new_password": "resident-new-2026",
        },
    )
    assert wrong.status_code == 422
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_of(wrong.text),
            "current_password": "demo-resident-2024",
            "new_password": "resident-new-2026",
        },
    )
    assert changed.status_code == 200, changed.text
    assert client.get("/api/v1/me", headers=elsewhere).status_code == 401
    assert client.get("/account/password").status_code == 200  # this browser stays signed in
