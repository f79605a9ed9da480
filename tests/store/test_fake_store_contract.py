"""The in-memory store keeps the real store's contracts: every test here runs on the database
(SQLite, or PostgreSQL when the suite runs there) and on ``tests.fakes.FakeUnitOfWork``, and
must pass on both, so rule tests that run in memory check what the database would do."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import PendingRollbackError
from tests.fakes import FakeDatabase, FakeUnitOfWork
from tests.store.builders import Site, make_site

from menwei.core import (
    AccessGroup,
    Card,
    CredentialKind,
    Direction,
    Door,
    DoorKind,
    HouseholdMembership,
    PassIssuer,
    Person,
    PinCredential,
    QrPass,
    Role,
    TimeWindow,
    Validity,
    WeeklySchedule,
)
from menwei.store.errors import ControlCharacters, RecordConflict, RecordNotFound, ValueTooLong
from menwei.store.records import ApiToken, LoginSession, UserAccount
from menwei.store.repositories.login_failures import FailureCount
from menwei.store.repositories.privacy import PrivacySettings
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

ALL = CommunityScope.all()
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

Store = Callable[[], UnitOfWork]


@pytest.fixture(params=["database", "memory"])
def store(request: pytest.FixtureRequest) -> Store:
    """A maker of units of work on one shared store: the real database, or the fake."""
    if request.param == "database":
        engine = request.getfixturevalue("engine")
        return lambda: UnitOfWork.for_engine(engine)
    database = FakeDatabase()
    return lambda: FakeUnitOfWork(database)  # type: ignore[return-value]


def _visitor(site: Site, name: str = "李雷") -> Person:
    return Person(id=uuid.uuid4(), community_id=site.community.id, name=name, role=Role.VISITOR)


def _card(person: Person, uid: str = "04A21B9C", *, at: datetime = T0) -> Card:
    return Card(id=uuid.uuid4(), person_id=person.id, uid=uid, validity=Validity(valid_from=at))


def _pin(person: Person, *, at: datetime = T0) -> PinCredential:
    return PinCredential(
        id=uuid.uuid4(), person_id=person.id, pin_hash="h" * 40, validity=Validity(valid_from=at)
    )


def _group(site: Site, name: str, doors: frozenset[uuid.UUID]) -> AccessGroup:
    return AccessGroup(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name=name,
        door_ids=doors,
        schedule=WeeklySchedule(weekly={0: (TimeWindow.parse("07:00-19:00"),)}),
    )


# -- commit and rollback --------------------------------------------------------------------


def test_leaving_without_commit_discards_every_write(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    visitor = _visitor(site)
    with uow:
        uow.people.save(visitor)
        assert uow.people.get(visitor.id, ALL) == visitor
    with uow, pytest.raises(RecordNotFound):
        uow.people.get(visitor.id, ALL)


def test_an_exception_in_the_block_discards_the_writes_before_it(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    with pytest.raises(RuntimeError), uow:
        uow.people.save(_visitor(site))
        raise RuntimeError("half-way")
    with uow:
        assert [p.name for p in uow.people.list(ALL)] == ["王芳"]


def test_a_commit_keeps_what_came_before_it_and_the_block_goes_on(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    kept, dropped = _visitor(site, "甲"), _visitor(site, "乙")
    with uow:
        uow.people.save(kept)
        uow.commit()
        uow.people.save(dropped)
        assert len(uow.people.list(ALL)) == 3
    with uow:
        assert {p.id for p in uow.people.list(ALL)} == {site.owner.id, kept.id}


def test_a_rollback_discards_and_the_block_goes_on(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    dropped, kept = _visitor(site, "甲"), _visitor(site, "乙")
    with uow:
        uow.people.save(dropped)
        uow.rollback()
        uow.people.save(kept)
        uow.commit()
    with uow:
        assert {p.id for p in uow.people.list(ALL)} == {site.owner.id, kept.id}


def test_another_unit_of_work_sees_only_what_was_committed(store: Store) -> None:
    first, second = store(), store()
    site = make_site(first)
    pending, committed = _visitor(site, "甲"), _visitor(site, "乙")
    with first:
        first.people.save(committed)
        first.commit()
        first.people.save(pending)
        with second:
            assert {p.id for p in second.people.list(ALL)} == {site.owner.id, committed.id}


def test_a_unit_of_work_cannot_be_entered_twice_at_once(store: Store) -> None:
    uow = store()
    with uow, pytest.raises(RuntimeError), uow:
        pass


# -- scope ----------------------------------------------------------------------------------


def test_a_record_of_another_community_is_not_found(store: Store) -> None:
    uow = store()
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    card = _card(theirs.owner)
    group = _group(theirs, "保洁", frozenset({theirs.gate.id}))
    with uow:
        uow.credentials.save(card)
        uow.access.save_group(group)
        uow.commit()
    scope = CommunityScope.of([mine.community.id])
    lookups: dict[str, Callable[[], object]] = {
        "person": lambda: uow.people.get(theirs.owner.id, scope),
        "door": lambda: uow.places.door(theirs.gate.id, scope),
        "building": lambda: uow.places.building(theirs.building.id, scope),
        "unit": lambda: uow.places.unit(theirs.unit.id, scope),
        "community": lambda: uow.places.community(theirs.community.id, scope),
        "credential": lambda: uow.credentials.get(card.id, scope),
        "access group": lambda: uow.access.group(group.id, scope),
    }
    with uow:
        for kind, lookup in lookups.items():
            with pytest.raises(RecordNotFound) as refused:
                lookup()
            assert refused.value.details["kind"] == kind
        with pytest.raises(RecordNotFound):
            uow.credentials.revoke(card.id, T0, scope)
        with pytest.raises(RecordNotFound):
            uow.places.delete_door(theirs.gate.id, scope)
        with pytest.raises(RecordNotFound):
            uow.access.delete_group(group.id, scope)
        with pytest.raises(RecordNotFound):
            uow.people.memberships_of(theirs.owner.id, scope)
        assert [p.id for p in uow.people.list(scope)] == [mine.owner.id]
        assert {d.community_id for d in uow.places.doors(scope)} == {mine.community.id}
        assert uow.places.doors_by_id([theirs.gate.id, mine.gate.id], scope) == [mine.gate]
        assert uow.credentials.of_person(theirs.owner.id, scope) == []
        assert uow.credentials.of_community(theirs.community.id, scope) == []
        assert uow.access.groups(theirs.community.id, scope) == []


def test_an_empty_scope_sees_nothing(store: Store) -> None:
    uow = store()
    make_site(uow)
    nobody = CommunityScope.of([])
    with uow:
        assert uow.people.list(nobody) == []
        assert uow.places.doors(nobody) == []


def test_writing_under_a_parent_that_does_not_exist_is_not_found(store: Store) -> None:
    uow = store()
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    stray = Person(id=uuid.uuid4(), community_id=uuid.uuid4(), name="无名", role=Role.OWNER)
    with uow:
        with pytest.raises(RecordNotFound) as refused:
            uow.people.save(stray)
        assert refused.value.details["kind"] == "community"
        with pytest.raises(RecordNotFound) as refused:
            uow.credentials.save(_card(stray))
        assert refused.value.details["kind"] == "person"
        with pytest.raises(RecordNotFound) as refused:
            uow.places.save_door(replace(mine.unit_door, building_id=theirs.building.id))
        assert refused.value.details["kind"] == "building"
        with pytest.raises(RecordNotFound) as refused:
            uow.places.save_door(replace(theirs.gate, community_id=mine.community.id))
        assert refused.value.details["kind"] == "door"
        with pytest.raises(RecordNotFound) as refused:
            uow.people.add_membership(
                HouseholdMembership(
                    id=uuid.uuid4(),
                    person_id=mine.owner.id,
                    unit_id=theirs.unit.id,
                    moved_in=date(2024, 1, 1),
                )
            )
        assert refused.value.details["kind"] == "unit"


# -- uniqueness -----------------------------------------------------------------------------


def test_a_card_number_is_issued_once_per_community_even_after_a_revoke(store: Store) -> None:
    uow = store()
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    first = _card(mine.owner)
    with uow:
        uow.credentials.save(first)
        uow.credentials.save(_card(theirs.owner))  # another community may hold the number
        uow.credentials.revoke(first.id, T0, ALL)
        uow.commit()
    with uow, pytest.raises(RecordConflict) as refused:
        uow.credentials.save(_card(mine.owner))
    assert "card number" in refused.value.message("en")
    with uow:
        assert len(uow.credentials.of_community(mine.community.id, ALL)) == 1


def test_after_a_conflict_the_transaction_must_be_rolled_back(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    with uow:
        uow.credentials.save(_card(site.owner))
        uow.commit()
    visitor = _visitor(site)
    with uow:
        uow.people.save(visitor)
        with pytest.raises(RecordConflict):
            uow.credentials.save(_card(site.owner))
        with pytest.raises(PendingRollbackError):
            uow.commit()
        uow.rollback()
        assert len(uow.people.list(ALL)) == 1
    with uow, pytest.raises(RecordNotFound):
        uow.people.get(visitor.id, ALL)


def test_a_person_holds_one_live_pin(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    first = _pin(site.owner)
    with uow:
        uow.credentials.save(first)
        uow.commit()
    with uow, pytest.raises(RecordConflict) as refused:
        uow.credentials.save(_pin(site.owner))
    assert "live PIN" in refused.value.message("en")
    with uow:
        uow.credentials.revoke(first.id, T0 + timedelta(hours=1), ALL)
        uow.credentials.save(_pin(site.owner))
        uow.commit()
    with uow:
        pins = uow.credentials.of_person(site.owner.id, ALL)
        assert [p.validity.revoked_at is None for p in pins] == [False, True]


def test_names_are_unique_within_a_community(store: Store) -> None:
    uow = store()
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    with uow, pytest.raises(RecordConflict) as refused:
        uow.places.save_door(replace(mine.unit_door, id=uuid.uuid4(), name=mine.gate.name))
    assert mine.gate.name in refused.value.message("en")
    with uow:
        uow.places.save_door(replace(theirs.gate, id=uuid.uuid4(), name="其他"))
        uow.places.save_door(replace(mine.gate, name="南门（新）"))  # a door keeps its own name
        uow.access.save_group(_group(mine, "保洁", frozenset()))
        uow.access.save_group(_group(theirs, "保洁", frozenset()))
        uow.commit()
    with uow, pytest.raises(RecordConflict):
        uow.access.save_group(_group(mine, "保洁", frozenset()))


def test_one_account_per_person_and_per_login(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    owner = UserAccount(
        id=uuid.uuid4(),
        login="wangfang",
        password_hash="x",
        role="resident",
        person_id=site.owner.id,
    )
    with uow:
        uow.accounts.save(owner)
        uow.commit()
    with uow:
        with pytest.raises(RecordConflict) as refused:
            uow.accounts.save(replace(owner, id=uuid.uuid4(), login="other"))
        assert "one" in refused.value.message("en")
        # a refusal before any write leaves the transaction usable
        assert uow.accounts.by_person(site.owner.id) == uow.accounts.get(owner.id)
    with uow, pytest.raises(RecordConflict) as refused:
        uow.accounts.save(replace(owner, id=uuid.uuid4(), person_id=None))
    assert "wangfang" in refused.value.message("en")


def test_an_overlong_or_hidden_value_is_refused_by_name(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    with uow, pytest.raises(ValueTooLong) as refused:
        uow.people.save(replace(_visitor(site), name="很" * 101))
    assert refused.value.details == {"field": "name", "limit": 100}
    with uow, pytest.raises(ControlCharacters):
        uow.accounts.by_login("admin\x00")


# -- what the gates pull --------------------------------------------------------------------


def _pulled(uow: UnitOfWork, site: Site, cursor: int) -> list[tuple[str, str, str]]:
    return [(c.entity, c.entity_id, c.action) for c in uow.changes.since(site.community.id, cursor)]


def test_each_write_is_a_change_the_gates_pull_and_a_rollback_takes_it_back(
    store: Store,
) -> None:
    uow = store()
    site, other = make_site(uow, "甲"), make_site(uow, "乙")
    card = _card(site.owner)
    with uow:
        start, elsewhere = (
            uow.changes.cursor(site.community.id),
            uow.changes.cursor(other.community.id),
        )
        uow.credentials.save(card)
        uow.credentials.revoke(card.id, T0, ALL)
        uow.places.delete_door(site.unit_door.id, ALL)
        uow.commit()
    with uow:
        assert _pulled(uow, site, start) == [
            ("credential", str(card.id), "upsert"),
            ("credential", str(card.id), "upsert"),
            ("door", str(site.unit_door.id), "delete"),
        ]
        assert uow.changes.cursor(site.community.id) == start + 3
        assert uow.changes.cursor(other.community.id) == elsewhere
        assert len(uow.changes.since(site.community.id, start, limit=2)) == 2
        uow.people.save(_visitor(site))
    with uow:
        assert uow.changes.cursor(site.community.id) == start + 3


def test_group_members_and_holidays_are_changes_too(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    closed = _group(site, "保洁", frozenset({site.gate.id}))
    plain = _group(site, "住户", frozenset({site.gate.id}))
    with uow:
        uow.access.save_group(closed, holiday_windows=())
        uow.access.save_group(plain)
        start = uow.changes.cursor(site.community.id)
        uow.access.add_members(closed.id, [site.owner.id])
        uow.access.remove_member(closed.id, site.owner.id)
        observing = uow.access.set_holidays(site.community.id, {date(2026, 10, 1): "国庆节"})
        uow.commit()
    assert observing == [closed.id]
    with uow:
        assert _pulled(uow, site, start) == [
            ("person", str(site.owner.id), "upsert"),
            ("person", str(site.owner.id), "upsert"),
            ("holidays", str(site.community.id), "upsert"),
            ("access_group", str(closed.id), "upsert"),
        ]
        assert uow.access.group(closed.id, ALL).schedule.holidays == {date(2026, 10, 1): ()}
        assert uow.access.group(plain.id, ALL).schedule.holidays == {}
        assert uow.access.holiday_windows(closed.id, ALL) == ()
        assert uow.access.holiday_windows(plain.id, ALL) is None


# -- what comes back ------------------------------------------------------------------------


def test_credentials_come_back_by_kind_then_age_with_times_in_utc(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    beijing = timezone(timedelta(hours=8))
    pin, first, second = _pin(site.owner), _card(site.owner, "01"), _card(site.owner, "02")
    qr = QrPass(
        id=uuid.uuid4(),
        holder_id=site.owner.id,
        issued_by=site.owner.id,
        issuer_kind=PassIssuer.STAFF,
        door_ids=frozenset({site.gate.id}),
        validity=Validity(valid_from=T0.astimezone(beijing), valid_until=T0 + timedelta(hours=2)),
        max_uses=3,
    )
    with uow:
        for credential in (qr, pin, first, second):
            uow.credentials.save(credential)
        uow.commit()
    with uow:
        found = uow.credentials.of_person(site.owner.id, ALL)
        assert [c.id for c in found] == [first.id, second.id, pin.id, qr.id]
        read = uow.credentials.get(qr.id, ALL)
        assert read == qr
        assert read.validity.valid_from.tzinfo == UTC
        by_kind = uow.credentials.of_community(site.community.id, ALL, kind=CredentialKind.CARD)
        assert {c.id for c in by_kind} == {first.id, second.id}


def test_a_pass_names_doors_of_its_own_community_only(store: Store) -> None:
    uow = store()
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    qr = QrPass(
        id=uuid.uuid4(),
        holder_id=mine.owner.id,
        issued_by=mine.owner.id,
        issuer_kind=PassIssuer.STAFF,
        door_ids=frozenset({theirs.gate.id}),
        validity=Validity(valid_from=T0, valid_until=T0 + timedelta(hours=2)),
    )
    with uow, pytest.raises(RecordNotFound) as refused:
        uow.credentials.save(qr)
    assert refused.value.details["kind"] == "door"


def test_a_revocation_keeps_the_earliest_time(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    card = _card(site.owner)
    with uow:
        uow.credentials.save(card)
        uow.credentials.revoke(card.id, T0 + timedelta(hours=1), ALL)
        uow.credentials.revoke(card.id, T0 + timedelta(hours=3), ALL)
        assert uow.credentials.get(card.id, ALL).validity.revoked_at == T0 + timedelta(hours=1)
        uow.credentials.revoke(card.id, T0, ALL)
        assert uow.credentials.get(card.id, ALL).validity.revoked_at == T0


def test_a_group_reaches_no_door_or_member_of_another_community(store: Store) -> None:
    uow = store()
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    with uow, pytest.raises(RecordNotFound) as refused:
        uow.access.save_group(_group(mine, "越界", frozenset({theirs.gate.id})))
    assert refused.value.details["kind"] == "door"
    group = _group(mine, "住户", frozenset({mine.gate.id, mine.unit_door.id}))
    with uow:
        uow.access.save_group(group)
        uow.commit()
    with uow, pytest.raises(RecordNotFound) as refused:
        uow.access.add_members(group.id, [mine.owner.id, theirs.owner.id])
    assert refused.value.details["kind"] == "person"
    with uow:
        uow.access.add_members(group.id, [mine.owner.id])
        uow.places.delete_door(mine.unit_door.id, ALL)
        assert uow.access.members(group.id, ALL) == [mine.owner.id]
        assert uow.access.group(group.id, ALL).door_ids == {mine.gate.id}


def test_a_schedule_comes_back_ordered_with_the_communitys_timezone(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    late, early = TimeWindow.parse("18:00-20:00"), TimeWindow.parse("07:00-09:00")
    group = replace(
        _group(site, "保洁", frozenset()),
        schedule=WeeklySchedule(weekly={5: (late, early), 1: (), 0: (early,)}, timezone="UTC"),
    )
    with uow:
        uow.access.save_group(group)
        schedule = uow.access.group(group.id, ALL).schedule
    assert dict(schedule.weekly) == {0: (early,), 5: (early, late)}
    assert schedule.timezone == site.community.timezone


def test_a_password_change_ends_every_session_and_token_but_the_one_kept(store: Store) -> None:
    uow = store()
    make_site(uow)
    account = UserAccount(
        id=uuid.uuid4(), login="staff", password_hash="old", role="community_staff"
    )
    later = datetime.now(UTC) + timedelta(days=1)
    with uow:
        uow.accounts.save(account)
        for digest in ("s1", "s2"):
            uow.accounts.add_session(
                LoginSession(
                    id=uuid.uuid4(), account_id=account.id, token_sha256=digest, expires_at=later
                )
            )
        for digest in ("t1", "t2"):
            uow.accounts.add_token(
                ApiToken(id=uuid.uuid4(), account_id=account.id, token_sha256=digest)
            )
        uow.accounts.set_password_hash(account.id, "new", keep_session="s2", keep_token="t2")
        uow.commit()
    now = datetime.now(UTC)
    with uow:
        assert uow.accounts.get(account.id).password_hash == "new"
        assert uow.accounts.session_by_hash("s1", now) is None
        assert uow.accounts.session_by_hash("s2", now) is not None
        assert uow.accounts.session_by_hash("s2", later) is None  # expired counts as absent
        tokens = {k.token_sha256: k.revoked_at for k in uow.accounts.tokens_of(account.id)}
        assert tokens["t1"] is not None and tokens["t2"] is None
        with pytest.raises(RecordNotFound):
            uow.accounts.set_password_hash(uuid.uuid4(), "x")
        assert uow.accounts.get(account.id).created_at is not None
        assert uow.accounts.get(account.id).last_login_at is None


def test_a_door_and_a_person_come_back_as_saved(store: Store) -> None:
    uow = store()
    site = make_site(uow)
    barrier = Door(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="车库道闸",
        kind=DoorKind.GARAGE_BARRIER,
        direction=Direction.BOTH,
        accepts=frozenset({CredentialKind.CARD}),
    )
    with uow:
        uow.places.save_door(barrier)
        uow.commit()
    with uow:
        assert uow.places.door(barrier.id, ALL) == barrier
        assert uow.people.get(site.owner.id, ALL) == site.owner
        assert [d.name for d in uow.places.doors(ALL, community_id=site.community.id)] == sorted(
            [barrier.name, site.gate.name, site.unit_door.name]
        )


def test_a_move_out_ends_a_home_and_never_before_it_began(store: Store) -> None:
    from menwei.core.errors import InvalidConfiguration

    uow = store()
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    home = HouseholdMembership(
        id=uuid.uuid4(), person_id=mine.owner.id, unit_id=mine.unit.id, moved_in=date(2024, 1, 1)
    )
    with uow:
        start = uow.changes.cursor(mine.community.id)
        uow.people.add_membership(home)
        with pytest.raises(RecordNotFound) as refused:
            uow.people.move_out(
                home.id, date(2025, 6, 30), CommunityScope.of([theirs.community.id])
            )
        assert refused.value.details["kind"] == "household membership"
        with pytest.raises(InvalidConfiguration):
            uow.people.move_out(home.id, date(2020, 1, 1), ALL)
        uow.people.move_out(home.id, date(2025, 6, 30), ALL)
        uow.commit()
    with uow:
        assert uow.people.memberships_of(mine.owner.id, ALL) == [
            replace(home, moved_out=date(2025, 6, 30))
        ]
        assert _pulled(uow, mine, start) == [("person", str(mine.owner.id), "upsert")] * 2


@pytest.fixture(params=["database", "memory"])
def failure_log(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The login throttle's failure log: on the database, or in memory."""
    from tests.fakes.login_failures import FakeLoginFailures

    from menwei.store.repositories.login_failures import LoginFailureLog

    if request.param == "database":
        return LoginFailureLog(request.getfixturevalue("session_factory"))
    return FakeLoginFailures()


