"""What page tests share: reading a form's CSRF token and signing in as a demo account."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

HTML = {"accept": "text/html"}


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, login: str = "resident", password: str | None = None):  # type: ignore[no-untyped-def]
    """Sign in through the form; the demo's password is ``demo-<login>-2024``."""
    form = client.get("/signin")
    return client.post(
        "/signin",
        data={
            "csrf_token": csrf_of(form.text),
            "login": login,
            "password": password or f"demo-{login}-2024",
        },
        follow_redirects=False,
    )
