"""Owners' votes through the API: both Art 278 rules, co-owners, owners of several units,
changed and late ballots, the closed result in the audit chain and on the public page.

Votes last the installation's minimum or more (15 days here); the app's clock is moved forward
instead of shortening the vote."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from menwei.core import HouseholdMembership, Person, Role, Unit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

from .conftest import World

OPENS = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=15)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Roll:
    """Community A's owners' roll: three counted owners of 120 m² each (360 m² in all).

    * head 1: the resident, owner of two units (89.5 m² + 30.5 m²);
    * head 2: one unit co-owned by two people;
    * head 3: one unit, one owner.
    """

    resident_units: tuple[str, str]
    co_owned: str
    co_owners: tuple[str, str]
    single: str
    single_owner: str


def _owner(uow: UnitOfWork, community_id: uuid.UUID, name: str) -> Person:
    person = Person(
        id=uuid.uuid4(), community_id=community_id, name=name, role=Role.OWNER,
        date_of_birth=date(1975, 1, 1),
    )  # fmt: skip
    uow.people.save(person)
    return person


def _unit(uow: UnitOfWork, building_id: uuid.UUID, number: str, area: str) -> Unit:
    unit = Unit(
        id=uuid.uuid4(), building_id=building_id, number=number, floor_area_m2=Decimal(area)
    )
    uow.places.add_unit(unit)
    return unit


def _lives_in(uow: UnitOfWork, person: Person, unit: Unit) -> None:
    uow.people.add_membership(
        HouseholdMembership(
            id=uuid.uuid4(), person_id=person.id, unit_id=unit.id, moved_in=date(2020, 1, 1)
        )
    )


@pytest.fixture
def clock(app) -> Clock:  # type: ignore[no-untyped-def]
    given = Clock(OPENS + timedelta(days=1))
    app.state.clock = given
    return given


@pytest.fixture
def roll(app, world: World) -> Roll:  # type: ignore[no-untyped-def]
    a = world.a
    with UnitOfWork(app.state.session_factory) as uow:
        resident = uow.people.get(a.resident_id, _all())
        second = _unit(uow, a.building_id, "102", "30.5")
        _lives_in(uow, resident, second)
        co_owned = _unit(uow, a.building_id, "201", "120")
        wife, husband = _owner(uow, a.community_id, "张敏"), _owner(uow, a.community_id, "陈强")
        _lives_in(uow, wife, co_owned)
        _lives_in(uow, husband, co_owned)
        single = _unit(uow, a.building_id, "301", "120")
        alone = _owner(uow, a.community_id, "赵磊")
        _lives_in(uow, alone, single)
        uow.commit()
    return Roll(
        (str(a.unit_id), str(second.id)),
        str(co_owned.id),
        (str(wife.id), str(husband.id)),
        str(single.id),
        str(alone.id),
    )


def _all():  # type: ignore[no-untyped-def]
    from menwei.store.scope import CommunityScope

    return CommunityScope.all()


def _propose(client: TestClient, world: World, rule: str, who: str = "community_staff") -> str:
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/votes",
        json={
            "title": "在本小区启用人脸识别门禁",
            "full_text": "拟在南大门启用人脸识别，刷卡、密码与人工核验继续保留。",
            "notice_text": "人脸识别处理规则（草案）全文。",
            "opens_at": OPENS.isoformat(),
            "closes_at": CLOSES.isoformat(),
            "rule": rule,
        },
        headers=world.auth(who),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _vote(client: TestClient, world: World, proposal: str, unit: str, choice: str):  # type: ignore[no-untyped-def]
    return client.put(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/my-ballot",
        json={"unit_id": unit, "choice": choice},
        headers=world.auth("resident"),
    )


_NUMBERS = iter(range(1, 10_000))


def _paper(  # type: ignore[no-untyped-def]
    client: TestClient, world: World, proposal: str, unit: str, voter: str, choice: str,
    signed_at: datetime, who: str = "committee_member", reference: str | None = None,
):  # fmt: skip
    """The owners' committee enters a paper ballot, numbered afresh unless told."""
    return client.post(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/paper-ballots",
        json={
            "unit_id": unit,
            "voter_id": voter,
            "choice": choice,
            "signed_at": signed_at.isoformat(),
            "reference": reference or f"No. {next(_NUMBERS):04d}",
        },
        headers=world.auth(who),
    )


def _paper_ok(*args: object) -> None:
    response = _paper(*args)  # type: ignore[arg-type]
    assert response.status_code == 201, response.text


def _close(client: TestClient, world: World, proposal: str, who: str = "community_staff"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/close",
        headers=world.auth(who),
    )