def test_failed_sign_ins_are_counted_per_login_and_per_address(failure_log) -> None:  # type: ignore[no-untyped-def]
    old = T0 - timedelta(hours=2)
    failure_log.add("l1", "10.0.0.1", at=old, forget_before=old)
    for login, client in (("l1", "10.0.0.1"), ("l1", "10.0.0.1"), ("l2", "10.0.0.1")):
        failure_log.add(login, client, at=T0, forget_before=T0 - timedelta(hours=1))
    since = T0 - timedelta(minutes=5)
    assert failure_log.for_login("l1", since=since) == FailureCount(2, T0)
    assert failure_log.for_login("l1", since=old - timedelta(hours=1)).count == 2  # old forgotten
    assert failure_log.accounts_from("10.0.0.1", since=since).count == 2
    failure_log.forgive("l1")
    assert failure_log.for_login("l1", since=since).count == 0
    assert failure_log.for_login("l3", since=since).last is None
    assert failure_log.accounts_from("10.0.0.1", since=since).count == 1


# -- privacy settings -----------------------------------------------------------------------


def test_a_community_without_settings_has_the_defaults_and_a_save_is_kept(store: Store) -> None:
    site = make_site(store())
    with store() as uow:
        settings = uow.privacy.settings.get(site.community.id)
        assert settings == PrivacySettings()
        assert (settings.pass_max_days, settings.pass_max_uses) == (7, 10)
        wider = replace(settings, pass_max_days=30, pass_max_uses=20)
        uow.privacy.settings.save(site.community.id, wider)
        assert uow.privacy.settings.get(site.community.id) == wider
    with store() as uow:
        assert uow.privacy.settings.get(site.community.id) == PrivacySettings()
        uow.privacy.settings.save(site.community.id, wider)
        uow.commit()
    with store() as uow:
        assert uow.privacy.settings.get(site.community.id) == wider
        assert uow.privacy.settings.get(uuid.uuid4()) == PrivacySettings()
