"""The unit of work commits only when told to, and each repository sees only its scope."""

from __future__ import annotations

import uuid

import pytest
from tests.store.builders import make_site

from menwei.core.person import Person, Role
from menwei.store.errors import RecordNotFound
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


def test_leaving_without_commit_rolls_back(uow: UnitOfWork) -> None:
    site = make_site(uow)
    visitor = Person(
        id=uuid.uuid4(), community_id=site.community.id, name="李雷", role=Role.VISITOR
    )
    with uow:
        uow.people.save(visitor)
    with uow, pytest.raises(RecordNotFound):
        uow.people.get(visitor.id, CommunityScope.all())


def test_an_exception_inside_the_block_rolls_back(uow: UnitOfWork) -> None:
    site = make_site(uow)
    visitor = Person(
        id=uuid.uuid4(), community_id=site.community.id, name="李雷", role=Role.VISITOR
    )
    with pytest.raises(RuntimeError), uow:
        uow.people.save(visitor)
        raise RuntimeError("half-way")
    with uow:
        assert [p.name for p in uow.people.list(CommunityScope.all())] == ["王芳"]


def test_committed_people_come_back_as_domain_objects(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow:
        assert uow.people.get(site.owner.id, CommunityScope.all()) == site.owner


def test_a_person_of_another_community_is_not_found_rather_than_forbidden(
    uow: UnitOfWork,
) -> None:
    mine = make_site(uow, "太阳国际公寓")
    theirs = make_site(uow, "武陵花园")
    my_scope = CommunityScope.of([mine.community.id])
    with uow:
        with pytest.raises(RecordNotFound):
            uow.people.get(theirs.owner.id, my_scope)
        assert [p.id for p in uow.people.list(my_scope)] == [mine.owner.id]
        assert [d.community_id for d in uow.places.doors(my_scope)] == [mine.community.id] * 2


def test_an_empty_scope_sees_nothing(uow: UnitOfWork) -> None:
    make_site(uow)
    with uow:
        assert uow.people.list(CommunityScope.of([])) == []
        assert uow.places.communities(CommunityScope.of([])) == []


def test_a_unit_of_work_cannot_be_entered_twice_at_once(uow: UnitOfWork) -> None:
    with uow, pytest.raises(RuntimeError), uow:
        pass


def test_people_are_counted_inside_the_scope_only(uow: UnitOfWork) -> None:
    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    with uow:
        assert uow.people.count(CommunityScope.of([mine.community.id])) == 1
        assert uow.people.count(CommunityScope.all()) == 2
        assert uow.people.count(CommunityScope.all(), community_id=theirs.community.id) == 1
        assert uow.people.count(CommunityScope.all(), role=Role.VISITOR) == 0


def test_an_overlong_name_is_refused_the_same_way_on_every_database(uow: UnitOfWork) -> None:
    from menwei.store.errors import ValueTooLong

    site = make_site(uow)
    rambling = Person(
        id=uuid.uuid4(), community_id=site.community.id, name="很" * 101, role=Role.OWNER
    )
    with uow, pytest.raises(ValueTooLong) as refused:
        uow.people.save(rambling)
    assert refused.value.details == {"field": "name", "limit": 100}
    assert "100" in refused.value.message()


def test_writing_into_a_community_that_does_not_exist_is_not_found(uow: UnitOfWork) -> None:
    stray = Person(id=uuid.uuid4(), community_id=uuid.uuid4(), name="无名", role=Role.OWNER)
    with uow, pytest.raises(RecordNotFound) as refused:
        uow.people.save(stray)
    assert refused.value.details["kind"] == "community"


def test_a_door_cannot_belong_to_a_building_of_another_community(uow: UnitOfWork) -> None:
    from dataclasses import replace

    mine, theirs = make_site(uow, "甲"), make_site(uow, "乙")
    with uow, pytest.raises(RecordNotFound):
        uow.places.save_door(replace(mine.unit_door, building_id=theirs.building.id))


def test_a_name_filter_counts_exactly_the_people_it_would_list(uow: UnitOfWork) -> None:
    site = make_site(uow)
    scope = CommunityScope.all()
    with uow:
        owner = uow.people.list(scope)[0]
        assert uow.people.count(scope, name_contains=owner.name[:1]) == 1
        assert uow.people.count(scope, name_contains="%") == len(
            uow.people.list(scope, name_contains="%")
        )
        assert uow.people.count(scope, community_id=site.community.id, name_contains="无此人") == 0