def test_a_turnout_of_exactly_two_thirds_by_area_and_owners_is_enough(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    for unit in roll.resident_units:
        assert _vote(client, world, proposal, unit, "approve").status_code == 200
    signed = OPENS + timedelta(hours=12)
    response = _paper(client, world, proposal, roll.co_owned, roll.co_owners[0], "approve", signed)
    assert response.status_code == 201, response.text

    clock.now = CLOSES
    response = _close(client, world, proposal)

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["participating_area"] == "240"
    assert result["total_area"] == "360"
    assert (result["participating_heads"], result["total_heads"]) == (2, 3)
    assert result["turnout_met"] is True
    assert result["passed"] is True
    assert result["turnout_by_area_percent"] == "66.6"


def test_one_owner_short_of_two_thirds_fails_the_turnout_however_they_voted(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    assert _vote(client, world, proposal, roll.resident_units[0], "approve").status_code == 200
    signed = OPENS + timedelta(hours=12)
    _paper_ok(client, world, proposal, roll.single, roll.single_owner, "approve", signed)
    clock.now = CLOSES

    result = _close(client, world, proposal).json()

    # 89.5 + 120 of 360 m² and 2 of 3 owners: the area falls short of 2/3.
    assert result["participating_area"] == "209.5"
    assert result["turnout_met"] is False
    assert result["passed"] is False


def test_the_stricter_three_quarters_rule_refuses_what_the_ordinary_rule_passes(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    ordinary = _propose(client, world, "ordinary")
    strict = _propose(client, world, "art278_items_6_to_8", who="committee_member")
    signed = OPENS + timedelta(hours=12)
    for proposal in (ordinary, strict):
        for unit in roll.resident_units:
            assert _vote(client, world, proposal, unit, "approve").status_code == 200
        _paper_ok(client, world, proposal, roll.co_owned, roll.co_owners[1], "oppose", signed)
        _paper_ok(client, world, proposal, roll.single, roll.single_owner, "approve", signed)
    clock.now = CLOSES

    passed = _close(client, world, ordinary).json()
    refused = _close(client, world, strict, who="committee_member").json()

    # 240 of 360 m² and 2 of 3 owners approve: more than 1/2, but less than 3/4.
    for result in (passed, refused):
        assert (result["approving_area"], result["approving_heads"]) == ("240", 2)
    assert passed["passed"] is True
    assert refused["approval_met"] is False
    assert refused["passed"] is False


def test_an_owner_of_two_units_counts_once_by_head_and_brings_the_area_of_both(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    units = client.get(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/my-units",
        headers=world.auth("resident"),
    ).json()
    assert sorted(u["unit_id"] for u in units) == sorted(roll.resident_units)
    for unit in roll.resident_units:
        _vote(client, world, proposal, unit, "approve")
    clock.now = CLOSES

    result = _close(client, world, proposal).json()

    assert (result["approving_area"], result["approving_heads"]) == ("120", 1)


def test_co_owners_share_one_ballot_so_a_second_paper_for_their_unit_is_refused(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    first, second = OPENS + timedelta(hours=12), OPENS + timedelta(hours=20)
    _paper_ok(client, world, proposal, roll.co_owned, roll.co_owners[0], "oppose", first)
    refused = _paper(client, world, proposal, roll.co_owned, roll.co_owners[1], "approve", second)

    ballots = client.get(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/ballots",
        headers=world.auth("community_staff"),
    ).json()
    clock.now = CLOSES
    result = _close(client, world, proposal).json()

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "already_voted"
    assert [b["choice"] for b in ballots["counted"]] == ["oppose"]
    assert ballots["superseded"] == []
    assert ballots["counted"][0]["recorded_by"] == str(world.accounts["committee_member"])
    assert (result["participating_heads"], result["opposing_heads"]) == (1, 1)
    assert result["opposing_area"] == "120"


def test_an_owner_may_change_their_vote_until_the_close(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    unit = roll.resident_units[0]
    assert _vote(client, world, proposal, unit, "oppose").status_code == 200
    clock.now += timedelta(hours=2)
    assert _vote(client, world, proposal, unit, "approve").status_code == 200
    clock.now = CLOSES

    result = _close(client, world, proposal).json()

    assert (result["approving_area"], result["opposing_area"]) == ("89.5", "0")


def test_a_closed_vote_cannot_be_changed_or_closed_again(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    unit = roll.resident_units[0]
    _vote(client, world, proposal, unit, "approve")
    early = _close(client, world, proposal)
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "vote_still_open"
    clock.now = CLOSES
    closed = _close(client, world, proposal).json()

    late_online = _vote(client, world, proposal, unit, "oppose")
    signed = OPENS + timedelta(hours=12)
    late_paper = _paper(client, world, proposal, roll.single, roll.single_owner, "oppose", signed)
    again = _close(client, world, proposal)

    for response in (late_online, late_paper, again):
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "vote_closed"
    shown = client.get(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}",
        headers=world.auth("committee_member"),
    ).json()
    assert shown["result"]["result_hash"] == closed["result_hash"]
    assert shown["result"]["approving_area"] == "89.5"


def test_the_closed_result_is_recorded_in_the_audit_chain_with_its_hash(
    app, client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    proposal = _propose(client, world, "ordinary")
    clock.now = CLOSES
    result = _close(client, world, proposal).json()

    with UnitOfWork(app.state.session_factory) as uow:
        entries = list(PrivacyStore(uow.session).audit_log.entries())

    closed = [e for e in entries if e.action == "owners_vote_closed"]
    assert len(closed) == 1
    assert closed[0].detail["result_hash"] == result["result_hash"]
    assert closed[0].detail["proposal_id"] == proposal


def test_the_public_result_is_shown_without_signing_in_and_names_no_voter(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    _vote(client, world, proposal, roll.resident_units[0], "approve")
    clock.now = CLOSES
    _close(client, world, proposal)

    response = client.get(
        f"/api/v1/communities/{world.a.community_id}/votes/public",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 200
    [shown] = response.json()
    assert shown["proposal_id"] == proposal
    assert shown["approving_area"] == "89.5"
    assert "The proposal did not pass." in shown["summary"]
    assert str(world.a.resident_id) not in response.text
    assert "voter_id" not in response.text


def test_an_open_vote_is_not_on_the_public_page(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    _propose(client, world, "ordinary")

    response = client.get(f"/api/v1/communities/{world.b.community_id}/votes/public")
    own = client.get(f"/api/v1/communities/{world.a.community_id}/votes/public")

    assert response.json() == [] and own.json() == []


def test_an_owner_cannot_vote_for_a_unit_they_do_not_own(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")

    response = _vote(client, world, proposal, roll.single, "approve")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_an_owner_of_unit"


def test_a_proposal_that_closes_before_it_opens_is_refused_with_the_field_named(
    client: TestClient, world: World, roll: Roll
) -> None:
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/votes",
        json={
            "title": "t",
            "full_text": "x",
            "notice_text": "y",
            "opens_at": CLOSES.isoformat(),
            "closes_at": OPENS.isoformat(),
            "rule": "ordinary",
        },
        headers=world.auth("community_staff"),
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert "closes_at" in response.text


def test_a_face_recognition_vote_passed_through_the_api_meets_the_activation_gate(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    status = f"/api/v1/communities/{world.a.community_id}/compliance"

    def unmet() -> set[str]:
        response = client.get(status, headers=world.auth("community_staff"))
        assert response.status_code == 200, response.text
        return {u["code"] for u in response.json()["unmet"]}

    proposal = _propose(client, world, "ordinary")
    for unit in roll.resident_units:
        _vote(client, world, proposal, unit, "approve")
    signed = OPENS + timedelta(hours=12)
    _paper_ok(client, world, proposal, roll.single, roll.single_owner, "approve", signed)
    assert "vote_not_passed" in unmet()
    clock.now = CLOSES

    assert _close(client, world, proposal).json()["passed"] is True
    assert "vote_not_passed" not in unmet()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit_id": "x", "choice": "maybe"}, "choice"),
        ({"unit_id": "", "choice": "approve"}, "unit_id"),
        ({"unit_id": "x" * 10_000, "choice": "approve"}, "unit_id"),
        ({"choice": "approve"}, "unit_id"),
    ],
)
def test_a_malformed_ballot_is_refused_with_the_field_named_and_nothing_counted(
    client: TestClient, world: World, roll: Roll, clock: Clock, body: dict, field: str
) -> None:  # type: ignore[type-arg]
    proposal = _propose(client, world, "ordinary")

    response = client.put(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/my-ballot",
        json=body,
        headers=world.auth("resident"),
    )
    shown = client.get(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}",
        headers=world.auth("resident"),
    ).json()

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert field in response.json()["error"]["message"]
    assert shown["ballots_received"] == 0


def test_a_resident_cannot_read_the_ballots_or_enter_paper_ones(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    base = f"/api/v1/communities/{world.a.community_id}/votes/{proposal}"

    read = client.get(f"{base}/ballots", headers=world.auth("resident"))
    paper = client.post(
        f"{base}/paper-ballots",
        json={
            "unit_id": roll.single,
            "voter_id": roll.single_owner,
            "choice": "oppose",
            "signed_at": OPENS.isoformat(),
        },
        headers=world.auth("resident"),
    )

    assert (read.status_code, paper.status_code) == (403, 403)


def test_the_supervisor_sees_the_closed_vote_as_figures_without_any_ballot(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    for unit in roll.resident_units:
        _vote(client, world, proposal, unit, "approve")
    _paper_ok(client, world, proposal, roll.single, roll.single_owner, "approve", OPENS)
    clock.now = CLOSES
    _close(client, world, proposal)

    response = client.get("/api/v1/supervision/communities", headers=world.auth("supervisor"))

    [vote] = response.json()[0]["votes"]
    assert vote["proposal_id"] == proposal
    assert (vote["turnout_by_area"], vote["turnout_by_heads"]) == ("66.6", "66.6")
    assert vote["passed"] is True
    for owner in (str(world.a.resident_id), roll.single_owner):
        assert owner not in response.text


def test_ids_in_the_answers_are_the_usual_uuid_text(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    assert str(uuid.UUID(proposal)) == proposal
    shown = client.get(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}",
        headers=world.auth("community_staff"),
    )
    assert shown.status_code == 200, shown.text
    assert f'"id":"{proposal}"' in shown.text
    assert f'"community_id":"{world.a.community_id}"' in shown.text
    clock.now = CLOSES
    closed = _close(client, world, proposal)
    assert closed.status_code == 200, closed.text
    assert f'"proposal_id":"{proposal}"' in closed.text
    assert f'"community_id":"{world.a.community_id}"' in closed.text
