"""Accounts, tokens, sessions and devices: found by digest only, scoped to what they may touch."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from tests.store.builders import T0, make_site

from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.records import ApiToken, Device, LoginSession, UserAccount
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def test_an_account_keeps_its_role_and_community_scopes(uow: UnitOfWork) -> None:
    site, other = make_site(uow, "甲"), make_site(uow, "乙")
    account = UserAccount(
        id=uuid.uuid4(),
        login="staff.wang",
        password_hash=ARGON2,
        role="community_staff",
        locale="en",
        processor_id=site.processor.id,
        staff_of=frozenset({site.community.id}),
        supervises=frozenset({site.community.id, other.community.id}),
    )
    with uow:
        uow.accounts.save(account)
        uow.commit()
    with uow:
        stored = uow.accounts.by_login("staff.wang")
    assert stored is not None
    assert stored.staff_of == {site.community.id}
    assert stored.supervises == {site.community.id, other.community.id}
    assert stored.committee_of == frozenset()
    assert (stored.role, stored.locale, stored.password_hash) == ("community_staff", "en", ARGON2)


def test_a_login_is_unique(uow: UnitOfWork) -> None:
    first = UserAccount(id=uuid.uuid4(), login="admin", password_hash=ARGON2, role="platform_admin")
    with uow:
        uow.accounts.save(first)
        uow.commit()
    with uow, pytest.raises(RecordConflict):
        uow.accounts.save(
            UserAccount(id=uuid.uuid4(), login="admin", password_hash=ARGON2, role="resident")
        )


def test_tokens_and_sessions_are_found_by_digest_and_stored_only_as_digests(
    uow: UnitOfWork, engine: sa.Engine
) -> None:
    account = UserAccount(id=uuid.uuid4(), login="a", password_hash=ARGON2, role="resident")
    secret, cookie = "mwu_secret-token", "mws_cookie"
    with uow:
        uow.accounts.save(account)
        uow.accounts.add_token(
            ApiToken(id=uuid.uuid4(), account_id=account.id, token_sha256=_digest(secret))
        )
        uow.accounts.add_session(
            LoginSession(
                id=uuid.uuid4(),
                account_id=account.id,
                token_sha256=_digest(cookie),
                expires_at=T0 + timedelta(hours=8),
            )
        )
        uow.commit()
    with uow:
        token = uow.accounts.token_by_hash(_digest(secret))
        assert token is not None and token.usable_at(T0)
        assert uow.accounts.session_by_hash(_digest(cookie), T0) is not None
        assert uow.accounts.session_by_hash(_digest(cookie), T0 + timedelta(hours=9)) is None
    with engine.connect() as connection:
        dump = " ".join(
            str(value)
            for table in ("api_tokens", "login_sessions")
            for row in connection.execute(sa.text(f"SELECT * FROM {table}"))
            for value in row
        )
    assert secret not in dump and cookie not in dump


def test_a_password_reset_ends_every_session(uow: UnitOfWork) -> None:
    account = UserAccount(id=uuid.uuid4(), login="b", password_hash=ARGON2, role="resident")
    with uow:
        uow.accounts.save(account)
        uow.accounts.add_session(
            LoginSession(
                id=uuid.uuid4(),
                account_id=account.id,
                token_sha256=_digest("x"),
                expires_at=T0 + timedelta(hours=8),
            )
        )
        uow.accounts.set_password_hash(account.id, ARGON2 + "new")
        uow.commit()
    with uow:
        assert uow.accounts.session_by_hash(_digest("x"), T0) is None
        assert uow.accounts.get(account.id).password_hash.endswith("new")


def test_a_device_serves_only_doors_of_its_community(uow: UnitOfWork) -> None:
    site, other = make_site(uow, "甲"), make_site(uow, "乙")
    device = Device(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="南门闸机",
        token_sha256=_digest("mwd_1"),
        door_ids=frozenset({site.gate.id, other.gate.id}),
    )
    with uow, pytest.raises(RecordNotFound):
        uow.devices.save(device)


def test_a_device_is_found_by_token_until_it_is_revoked(uow: UnitOfWork) -> None:
    site = make_site(uow)
    device = Device(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="南门闸机",
        token_sha256=_digest("mwd_2"),
        door_ids=frozenset({site.gate.id}),
    )
    with uow:
        uow.devices.save(device)
        uow.devices.seen(device.id, T0, sync_cursor=42)
        uow.commit()
    with uow:
        found = uow.devices.by_token_hash(_digest("mwd_2"))
        assert found is not None
        assert (found.door_ids, found.sync_cursor, found.last_seen_at) == (
            frozenset({site.gate.id}),
            42,
            T0,
        )
        uow.devices.revoke(device.id, T0, CommunityScope.all())
        uow.commit()
    with uow:
        assert uow.devices.by_token_hash(_digest("mwd_2")) is None
        with pytest.raises(RecordNotFound):
            uow.devices.get(device.id, CommunityScope.of([uuid.uuid4()]))


def test_one_save_writes_a_new_device_and_its_doors_and_a_second_replaces_the_doors(
    uow: UnitOfWork,
) -> None:
    site = make_site(uow)
    device = Device(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="单元门读头",
        token_sha256=_digest("mwd_3"),
        door_ids=frozenset({site.gate.id, site.unit_door.id}),
    )
    with uow:
        uow.devices.save(device)
        uow.commit()
    with uow:
        assert uow.devices.get(device.id, CommunityScope.all()).door_ids == device.door_ids
        uow.devices.save(replace(device, door_ids=frozenset({site.unit_door.id})))
        uow.commit()
    with uow:
        assert uow.devices.get(device.id, CommunityScope.all()).door_ids == {site.unit_door.id}


def test_the_first_transport_key_is_pinned_and_a_later_one_does_not_replace_it(
    uow: UnitOfWork,
) -> None:
    site = make_site(uow)
    device = Device(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="南门闸机",
        token_sha256=_digest("mwd_4"),
        door_ids=frozenset({site.gate.id}),
    )
    first, second = "A" * 43 + "=", "B" * 43 + "="
    with uow:
        uow.devices.save(device)
        assert uow.devices.pin_transport_key(device.id, first) == first
        uow.commit()
    with uow:
        assert uow.devices.pin_transport_key(device.id, second) == first
        uow.commit()
    with uow:
        assert uow.devices.get(device.id, CommunityScope.all()).transport_public_key == first
        assert uow.devices.pin_transport_key(uuid.uuid4(), second) is None


def test_a_device_registered_with_its_key_keeps_it_through_later_saves(uow: UnitOfWork) -> None:
    site = make_site(uow)
    key = "C" * 43 + "="
    device = Device(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="车库道闸",
        token_sha256=_digest("mwd_5"),
        door_ids=frozenset({site.gate.id}),
        transport_public_key=key,
    )
    with uow:
        uow.devices.save(device)
        uow.devices.save(replace(device, name="车库道闸 2"))
        uow.commit()
    with uow:
        assert uow.devices.by_token_hash(_digest("mwd_5")).transport_public_key == key  # type: ignore[union-attr]
        assert uow.devices.pin_transport_key(device.id, "D" * 43 + "=") == key
