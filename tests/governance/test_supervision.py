"""The supervisor's per-community rows and district roll-up: aggregates only, never people."""

from __future__ import annotations

import csv
import dataclasses
import io
import types
import typing
import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from menwei.governance import (
    AuditStatus,
    CommunitySummary,
    Concern,
    DistrictRollup,
    FilingStatus,
    InvalidInput,
    NoticeRecord,
    SupervisorRow,
    VoteRecord,
    community_row,
    district_rollup,
    rows_to_csv,
)

from .conftest import rid

BEIJING = ZoneInfo("Asia/Shanghai")

# Text fields a supervisor type may hold: names of communities, notices and proposals, and
# codes. Any other text field could carry a person's name or id.
ALLOWED_TEXT_FIELDS = {"community_name", "title", "subject", "rule"}
# Record ids a supervisor type may hold: those of communities, notices and proposals only.
ALLOWED_ID_FIELDS = {"community_id", "notice_id", "proposal_id"}
PLAIN_TYPES = (bool, int, Decimal, date, datetime, type(None))


def _summary(**changes) -> CommunitySummary:
    fields = {
        "community_id": rid("c-1"),
        "community_name": "太阳国际公寓",
        "face_on": True,
        "face_on_since": date(2026, 4, 1),
        "face_doors": 4,
        "face_doors_with_alternative": 4,
        "residents": 800,
        "enrolled": 300,
        "withdrawals": 12,
        "open_rights_requests": 2,
        "overdue_rights_requests": 0,
        "open_questions": 3,
        "overdue_questions": 0,
        "audit_status": AuditStatus.VERIFIED,
        "audit_verified_at": datetime(2026, 5, 1, 3, 0, tzinfo=BEIJING),
        "filing_count": 300,
        "filing_status": FilingStatus.NOT_REQUIRED,
        "notices": (NoticeRecord(rid("n-1"), "启用人脸识别公示", date(2026, 3, 1), 7, 20, True),),
        "votes": (
            VoteRecord(
                rid("p-1"),
                "在本小区启用人脸识别门禁",
                "face_recognition",
                "ordinary",
                date(2026, 3, 20),
                Decimal("81.2"),
                Decimal("78.0"),
                Decimal("66.6"),
                Decimal("60.1"),
                True,
            ),
        ),
    }
    fields.update(changes)
    return CommunitySummary(**fields)


def _leaf_types(annotation) -> set:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple):
        found = set()
        for argument in typing.get_args(annotation):
            if argument is not Ellipsis:
                found |= _leaf_types(argument)
        return found
    return {annotation}


@pytest.mark.parametrize(
    "kind", [CommunitySummary, SupervisorRow, DistrictRollup, NoticeRecord, VoteRecord]
)
def test_supervisor_types_can_hold_no_personal_data(kind):
    """Every field is a count, share, date, status, flag or a named non-personal label."""
    hints = typing.get_type_hints(kind)
    seen_nested = set()
    for field in dataclasses.fields(kind):
        for leaf in _leaf_types(hints[field.name]):
            if dataclasses.is_dataclass(leaf):
                seen_nested.add(leaf)
                assert leaf in {NoticeRecord, VoteRecord}, f"{kind.__name__}.{field.name}"
            elif isinstance(leaf, type) and issubclass(leaf, Enum):
                continue
            elif leaf is str:
                assert field.name in ALLOWED_TEXT_FIELDS, f"{kind.__name__}.{field.name} is text"
            elif leaf is uuid.UUID:
                assert field.name in ALLOWED_ID_FIELDS, f"{kind.__name__}.{field.name} is an id"
            else:
                assert leaf in PLAIN_TYPES, f"{kind.__name__}.{field.name}: {leaf!r}"
    forbidden = {"name", "person_id", "resident_id", "phone", "owner_id", "asked_by", "voter_id"}
    assert forbidden.isdisjoint(field.name for field in dataclasses.fields(kind))


