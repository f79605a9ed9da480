"""Common passwords are refused for every account, from the lists zxcvbn ships."""

from __future__ import annotations

import pytest

from menwei.server.auth.passwords import WeakPassword, check_strength

COMMON = ["1234567890", "password12", "password123", "qwertyuiop", "1qaz2wsx3edc", "woaini1314"]


@pytest.mark.parametrize("password", COMMON)
def test_a_common_password_is_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_strength(password)


def test_a_password_made_of_the_login_is_refused() -> None:
    check_strength("wangjianguo88")
    with pytest.raises(WeakPassword):
        check_strength("wangjianguo88", user_inputs=["wangjianguo88"])


@pytest.mark.parametrize("password", ["correct horse battery", "menwei-admin-2024"])
def test_a_long_uncommon_password_is_accepted(password: str) -> None:
    check_strength(password)


def test_a_platform_admin_cannot_be_given_a_common_password(client, world) -> None:
    for password in ("1234567890", "password12", "password123", "qwertyuiop"):
        answer = client.post(
            "/api/v1/users",
            json={
                "login": "new-admin",
                "password": password,
                "role": "platform_admin",
                "display_name": "新管理员",
            },
            headers={**world.auth("platform_admin"), "Accept-Language": "en"},
        )
        assert answer.status_code == 422, (password, answer.text)
        assert answer.json()["error"]["code"] == "weak_password"
        assert "common password" in answer.json()["error"]["message"]
