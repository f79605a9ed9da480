"""Only the person speaks for themselves: attacks on a resident's account through the real API.

Each test replays a way staff or a processor admin took over a resident's account: a new
invitation code for an account in use, a second account for the same person, a password set by
an administrator. Each is refused, and a password change ends every other session and token.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from menwei.server.auth.passwords import hash_password
from menwei.store.tables import UserAccountRow

from .conftest import PASSWORD


def _invite(client, world, person_id: uuid.UUID, login: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/communities/{world.a.community_id}/people/{person_id}/invitation",
        json={"login": login},
        headers=world.auth("community_staff"),
    )


def test_staff_cannot_issue_an_invitation_for_a_resident_who_has_an_account(client, world) -> None:  # type: ignore[no-untyped-def]
    for login in ("resident", "takeover"):
        response = _invite(client, world, world.a.resident_id, login)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "person_has_account"
    # the resident's own token still works, and no staff-chosen password opens the account
    assert client.get("/api/v1/me", headers=world.auth("resident")).status_code == 200
    signed_in = client.post(
        "/api/v1/auth/token", json={"login": "resident", "password": "staff-chosen-pass"}
    )
    assert signed_in.status_code == 401


def test_a_code_for_a_new_person_works_once_then_the_account_is_theirs(client, world, app) -> None:  # type: ignore[no-untyped-def]
    person = client.post(
        f"/api/v1/communities/{world.a.community_id}/people",
        json={"name": "赵磊", "role": "owner"},
        headers=world.auth("community_staff"),
    )
    assert person.status_code == 201, person.text
    person_id = uuid.UUID(person.json()["id"])
    first = _invite(client, world, person_id, "zhaolei")
    assert first.status_code == 201, first.text
    # a second code before the first sign-in is still fine (the account is not in use yet)
    issued = _invite(client, world, person_id, "zhaolei")
    assert issued.status_code == 201
    from menwei.server.web.accounts import invitations
    from menwei.store.uow import UnitOfWork

    invitations.redeem(
        UnitOfWork(app.state.session_factory),
        app.state.throttle,
        login="zhaolei",
        code=issued.json()["code"],
        password="zhao-own-password",
        client="test",
    )
    again = _invite(client, world, person_id, "zhaolei")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "person_has_account"


def test_a_processor_admin_cannot_create_a_second_account_for_a_person(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/users",
        json={
            "login": "second_li_na",
            "password": "a-long-enough-pass",
            "role": "resident",
            "person_id": str(world.a.resident_id),
            "processor_id": str(world.a.processor_id),
        },
        headers=world.auth("processor_admin"),
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "person_has_account"


def test_the_database_holds_one_account_per_person(app, world) -> None:  # type: ignore[no-untyped-def]
    with app.state.session_factory() as session:
        session.add(
            UserAccountRow(
                id=uuid.uuid4(),
                login="bypass",
                password_hash=hash_password("x" * 12),
                role="resident",
                person_id=world.a.resident_id,
            )
        )
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


@pytest.mark.parametrize("admin", ["platform_admin", "processor_admin"])
def test_no_administrator_sets_a_residents_password(client, world, admin: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/users/{world.accounts['resident']}/password",
        json={"password": "admin-chosen-pass"},
        headers=world.auth(admin),
    )
    assert response.status_code in (403, 404), response.text
    taken = client.post(
        "/api/v1/auth/token", json={"login": "resident", "password": "admin-chosen-pass"}
    )
    assert taken.status_code == 401
    assert client.get("/api/v1/me", headers=world.auth("resident")).status_code == 200


def test_a_password_change_ends_every_other_session_and_token(client, world) -> None:  # type: ignore[no-untyped-def]
    other = client.post(
        "/api/v1/auth/token", json={"login": "resident", "password": PASSWORD}
    ).json()["token"]
    other_headers = {"Authorization": f"Bearer {other}"}
    assert client.get("/api/v1/me", headers=other_headers).status_code == 200
    wrong = client.post(
        "/api/v1/me/password",
        json={"current_password": "not it at all", "new_password": "a-new-long-pass"},
        headers=world.auth("resident"),
    )
    assert wrong.status_code == 422
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a-new-long-pass"},
        headers=world.auth("resident"),
    )
    assert changed.status_code == 204, changed.text
    assert client.get("/api/v1/me", headers=other_headers).status_code == 401
    assert client.get("/api/v1/me", headers=world.auth("resident")).status_code == 200
    old = client.post("/api/v1/auth/token", json={"login": "resident", "password": PASSWORD})
    assert old.status_code == 401


def test_a_lost_phone_recovery_ends_everything_and_the_person_sets_the_password(
    client, world, app
) -> None:  # type: ignore[no-untyped-def]
    started = client.post(
        f"/api/v1/communities/{world.a.community_id}/people/{world.a.resident_id}/recovery",
        json={"office_record": "paper form 2026-118, ID card seen"},
        headers=world.auth("community_staff"),
    )
    assert started.status_code == 201, started.text
    assert client.get("/api/v1/me", headers=world.auth("resident")).status_code == 401
    code = started.json()["code"]
    weak = client.post(
        "/api/v1/auth/recover", json={"login": "resident", "code": code, "password": "aaaa"}
    )
    assert weak.status_code == 422
    done = client.post(
        "/api/v1/auth/recover",
        json={"login": "resident", "code": code, "password": "li-na-new-pass"},
    )
    assert done.status_code == 204, done.text
    again = client.post(
        "/api/v1/auth/recover",
        json={"login": "resident", "code": code, "password": "someone-else-pass"},
    )
    assert again.status_code == 401  # the code is spent
    token = client.post(
        "/api/v1/auth/token", json={"login": "resident", "password": "li-na-new-pass"}
    ).json()["token"]
    mine = client.get("/api/v1/me/privacy/audit", headers={"Authorization": f"Bearer {token}"})
    assert "account_recovery" in mine.text, mine.text
    # staff of another community cannot start it
    other = client.post(
        f"/api/v1/communities/{world.a.community_id}/people/{world.a.resident_id}/recovery",
        json={"office_record": "x"},
        headers=world.auth("staff_b"),
    )
    assert other.status_code in (403, 404)