def test_a_community_where_every_face_door_has_an_alternative_shows_100_and_no_concern():
    row = community_row(_summary())
    assert row.alternative_share == Decimal("100.0")
    assert row.every_face_door_has_alternative
    assert row.face_share == Decimal("37.5")
    assert row.concerns == ()


def test_one_face_door_in_a_thousand_without_an_alternative_never_rounds_up_to_100():
    row = community_row(_summary(face_doors=1000, face_doors_with_alternative=999))
    assert row.alternative_share == Decimal("99.9")
    assert not row.every_face_door_has_alternative
    assert Concern.FACE_DOOR_WITHOUT_ALTERNATIVE in row.concerns


def test_face_switched_on_without_a_passed_vote_or_a_served_notice_is_flagged():
    failed = dataclasses.replace(_summary().votes[0], passed=False)
    short = dataclasses.replace(_summary().notices[0], displayed_days=3, period_complete=False)
    row = community_row(_summary(votes=(failed,), notices=(short,)))
    assert Concern.FACE_ON_WITHOUT_PASSED_VOTE in row.concerns
    assert Concern.FACE_ON_WITHOUT_COMPLETE_NOTICE in row.concerns
    off = community_row(_summary(face_on=False, face_on_since=None, votes=(failed,)))
    assert Concern.FACE_ON_WITHOUT_PASSED_VOTE not in off.concerns


def test_overdue_requests_a_broken_audit_chain_and_a_due_filing_are_flagged():
    row = community_row(
        _summary(
            overdue_rights_requests=1,
            overdue_questions=2,
            open_questions=3,
            audit_status=AuditStatus.BROKEN,
            filing_status=FilingStatus.DUE,
        )
    )
    assert set(row.concerns) == {
        Concern.OVERDUE_RIGHTS_REQUESTS,
        Concern.OVERDUE_QUESTIONS,
        Concern.AUDIT_BROKEN,
        Concern.FILING_DUE,
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"face_doors_with_alternative": 5},
        {"enrolled": 801},
        {"withdrawals": -1},
        {"overdue_questions": 4},
        {"face_on_since": None},
        {"residents": True},
        {"community_name": "=HYPERLINK(\x00)"},
    ],
)
def test_an_inconsistent_summary_is_refused(changes):
    with pytest.raises(InvalidInput):
        _summary(**changes)


counts = st.integers(min_value=0, max_value=10_000)


@st.composite
def summaries(draw, index=0):
    face_doors = draw(st.integers(min_value=0, max_value=40))
    residents = draw(counts)
    open_questions = draw(counts)
    open_requests = draw(counts)
    face_on = draw(st.booleans())
    return _summary(
        community_id=rid(f"c-{draw(st.integers(0, 10**6))}"),
        face_on=face_on,
        face_on_since=date(2026, 4, 1) if face_on else None,
        face_doors=face_doors,
        face_doors_with_alternative=draw(st.integers(min_value=0, max_value=face_doors)),
        residents=residents,
        enrolled=draw(st.integers(min_value=0, max_value=residents)),
        withdrawals=draw(counts),
        open_questions=open_questions,
        overdue_questions=draw(st.integers(min_value=0, max_value=open_questions)),
        open_rights_requests=open_requests,
        overdue_rights_requests=draw(st.integers(min_value=0, max_value=open_requests)),
        audit_status=draw(st.sampled_from(list(AuditStatus))),
        filing_count=draw(counts),
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(summaries(), max_size=12), st.randoms(use_true_random=False))
def test_the_district_totals_are_the_sums_of_the_communities_in_any_order(items, rng):
    rollup = district_rollup(items)
    assert rollup.communities == len(items)
    assert rollup.face_doors == sum(s.face_doors for s in items)
    assert rollup.enrolled == sum(s.enrolled for s in items)
    assert rollup.overdue_questions == sum(s.overdue_questions for s in items)
    assert rollup.communities_with_concerns == sum(bool(community_row(s).concerns) for s in items)
    assert (rollup.alternative_share == 100) == all(
        s.face_doors_with_alternative == s.face_doors for s in items
    )
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert district_rollup(shuffled) == rollup


