"""Governance records in the database, on SQLite and PostgreSQL: votes, notices, questions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from menwei.core.person import HouseholdMembership, Person, Role
from menwei.core.place import Building, Community, Processor, ProcessorKind, Unit
from menwei.governance import (
    AlreadyVoted,
    Answer,
    AnswererRole,
    BallotChannel,
    Choice,
    NoticeChannel,
    OwnersVote,
    PaperReferenceUsed,
    Posting,
    Proposal,
    PublicNotice,
    Question,
    QuestionNotFound,
    RecordAltered,
    Subject,
    Visibility,
    VoteClosed,
    VoteRule,
    VotingPeriodTooShort,
    vote_passed,
)
from menwei.store.base import Base
from menwei.store.errors import RecordNotFound
from menwei.store.repositories.governance import UNREGISTERED_OWNER, GovernanceRepository
from menwei.store.scope import CommunityScope
from menwei.store.tables.governance import GOVERNANCE_TABLES, ProposalRow, VoteResultRow

BEIJING = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 3, 1, 8, tzinfo=BEIJING)
DURING = OPENS + timedelta(days=2)
AFTER = OPENS + timedelta(days=15)
MOVED_IN = date(2020, 1, 1)


@dataclass(frozen=True)
class Estate:
    community: Community
    units: tuple[Unit, ...]
    owners: dict[str, uuid.UUID]


@pytest.fixture
def sessions(engine, session_factory):
    existing = set(sa.inspect(engine).get_table_names())
    missing = [table for table in GOVERNANCE_TABLES if table.name not in existing]
    Base.metadata.create_all(engine, tables=missing)
    yield session_factory
    Base.metadata.drop_all(engine, tables=list(reversed(missing)))


def _estate(uow, name: str = "太阳国际公寓") -> Estate:
    """Four units: a couple owns 101, one landlord owns 201 and 202, 301 is unsold."""
    processor = Processor(
        id=uuid.uuid4(), name=f"{name}物业", kind=ProcessorKind.PROPERTY_COMPANY, contact="0571"
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name=name)
    building = Building(id=uuid.uuid4(), community_id=community.id, name="1 号楼")
    areas = {"101": "120.50", "201": "89.20", "202": "89.20", "301": "60.00"}
    units = tuple(
        Unit(id=uuid.uuid4(), building_id=building.id, number=n, floor_area_m2=Decimal(a))
        for n, a in areas.items()
    )
    people = {
        key: Person(id=uuid.uuid4(), community_id=community.id, name=name_, role=role)
        for key, name_, role in (
            ("wife", "王芳", Role.OWNER),
            ("husband", "李强", Role.OWNER),
            ("landlord", "赵军", Role.OWNER),
            ("tenant", "陈静", Role.TENANT),
        )
    }
    lives_in = [("wife", 0), ("husband", 0), ("landlord", 1), ("landlord", 2), ("tenant", 2)]
    with uow:
        uow.places.add_processor(processor)
        uow.places.add_community(community)
        uow.places.add_building(building)
        for unit in units:
            uow.places.add_unit(unit)
        for person in people.values():
            uow.people.save(person)
        for key, index in lives_in:
            uow.people.add_membership(
                HouseholdMembership(
                    id=uuid.uuid4(),
                    person_id=people[key].id,
                    unit_id=units[index].id,
                    moved_in=MOVED_IN,
                )
            )
        uow.commit()
    return Estate(community, units, {key: person.id for key, person in people.items()})


def _proposal(community_id, **changes) -> Proposal:
    fields = {
        "proposal_id": uuid.uuid4(),
        "community_id": community_id,
        "title": "在本小区启用人脸识别门禁",
        "full_text": "提议在南门启用人脸识别，门禁卡继续有效。",
        "notice_text": "人脸信息处理告知（第 1 版）",
        "opens_at": OPENS,
        "closes_at": OPENS + timedelta(days=14),
        "rule": VoteRule.ORDINARY,
        "subject": Subject.FACE_RECOGNITION,
    }
    fields.update(changes)
    return Proposal(**fields)


def test_the_roll_counts_a_couple_once_a_landlord_once_and_unsold_units_as_the_developer(
    uow, sessions
):
    estate = _estate(uow)
    with sessions() as session:
        roll = GovernanceRepository(session).roll_for_community(
            estate.community.id, date(2026, 3, 1)
        )
    assert roll.total_area == Decimal("358.90")
    assert roll.total_heads == 3
    unsold = roll.unit(str(estate.units[3].id))
    assert unsold.owner_ids == frozenset({UNREGISTERED_OWNER})
    assert str(estate.owners["tenant"]) not in roll.unit(str(estate.units[2].id)).owner_ids


def test_a_vote_survives_the_database_and_closes_to_the_same_result(uow, sessions):
    estate = _estate(uow)
    scope = CommunityScope.of([estate.community.id])
    wife, landlord = str(estate.owners["wife"]), str(estate.owners["landlord"])
    u101, u201, u202 = (str(unit.id) for unit in estate.units[:3])
    with sessions() as session:
        repository = GovernanceRepository(session)
        roll = repository.roll_for_community(estate.community.id, date(2026, 3, 1))
        vote = OwnersVote(_proposal(estate.community.id), roll)
        repository.add_vote(vote, minimum_days=7)
        proposal_id = vote.proposal.proposal_id
        for unit_id, voter, choice, at in (
            (u101, wife, Choice.OPPOSE, DURING),
            (u101, wife, Choice.APPROVE, DURING + timedelta(hours=1)),
            (u201, landlord, Choice.APPROVE, DURING),
        ):
            repository.add_ballot(
                proposal_id,
                vote.cast_online(unit_id=unit_id, voter_id=voter, choice=choice, at=at),
                scope,
            )
        paper = vote.record_paper_ballot(
            unit_id=u202,
            voter_id=landlord,
            choice=Choice.APPROVE,
            signed_at=DURING,
            entered_by="committee-7",
            reference="No. 0007",
            at=DURING + timedelta(hours=3),
        )
        repository.add_ballot(proposal_id, paper, scope)
        session.commit()
        in_memory = vote.close(AFTER)

    with sessions() as session:
        repository = GovernanceRepository(session)
        stored = repository.get_vote(proposal_id, scope)
        assert len(stored.superseded()) == 1
        (paper_ballot,) = [b for b in stored.ballots() if b.channel is BallotChannel.PAPER]
        assert paper_ballot.recorded_by == "committee-7"
        assert paper_ballot.reference == "No. 0007"
        result = stored.close(AFTER)
        assert result.canonical_hash() == in_memory.canonical_hash()
        assert result.tally.participating_heads == 2
        assert result.passed
        repository.save_result(result, scope)
        session.commit()

    with sessions() as session:
        repository = GovernanceRepository(session)
        reloaded = repository.get_vote(proposal_id, scope)
        assert reloaded.closed
        assert reloaded.result.canonical_hash() == in_memory.canonical_hash()
        approval = vote_passed(
            repository.results(scope, estate.community.id),
            community_id=estate.community.id,
            at=AFTER,
        )
        assert approval is not None
        assert approval.result_hash == in_memory.canonical_hash()


def test_the_database_refuses_ballots_and_a_second_result_for_a_closed_vote(uow, sessions):
    estate = _estate(uow)
    scope = CommunityScope.of([estate.community.id])
    wife = str(estate.owners["wife"])
    with sessions() as session:
        repository = GovernanceRepository(session)
        roll = repository.roll_for_community(estate.community.id, date(2026, 3, 1))
        vote = OwnersVote(_proposal(estate.community.id), roll)
        repository.add_vote(vote, minimum_days=7)
        ballot = vote.cast_online(
            unit_id=str(estate.units[0].id), voter_id=wife, choice=Choice.APPROVE, at=DURING
        )
        result = vote.close(AFTER)
        repository.save_result(result, scope)
        session.commit()
        with pytest.raises(VoteClosed):
            repository.add_ballot(vote.proposal.proposal_id, ballot, scope)
        with pytest.raises(VoteClosed):
            repository.save_result(result, scope)
        session.rollback()
        assert repository.get_vote(vote.proposal.proposal_id, scope).ballots() == ()


def test_the_store_refuses_a_vote_shorter_than_the_minimum(uow, sessions):
    estate = _estate(uow)
    short = _proposal(estate.community.id, closes_at=OPENS + timedelta(minutes=12))
    with sessions() as session:
        repository = GovernanceRepository(session)
        roll = repository.roll_for_community(estate.community.id, date(2026, 3, 1))
        with pytest.raises(VotingPeriodTooShort):
            repository.add_vote(OwnersVote(short, roll), minimum_days=7)
        with pytest.raises(VotingPeriodTooShort):
            repository.add_vote(OwnersVote(_proposal(estate.community.id), roll), minimum_days=15)
        session.rollback()
        assert session.scalars(sa.select(ProposalRow)).all() == []


def test_two_entries_made_at_once_cannot_both_count_for_one_unit(uow, sessions):
    """Two clerks load the same open vote, each passes the domain's check, then both store:
    the store checks again under the proposal's lock and refuses the second."""
    estate = _estate(uow)
    scope = CommunityScope.of([estate.community.id])
    unit, wife = str(estate.units[0].id), str(estate.owners["wife"])
    landlord_unit, landlord = str(estate.units[1].id), str(estate.owners["landlord"])
    with sessions() as session:
        repository = GovernanceRepository(session)
        roll = repository.roll_for_community(estate.community.id, date(2026, 3, 1))
        vote = OwnersVote(_proposal(estate.community.id), roll)
        repository.add_vote(vote, minimum_days=7)
        session.commit()
        proposal_id = vote.proposal.proposal_id
        first, second, third, fourth = (repository.get_vote(proposal_id, scope) for _ in range(4))
        repository.add_ballot(
            proposal_id,
            first.cast_online(unit_id=unit, voter_id=wife, choice=Choice.APPROVE, at=DURING),
            scope,
        )
        paper = second.record_paper_ballot(
            unit_id=unit, voter_id=wife, choice=Choice.OPPOSE, signed_at=DURING,
            entered_by="committee-7", reference="No. 1", at=DURING,
        )  # fmt: skip
        with pytest.raises(AlreadyVoted):
            repository.add_ballot(proposal_id, paper, scope)
        other = third.record_paper_ballot(
            unit_id=landlord_unit, voter_id=landlord, choice=Choice.OPPOSE, signed_at=DURING,
            entered_by="committee-7", reference="No. 1", at=DURING,
        )  # fmt: skip
        repository.add_ballot(proposal_id, other, scope)
        again = fourth.record_paper_ballot(
            unit_id=str(estate.units[2].id), voter_id=landlord, choice=Choice.APPROVE,
            signed_at=DURING, entered_by="committee-8", reference="No. 1", at=DURING,
        )  # fmt: skip
        with pytest.raises(PaperReferenceUsed):
            repository.add_ballot(proposal_id, again, scope)
        stale_online = first.cast_online(
            unit_id=landlord_unit, voter_id=landlord, choice=Choice.APPROVE, at=DURING
        )
        with pytest.raises(AlreadyVoted):
            repository.add_ballot(proposal_id, stale_online, scope)
        session.commit()
        stored = repository.get_vote(proposal_id, scope)
        counted = {b.unit_id: (b.channel, b.choice) for b in stored.ballots()}
        assert counted == {
            unit: (BallotChannel.ONLINE, Choice.APPROVE),
            landlord_unit: (BallotChannel.PAPER, Choice.OPPOSE),
        }


