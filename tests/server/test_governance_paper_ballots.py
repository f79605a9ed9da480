"""Attacks on the voting period and on paper ballots through the real HTTP API.

A vote lasts at least the installation's minimum (7 days unless set, never under one day); only
the owners' committee of the community enters paper ballots, during the voting window, each paper
once by its number; a unit votes once whichever way; every entry names who made it in the
ballot and in the audit chain; the counts say how many ballots came online and on paper.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from menwei.server.auth.tokens import USER_TOKEN_PREFIX, new_token, token_hash
from menwei.settings import Settings
from menwei.store.records import ApiToken, UserAccount
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

from . import test_governance_votes as votes
from .conftest import World, password_hash
from .test_governance_votes import CLOSES, OPENS, Clock, Roll, _close, _paper, _propose, _vote

# the owners' roll and the app's clock of the votes' tests, as fixtures here too
roll = votes.roll
clock = votes.clock

DURING = OPENS + timedelta(hours=12)


def _propose_lasting(client: TestClient, world: World, length: timedelta, locale: str = "zh-CN"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/communities/{world.a.community_id}/votes",
        json={
            "title": "临时表决：今晚启用人脸识别",
            "full_text": "十二分钟内投完。",
            "notice_text": "告知。",
            "opens_at": OPENS.isoformat(),
            "closes_at": (OPENS + length).isoformat(),
            "rule": "ordinary",
        },
        headers=world.auth("community_staff") | {"Accept-Language": locale},
    )


def _proposals(client: TestClient, world: World) -> list:  # type: ignore[type-arg]
    return client.get(
        f"/api/v1/communities/{world.a.community_id}/votes", headers=world.auth("committee_member")
    ).json()


def test_a_twelve_minute_vote_is_refused_naming_the_minimum_in_both_languages(
    client: TestClient, world: World, roll: Roll
) -> None:
    zh = _propose_lasting(client, world, timedelta(minutes=12))
    en = _propose_lasting(client, world, timedelta(minutes=12), "en")

    assert zh.status_code == en.status_code == 422
    assert zh.json()["error"]["code"] == "voting_period_too_short"
    assert "不能短于 7 天" in zh.json()["error"]["message"]
    assert "at least 7 days" in en.json()["error"]["message"]
    assert zh.json()["error"]["details"] == {"field": "closes_at", "minimum_days": 7}
    assert _proposals(client, world) == []


def test_a_vote_one_second_short_of_seven_days_is_refused_and_seven_days_is_accepted(
    client: TestClient, world: World, roll: Roll
) -> None:
    short = _propose_lasting(client, world, timedelta(days=7) - timedelta(seconds=1))
    week = _propose_lasting(client, world, timedelta(days=7))

    assert short.status_code == 422, short.text
    assert week.status_code == 201, week.text
    assert len(_proposals(client, world)) == 1


@pytest.fixture
def fortnight_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"vote_minimum_days": 14})


def test_an_installation_may_ask_for_a_longer_minimum(
    fortnight_settings: Settings, world: World
) -> None:
    from menwei.server import create_app

    app = create_app(fortnight_settings)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            refused = _propose_lasting(client, world, timedelta(days=10))
            accepted = _propose_lasting(client, world, timedelta(days=14))
    finally:
        app.state.engine.dispose()
    assert refused.status_code == 422
    assert "14 天" in refused.json()["error"]["message"]
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize("days", [0, -3])
def test_the_minimum_cannot_be_set_below_one_day(days: int) -> None:
    with pytest.raises(ValidationError):
        Settings(vote_minimum_days=days)


def test_only_the_committee_enters_paper_ballots_and_the_record_names_them(
    app, client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    proposal = _propose(client, world, "ordinary")
    args = (client, world, proposal, roll.single, roll.single_owner, "approve", DURING)

    refused = {who: _paper(*args, who=who).status_code for who in (
        "community_staff", "processor_admin", "platform_admin", "supervisor", "resident",
    )}  # fmt: skip
    entered = _paper(*args, reference="No. 0815")

    assert refused == dict.fromkeys(refused, 403)
    assert entered.status_code == 201, entered.text
    body = entered.json()
    assert body["recorded_by"] == str(world.accounts["committee_member"])
    assert (body["channel"], body["reference"]) == ("paper", "No. 0815")
    with UnitOfWork(app.state.session_factory) as uow:
        entries = [
            e
            for e in PrivacyStore(uow.session).audit_log.entries()
            if e.action == "paper_ballot_entered"
        ]
    [entry] = entries
    assert str(world.accounts["committee_member"]) in entry.actor
    assert entry.detail["entered_by"] == str(world.accounts["committee_member"])
    assert entry.detail["reference"] == "No. 0815"
    assert entry.detail["unit_id"] == roll.single
    assert "approve" not in str(entry.detail)  # the chain does not tell how anyone voted


def _committee_of_b(app, world: World) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Headers of a committee member of community B."""
    token = new_token(USER_TOKEN_PREFIX)
    with UnitOfWork(app.state.session_factory) as uow:
        account = UserAccount(
            id=uuid.uuid4(),
            login="committee_b",
            password_hash=password_hash(),
            role="committee_member",
            display_name="committee_b",
            committee_of=frozenset({world.b.community_id}),
        )
        uow.accounts.save(account)
        uow.accounts.add_token(
            ApiToken(
                id=uuid.uuid4(),
                account_id=account.id,
                token_sha256=token_hash(token),
                expires_at=datetime(2100, 1, 1, tzinfo=UTC),
            )
        )
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


