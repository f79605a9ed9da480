"""Accounts administered through the API, and the all-or-nothing resident import."""

from __future__ import annotations

import uuid

from .conftest import PASSWORD

CSV_OK = (
    "楼栋,单元,户号,面积,姓名,身份,出生日期,手机,卡号,入住日期\n"
    "2号楼,1,201,95.20,周杰,业主,1975-03-04,13800000001,0A0B0C0D,2019-05-01\n"
    "2号楼,1,202,88.00,吴倩,租户,1992-11-30,13800000002,,2023-02-01\n"
)
CSV_BAD = (
    "楼栋,单元,户号,面积,姓名,身份,出生日期\n"
    "3号楼,1,301,95.20,孙悦,业主,1975-03-04\n"
    "3号楼,1,302,-4,=cmd|calc,房东,2099-01-01\n"
)


def test_a_platform_admin_creates_a_staff_account_that_can_sign_in(client, world) -> None:  # type: ignore[no-untyped-def]
    created = client.post(
        "/api/v1/users",
        json={
            "login": "new_staff",
            "password": "a-long-enough-pass",
            "role": "community_staff",
            "community_ids": [str(world.a.community_id)],
        },
        headers=world.auth("platform_admin"),
    )
    assert created.status_code == 201, created.text
    assert "password" not in created.text
    assert created.json()["community_ids"] == [str(world.a.community_id)]
    token = client.post(
        "/api/v1/auth/token", json={"login": "new_staff", "password": "a-long-enough-pass"}
    ).json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["community_ids"] == [str(world.a.community_id)]


def test_a_weak_password_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/users",
        json={"login": "weak", "password": "aaaaaaaaaaaa", "role": "resident"},
        headers=world.auth("platform_admin"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "weak_password"


def test_a_processor_admin_cannot_create_a_platform_admin(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/users",
        json={
            "login": "sneaky",
            "password": "a-long-enough-pass",
            "role": "platform_admin",
            "processor_id": str(world.a.processor_id),
        },
        headers=world.auth("processor_admin"),
    )
    assert response.status_code == 403


def test_a_processor_admin_cannot_give_staff_another_processors_community(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/users",
        json={
            "login": "sneaky",
            "password": "a-long-enough-pass",
            "role": "community_staff",
            "processor_id": str(world.a.processor_id),
            "community_ids": [str(world.b.community_id)],
        },
        headers=world.auth("processor_admin"),
    )
    assert response.status_code == 404


def test_a_duplicate_login_is_a_conflict(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/users",
        json={"login": "resident", "password": "a-long-enough-pass", "role": "resident"},
        headers=world.auth("platform_admin"),
    )
    assert response.status_code == 409


def test_a_password_reset_ends_the_old_password_and_tokens(client, world) -> None:  # type: ignore[no-untyped-def]
    account = world.accounts["community_staff"]
    reset = client.post(
        f"/api/v1/users/{account}/password",
        json={"password": "brand-new-password"},
        headers=world.auth("platform_admin"),
    )
    assert reset.status_code == 204
    assert client.get("/api/v1/me", headers=world.auth("community_staff")).status_code == 401
    old = client.post("/api/v1/auth/token", json={"login": "community_staff", "password": PASSWORD})
    assert old.status_code == 401
    new = client.post(
        "/api/v1/auth/token", json={"login": "community_staff", "password": "brand-new-password"}
    )
    assert new.status_code == 200


def test_an_account_of_another_processor_looks_absent_to_a_processor_admin(client, world) -> None:  # type: ignore[no-untyped-def]
    other = world.accounts["platform_admin"]
    response = client.get(f"/api/v1/users/{other}", headers=world.auth("processor_admin"))
    assert response.status_code == 404
    missing = client.get(f"/api/v1/users/{uuid.uuid4()}", headers=world.auth("platform_admin"))
    assert missing.status_code == 404


def test_a_valid_sheet_imports_residents_units_and_cards(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/imports/residents",
        files={"file": ("residents.csv", CSV_OK.encode("utf-8"), "text/csv")},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["people"] == 2
    assert report["units"] == 2
    assert report["cards"] == 1


def test_an_invalid_sheet_imports_nothing_and_lists_errors_by_line(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/imports/residents",
        files={"file": ("residents.csv", CSV_BAD.encode("utf-8"), "text/csv")},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import_rejected"
    assert {e["line"] for e in error["details"]["errors"]} == {3}
    units = client.get(
        f"/api/v1/communities/{world.a.community_id}/units",
        headers=world.auth("community_staff"),
    ).json()
    assert units["total"] == 1


def test_a_file_that_is_not_a_sheet_is_refused_clearly(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/imports/residents",
        files={"file": ("photo.jpg", b"\xff\xd8\xff\xe0garbage", "image/jpeg")},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unsupported_file"
    corrupt = client.post(
        f"/api/v1/communities/{world.a.community_id}/imports/residents",
        files={"file": ("residents.xlsx", b"PK\x03\x04not really a zip", "application/zip")},
        headers=world.auth("community_staff"),
    )
    assert corrupt.status_code == 422
    assert corrupt.json()["error"]["code"] == "import_rejected"