@settings(max_examples=25, deadline=None)
@given(st.lists(summaries(), max_size=8))
def test_the_csv_has_a_header_and_one_line_per_community(items):
    text = rows_to_csv([community_row(s) for s in items])
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == len(items) + 1
    assert len({len(line) for line in lines}) == 1


def test_the_csv_headers_follow_the_readers_language_and_show_the_vote_history():
    rows = [community_row(_summary())]
    zh = list(csv.reader(io.StringIO(rows_to_csv(rows))))
    en = list(csv.reader(io.StringIO(rows_to_csv(rows, locale="en"))))
    assert zh[0][1] == "小区名称"
    assert en[0][1] == "community"
    record = dict(zip(en[0], en[1], strict=True))
    assert record["votes passed"] == "1"
    assert record["last vote"] == "2026-03-20 passed"
    assert record["doors with a non-face way in (%)"] == "100.0"


def test_a_community_name_that_looks_like_a_formula_is_defused_in_the_csv():
    rows = [community_row(_summary(community_name="=cmd|' /C calc'!A0"))]
    (_, line) = list(csv.reader(io.StringIO(rows_to_csv(rows))))
    assert line[1].startswith("'=")


def test_vote_and_notice_records_are_built_from_the_domain_objects(equal_roll, vote_on, during):
    from datetime import timedelta

    from menwei.governance import Choice, NoticeChannel, Posting, PublicNotice

    vote = vote_on(equal_roll)
    for unit_id, choice in (("u1", Choice.APPROVE), ("u2", Choice.APPROVE), ("u3", Choice.OPPOSE)):
        vote.cast_online(unit_id=unit_id, voter_id=f"o{unit_id[1]}", choice=choice, at=during)
    # Closed at 20:00 UTC on 15 March, which is already 16 March in Beijing.
    closed_at = datetime(2026, 3, 15, 20, 0, tzinfo=ZoneInfo("UTC"))
    record = VoteRecord.of(vote.close(closed_at))
    assert record.closed_on == date(2026, 3, 16)
    assert record.turnout_by_area == Decimal("75.0")
    assert record.approval_by_heads == Decimal("66.6")
    assert record.passed

    posted = datetime(2026, 3, 1, 9, tzinfo=BEIJING)
    notice = PublicNotice(
        notice_id=rid("n-1"),
        community_id=rid("c-1"),
        title="公示",
        body="正文",
        starts_on=date(2026, 3, 1),
        minimum_days=7,
        postings=(
            Posting(NoticeChannel.PUBLIC_PAGE, "public-page", posted, "staff-1"),
            Posting(NoticeChannel.DOOR_POSTER, "south-gate", posted, "staff-1"),
        ),
    )
    short = NoticeRecord.of(notice, as_of=posted + timedelta(days=5))
    served = NoticeRecord.of(notice, as_of=posted + timedelta(days=9))
    assert (short.displayed_days, short.period_complete) == (4, False)
    assert (served.displayed_days, served.period_complete) == (8, True)


def test_a_community_that_chose_not_to_require_a_vote_is_not_flagged_for_lacking_one():
    failed = dataclasses.replace(_summary().votes[0], passed=False)
    row = community_row(_summary(votes=(failed,), vote_required=False))
    assert Concern.FACE_ON_WITHOUT_PASSED_VOTE not in row.concerns


def test_the_district_roll_up_exports_as_csv_with_every_total():
    from menwei.governance import rollup_to_csv

    rollup = district_rollup(
        [_summary(), _summary(community_id=rid("c-2"), face_doors_with_alternative=3)]
    )
    header, line = list(csv.reader(io.StringIO(rollup_to_csv(rollup, locale="en"))))
    record = dict(zip(header, line, strict=True))
    assert record["communities"] == "2"
    assert record["face doors"] == "8"
    assert record["doors with a non-face way in (%)"] == "87.5"
    assert record["communities with concerns"] == "1"
    assert len(header) == len(dataclasses.fields(DistrictRollup))
