"""Accounts and least privilege: the rules of ``services.accounts`` and ``account_guard``, in
memory. Only the person speaks for themselves; administrators manage only what they run.

The same rules through the HTTP API and the database: tests/server/test_guarantee_accounts.py,
test_auth.py and test_users_and_imports.py.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from tests.fakes.login_failures import FakeLoginFailures

from menwei.server.auth.throttle import LoginThrottle
from menwei.server.auth.tokens import (
    DEVICE_TOKEN_PREFIX,
    USER_TOKEN_PREFIX,
    new_token,
    token_hash,
)
from menwei.server.domain.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from menwei.server.policy import AccountRole
from menwei.server.services import account_guard, accounts
from menwei.store.errors import RecordNotFound
from menwei.store.records import ApiToken, Device

from .conftest import PASSWORD, World

NEW_PASSWORD = "a-new-long-pass"


def _throttle() -> LoginThrottle:
    return LoginThrottle(FakeLoginFailures(), max_failures=3, lockout_seconds=900)  # type: ignore[arg-type]


def _spec(login: str, role: AccountRole, **more: object) -> accounts.AccountSpec:
    return accounts.AccountSpec(login=login, password="a-long-enough-pass", role=role, **more)  # type: ignore[arg-type]


# -- one account per person, and only the person sets its password -------------------------


def test_a_second_account_for_a_person_is_refused(world: World) -> None:
    admin = world.principal("processor_admin")
    spec = _spec(
        "second_li_na",
        AccountRole.RESIDENT,
        person_id=world.a.resident_id,
        processor_id=world.a.processor_id,
    )
    with pytest.raises(Conflict) as refused:
        accounts.create_account(world.uow, spec, admin)
    assert refused.value.code == "person_has_account"
    assert accounts.account_by_login(world.uow, "second_li_na") is None


@pytest.mark.parametrize("admin", ["platform_admin", "processor_admin"])
def test_no_administrator_sets_a_residents_password(world: World, admin: str) -> None:
    resident = world.accounts["resident"]
    with pytest.raises(Forbidden) as refused:
        accounts.reset_password(world.uow, world.principal(admin), resident.id, "admin-chosen-pass")
    assert refused.value.code == "resident_password_is_personal"
    with world.uow:
        assert world.uow.accounts.get(resident.id).password_hash == resident.password_hash


def test_an_administrator_of_another_processor_finds_no_such_account(world: World) -> None:
    foreign = replace(world.principal("processor_admin"), processor_id=world.b.processor_id)
    staff_b = world.accounts["staff_b"]
    with pytest.raises(NotFound):
        accounts.reset_password(
            world.uow, world.principal("processor_admin"), staff_b.id, NEW_PASSWORD
        )
    with pytest.raises(NotFound):
        accounts.get_account(world.uow, world.principal("processor_admin"), staff_b.id)
    assert accounts.get_account(world.uow, foreign, staff_b.id).id == staff_b.id


def test_an_administrator_resets_a_staff_password_and_every_session_ends(world: World) -> None:
    staff = world.accounts["community_staff"]
    issued = accounts.issue_api_token(
        world.uow,
        _throttle(),
        login="community_staff",
        password=PASSWORD,
        client="c",
        name="t",
        days=1,
    )
    with world.uow:
        assert accounts.principal_for_bearer(world.uow, issued.secret) is not None
    accounts.reset_password(world.uow, world.principal("processor_admin"), staff.id, NEW_PASSWORD)
    with world.uow:
        assert accounts.principal_for_bearer(world.uow, issued.secret) is None


def test_an_account_is_the_persons_once_they_sign_in_or_hold_a_token_of_their_own(
    world: World,
) -> None:
    resident = world.accounts["resident"]
    with world.uow:
        assert not account_guard.in_use(world.uow, resident)
        for name in sorted(account_guard.ONE_TIME_CODES):
            world.uow.accounts.add_token(
                ApiToken(id=uuid.uuid4(), account_id=resident.id, token_sha256=name, name=name)
            )
        assert not account_guard.in_use(world.uow, resident)
        world.uow.accounts.add_token(
            ApiToken(id=uuid.uuid4(), account_id=resident.id, token_sha256="own", name="phone")
        )
        assert account_guard.in_use(world.uow, resident)
    accounts.sign_in(
        world.uow, _throttle(), login="resident", password=PASSWORD, client="c", session_hours=1
    )
    with world.uow:
        assert account_guard.in_use(world.uow, world.uow.accounts.get(resident.id))
        with pytest.raises(Conflict):
            account_guard.refuse_second_account(world.uow, world.a.resident_id)
        account_guard.refuse_second_account(world.uow, world.b.resident_id)


def test_a_password_change_ends_every_other_session_and_token(world: World) -> None:
    throttle = _throttle()
    tokens = [
        accounts.issue_api_token(
            world.uow, throttle, login="resident", password=PASSWORD, client="c", name="t", days=1
        ).secret
        for _ in range(2)
    ]
    me, other = tokens
    principal = world.principal("resident")
    with pytest.raises(InvalidRequest) as refused:
        accounts.change_own_password(
            world.uow,
            principal,
            current="not it at all",
            new=NEW_PASSWORD,
            keep_session=None,
            keep_token=me,
        )
    assert refused.value.code == "wrong_password"
    accounts.change_own_password(
        world.uow, principal, current=PASSWORD, new=NEW_PASSWORD, keep_session=None, keep_token=me
    )
    with world.uow:
        assert accounts.principal_for_bearer(world.uow, other) is None
        assert accounts.principal_for_bearer(world.uow, me) == principal
    with pytest.raises(Unauthenticated):
        accounts.sign_in(
            world.uow, throttle, login="resident", password=PASSWORD, client="c", session_hours=1
        )


# -- who may manage whom ---------------------------------------------------------------------


def test_a_processor_admin_manages_only_accounts_of_their_processor(world: World) -> None:
    admin = world.principal("processor_admin")
    with pytest.raises(Forbidden):
        accounts.create_account(world.uow, _spec("root2", AccountRole.PLATFORM_ADMIN), admin)
    with pytest.raises(Forbidden):
        accounts.create_account(
            world.uow,
            _spec("q_staff", AccountRole.COMMUNITY_STAFF, processor_id=world.b.processor_id),
            admin,
        )
    reaching = _spec(
        "reach_b",
        AccountRole.COMMUNITY_STAFF,
        processor_id=world.a.processor_id,
        community_ids=frozenset({world.b.community_id}),
    )
    with pytest.raises(RecordNotFound):
        accounts.create_account(world.uow, reaching, admin)
    created = accounts.create_account(
        world.uow,
        replace(reaching, login="staff_a2", community_ids=frozenset({world.a.community_id})),
        admin,
    )
    assert created.staff_of == {world.a.community_id} and created.committee_of == frozenset()
    assert {a.login for a in accounts.list_accounts(world.uow, admin)} == {
        "processor_admin",
        "community_staff",
        "resident",
        "staff_a2",
    }


def test_staff_and_residents_manage_no_accounts(world: World) -> None:
    for who in ("community_staff", "resident"):
        with pytest.raises(Forbidden):
            accounts.create_account(
                world.uow,
                _spec("x_" + who, AccountRole.COMMUNITY_STAFF, processor_id=world.a.processor_id),
                world.principal(who),
            )


def test_a_taken_login_and_a_weak_password_are_refused(world: World) -> None:
    with pytest.raises(Conflict):
        accounts.create_account(world.uow, _spec("resident", AccountRole.PLATFORM_ADMIN), None)
    weak = replace(_spec("newbie", AccountRole.PLATFORM_ADMIN), password="password123")
    with pytest.raises(InvalidRequest) as refused:
        accounts.create_account(world.uow, weak, None)
    assert refused.value.code == "weak_password"


# -- who a token or session speaks for ------------------------------------------------------


def test_each_role_reaches_only_its_own_communities(world: World) -> None:
    a, b = world.a.community_id, world.b.community_id
    assert world.principal("resident").community_ids == {a}
    assert world.principal("community_staff").community_ids == {a}
    assert world.principal("staff_b").community_ids == {b}
    assert world.principal("processor_admin").community_ids == {a}


def test_a_disabled_account_or_a_revoked_token_opens_nothing(world: World) -> None:
    issued = accounts.issue_api_token(
        world.uow,
        _throttle(),
        login="community_staff",
        password=PASSWORD,
        client="c",
        name="t",
        days=1,
    )
    accounts.sign_out(world.uow, cookie=None, bearer=issued.secret)
    with world.uow:
        assert accounts.principal_for_bearer(world.uow, issued.secret) is None
    session = accounts.sign_in(
        world.uow,
        _throttle(),
        login="community_staff",
        password=PASSWORD,
        client="c",
        session_hours=1,
    )
    with world.uow:
        assert accounts.principal_for_session(world.uow, session.secret) is not None
        staff = world.uow.accounts.get(world.accounts["community_staff"].id)
        world.uow.accounts.save(replace(staff, disabled=True))
        world.uow.commit()
        assert accounts.principal_for_session(world.uow, session.secret) is None
    with pytest.raises(Forbidden) as refused:
        accounts.sign_in(
            world.uow,
            _throttle(),
            login="community_staff",
            password=PASSWORD,
            client="c",
            session_hours=1,
        )
    assert refused.value.code == "account_disabled"


def test_a_gate_token_lapses_without_a_sync(world: World) -> None:
    token = new_token(DEVICE_TOKEN_PREFIX)
    device = Device(
        id=uuid.uuid4(),
        community_id=world.a.community_id,
        name="南大门闸机",
        token_sha256=token_hash(token),
        door_ids=frozenset({world.a.gate_id}),
    )
    with world.uow:
        world.uow.devices.save(device)
        world.uow.commit()
        gate = accounts.principal_for_bearer(world.uow, token)
        assert gate is not None and gate.role is AccountRole.DEVICE
        assert gate.community_ids == {world.a.community_id} and gate.door_ids == {world.a.gate_id}
        with pytest.raises(accounts.DeviceTokenExpired):
            accounts.principal_for_bearer(world.uow, token, device_token_days=0)
        assert accounts.principal_for_bearer(world.uow, new_token(USER_TOKEN_PREFIX)) is None


def test_repeated_wrong_passwords_slow_the_account_down(world: World) -> None:
    throttle = _throttle()
    for _ in range(3):  # the free failures
        with pytest.raises(Unauthenticated):
            accounts.sign_in(
                world.uow, throttle, login="resident", password="wrong", client="c", session_hours=1
            )
    with pytest.raises(RateLimited):
        accounts.sign_in(
            world.uow, throttle, login="resident", password=PASSWORD, client="c", session_hours=1
        )