def test_a_stored_result_altered_in_the_database_is_detected(uow, sessions):
    estate = _estate(uow)
    scope = CommunityScope.of([estate.community.id])
    with sessions() as session:
        repository = GovernanceRepository(session)
        roll = repository.roll_for_community(estate.community.id, date(2026, 3, 1))
        vote = OwnersVote(_proposal(estate.community.id), roll)
        repository.add_vote(vote, minimum_days=7)
        repository.save_result(vote.close(AFTER), scope)
        session.commit()
        row = session.get(VoteResultRow, vote.proposal.proposal_id)
        row.canonical = row.canonical.replace('"passed":false', '"passed":true')
        session.commit()
    with sessions() as session, pytest.raises(RecordAltered):
        GovernanceRepository(session).results(scope)


def test_another_communitys_votes_notices_and_questions_are_out_of_scope(uow, sessions):
    mine, theirs = _estate(uow, "太阳国际公寓"), _estate(uow, "武陵小区")
    their_scope = CommunityScope.of([theirs.community.id])
    with sessions() as session:
        repository = GovernanceRepository(session)
        roll = repository.roll_for_community(mine.community.id, date(2026, 3, 1))
        vote = OwnersVote(_proposal(mine.community.id), roll)
        repository.add_vote(vote, minimum_days=7)
        repository.save_result(vote.close(AFTER), CommunityScope.of([mine.community.id]))
        question = Question.ask(
            question_id=uuid.uuid4(),
            community_id=mine.community.id,
            asked_by=str(mine.owners["wife"]),
            text="谁来监管？",
            visibility=Visibility.PUBLIC,
            at=OPENS,
        )
        repository.add_question(question)
        notice = _notice(mine.community.id)
        repository.add_notice(notice)
        session.commit()
        with pytest.raises(RecordNotFound):
            repository.get_vote(vote.proposal.proposal_id, their_scope)
        with pytest.raises(RecordNotFound):
            repository.get_notice(notice.notice_id, their_scope)
        with pytest.raises(QuestionNotFound):
            repository.get_question(question.question_id, their_scope)
        assert repository.results(their_scope) == []
        assert repository.questions(their_scope) == []
        assert repository.notices(their_scope) == []
        assert len(repository.results(CommunityScope.all())) == 1