def test_another_communitys_committee_cannot_enter_a_ballot(
    app, client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    proposal = _propose(client, world, "ordinary")

    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/paper-ballots",
        json={
            "unit_id": roll.single,
            "voter_id": roll.single_owner,
            "choice": "oppose",
            "signed_at": DURING.isoformat(),
            "reference": "No. 0001",
        },
        headers=_committee_of_b(app, world),
    )
    through_b = client.post(
        f"/api/v1/communities/{world.b.community_id}/votes/{proposal}/paper-ballots",
        json={
            "unit_id": roll.single,
            "voter_id": roll.single_owner,
            "choice": "oppose",
            "signed_at": DURING.isoformat(),
            "reference": "No. 0001",
        },
        headers=world.auth("committee_member"),
    )

    assert response.status_code == 404  # community A is out of its reach, as if absent
    assert through_b.status_code == 404  # A's committee cannot reach B either
    shown = client.get(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}",
        headers=world.auth("committee_member"),
    ).json()
    assert shown["ballots_received"] == 0


def test_one_vote_per_unit_whichever_way_and_one_entry_per_paper(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    online_unit, paper_unit = roll.resident_units[0], roll.single
    assert _vote(client, world, proposal, online_unit, "approve").status_code == 200
    first = _paper(
        client, world, proposal, paper_unit, roll.single_owner, "oppose", DURING, reference="A-1"
    )
    assert first.status_code == 201, first.text

    paper_over_online = _paper(
        client, world, proposal, online_unit, str(world.a.resident_id), "oppose", DURING
    )
    online_over_paper = client.put(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/my-ballot",
        json={"unit_id": online_unit, "choice": "oppose"},
        headers=world.auth("resident"),
    )
    second_paper = _paper(
        client, world, proposal, paper_unit, roll.single_owner, "approve", DURING, reference="A-2"
    )
    same_number = _paper(
        client, world, proposal, roll.co_owned, roll.co_owners[0], "approve", DURING,
        reference="A-1",
    )  # fmt: skip

    assert paper_over_online.status_code == 409
    assert paper_over_online.json()["error"]["code"] == "already_voted"
    assert "已在网上投票" in paper_over_online.json()["error"]["message"]
    assert online_over_paper.status_code == 200  # the owner changes their own online ballot
    assert second_paper.status_code == 409
    assert second_paper.json()["error"]["details"]["channel"] == "paper"
    assert same_number.status_code == 409
    assert same_number.json()["error"]["code"] == "paper_ballot_reference_used"
    shown = client.get(
        f"/api/v1/communities/{world.a.community_id}/votes/{proposal}",
        headers=world.auth("committee_member"),
    ).json()
    assert (shown["ballots_online"], shown["ballots_paper"]) == (1, 1)


def test_an_owner_whose_paper_ballot_was_entered_cannot_vote_online(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    unit = roll.resident_units[1]
    entered = _paper(client, world, proposal, unit, str(world.a.resident_id), "oppose", DURING)
    assert entered.status_code == 201, entered.text

    online = _vote(client, world, proposal, unit, "approve")

    assert online.status_code == 409
    assert online.json()["error"]["code"] == "already_voted"
    assert "纸质表决票" in online.json()["error"]["message"]


def test_paper_ballots_are_refused_after_the_window_and_after_the_close(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    clock.now = CLOSES + timedelta(minutes=1)
    after_window = _paper(
        client, world, proposal, roll.single, roll.single_owner, "approve", DURING
    )
    assert _close(client, world, proposal).status_code == 200
    after_close = _paper(client, world, proposal, roll.single, roll.single_owner, "approve", DURING)

    assert after_window.status_code == 409
    assert after_window.json()["error"]["code"] == "voting_not_open"
    assert after_close.status_code == 409
    assert after_close.json()["error"]["code"] == "vote_closed"


def test_a_paper_ballot_without_its_number_is_refused_by_the_request_model(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    url = f"/api/v1/communities/{world.a.community_id}/votes/{proposal}/paper-ballots"
    body = {
        "unit_id": roll.single,
        "voter_id": roll.single_owner,
        "choice": "approve",
        "signed_at": DURING.isoformat(),
    }

    missing = client.post(url, json=body, headers=world.auth("committee_member"))
    blank = client.post(url, json=body | {"reference": " "}, headers=world.auth("committee_member"))

    assert missing.status_code == 422 and "reference" in missing.text
    assert blank.status_code == 422 and "reference" in blank.text


def test_the_public_result_counts_online_and_paper_ballots(
    client: TestClient, world: World, roll: Roll, clock: Clock
) -> None:
    proposal = _propose(client, world, "ordinary")
    for unit in roll.resident_units:
        _vote(client, world, proposal, unit, "approve")
    _paper(client, world, proposal, roll.single, roll.single_owner, "approve", DURING)
    _paper(client, world, proposal, roll.co_owned, roll.co_owners[1], "oppose", DURING)
    clock.now = CLOSES
    assert _close(client, world, proposal).status_code == 200

    [shown] = client.get(f"/api/v1/communities/{world.a.community_id}/votes/public").json()
    page = client.get(f"/c/{world.a.community_id}", headers={"accept": "text/html"}).text

    assert (shown["ballots_online"], shown["ballots_paper"]) == (2, 2)
    assert shown["participating_heads"] == 3
    faq, result = page.split('id="faq"')[1].split("</section>", 1)
    for shown_in in (result, faq):  # the result and the 常见疑问 block agree
        assert "网上 2 张" in shown_in and "纸质票 2 张" in shown_in