def _notice(community_id) -> PublicNotice:
    return PublicNotice(
        notice_id=uuid.uuid4(),
        community_id=community_id,
        title="关于启用人脸识别门禁的公示",
        body="拟在南门启用人脸识别，门禁卡继续有效。",
        starts_on=date(2026, 2, 1),
        minimum_days=7,
        poster_doors=frozenset({"south-gate"}),
        postings=(Posting(NoticeChannel.PUBLIC_PAGE, "public-page", OPENS, "staff-1"),),
    )


def test_a_notice_and_its_postings_come_back_with_the_same_display_period(uow, sessions):
    estate = _estate(uow)
    scope = CommunityScope.of([estate.community.id])
    notice = _notice(estate.community.id)
    poster = Posting(NoticeChannel.DOOR_POSTER, "south-gate", OPENS + timedelta(hours=2), "staff-2")
    with sessions() as session:
        repository = GovernanceRepository(session)
        repository.add_notice(notice)
        repository.add_posting(notice.notice_id, poster, scope)
        repository.record_taken_down(
            notice.notice_id,
            NoticeChannel.DOOR_POSTER,
            "south-gate",
            OPENS + timedelta(days=5),
            scope,
        )
        session.commit()
    expected = notice.with_posting(poster).taken_down(
        NoticeChannel.DOOR_POSTER, "south-gate", OPENS + timedelta(days=5)
    )
    with sessions() as session:
        stored = GovernanceRepository(session).get_notice(notice.notice_id, scope)
    # Up from 10:00 on 1 March to 08:00 on 6 March, Beijing time: 2-5 March count.
    assert stored.displayed_days(OPENS + timedelta(days=20)) == 4
    assert stored.displayed_days(OPENS + timedelta(days=20)) == expected.displayed_days(
        OPENS + timedelta(days=20)
    )
    assert stored.postings[1].taken_down_at == OPENS + timedelta(days=5)


def test_questions_and_answers_round_trip_and_an_unknown_question_is_a_typed_error(uow, sessions):
    estate = _estate(uow)
    scope = CommunityScope.of([estate.community.id])
    question = Question.ask(
        question_id=uuid.uuid4(),
        community_id=estate.community.id,
        asked_by=str(estate.owners["wife"]),
        text="这是全区统一的政府行为吗？",
        visibility=Visibility.PUBLIC,
        at=OPENS,
    )
    answer = Answer(
        answered_by="account-street",
        role=AnswererRole.OFFICIAL,
        speaking_for="丹阳街道办事处",
        text="是区里统一部署的项目，门禁卡继续有效。",
        answered_at=OPENS + timedelta(days=1),
    )
    with sessions() as session:
        repository = GovernanceRepository(session)
        repository.add_question(question)
        repository.add_answer(question.question_id, answer, scope)
        session.commit()
    with sessions() as session:
        repository = GovernanceRepository(session)
        (stored,) = repository.questions(scope, estate.community.id)
        assert stored == question.answered(answer)
        with pytest.raises(QuestionNotFound):
            repository.add_answer(uuid.uuid4(), answer, scope)
        with pytest.raises(QuestionNotFound):
            repository.get_question(uuid.uuid4(), scope)
