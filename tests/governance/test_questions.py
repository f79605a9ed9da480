"""Residents' questions: answered in the open where wanted, flagged when overdue."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from menwei.governance import (
    Answer,
    AnswererRole,
    InvalidInput,
    PublicQuestion,
    Question,
    Visibility,
    count_questions,
    public_listing,
)

from .conftest import rid

BEIJING = ZoneInfo("Asia/Shanghai")
ASKED = datetime(2026, 1, 5, 20, 0, tzinfo=BEIJING)


def _ask(name="q-1", visibility=Visibility.PUBLIC, at=ASKED, **options) -> Question:
    return Question.ask(
        question_id=rid(name),
        community_id=options.pop("community_id", rid("c-1")),
        asked_by=options.pop("asked_by", "resident-42"),
        text=options.pop("text", "这是全区统一的政府行为吗？有没有向主管部门备案？谁来监管？"),
        visibility=visibility,
        at=at,
        **options,
    )


def _answer(at: datetime, role=AnswererRole.OFFICIAL) -> Answer:
    return Answer(
        answered_by="account-street-office",
        role=role,
        speaking_for="丹阳街道办事处",
        text="这是区里统一部署的项目，已备案；由街道监管。您可以继续使用门禁卡，任何人不得强制采集人脸。",
        answered_at=at,
    )


def test_an_unanswered_question_becomes_overdue_only_after_its_deadline():
    question = _ask(answer_within=timedelta(days=7))
    assert not question.is_overdue(ASKED + timedelta(days=7))
    assert question.is_overdue(ASKED + timedelta(days=7, seconds=1))


def test_a_question_answered_in_time_is_never_overdue():
    question = _ask().answered(_answer(ASKED + timedelta(days=2)))
    assert not question.is_open(ASKED + timedelta(days=3))
    assert not question.is_overdue(ASKED + timedelta(days=30))


def test_a_late_answer_ends_the_overdue_flag_from_the_moment_it_is_given():
    question = _ask(answer_within=timedelta(days=3)).answered(_answer(ASKED + timedelta(days=10)))
    assert question.is_overdue(ASKED + timedelta(days=9))
    assert not question.is_overdue(ASKED + timedelta(days=10))


def test_the_public_listing_shows_public_questions_with_answers_and_never_who_asked():
    public = _ask("q-1").answered(_answer(ASKED + timedelta(days=1)))
    private = _ask("q-2", visibility=Visibility.PRIVATE, asked_by="resident-7")
    elsewhere = _ask("q-3", community_id=rid("c-2"))
    listing = public_listing(
        [public, private, elsewhere], community_id=rid("c-1"), at=ASKED + timedelta(days=2)
    )
    assert [entry.question_id for entry in listing] == [rid("q-1")]
    (entry,) = listing
    assert entry.answers[0].speaking_for == "丹阳街道办事处"
    assert entry.answers[0].role is AnswererRole.OFFICIAL
    assert "asked_by" not in {field.name for field in dataclasses.fields(PublicQuestion)}
    assert "resident-42" not in repr(listing)


def test_the_public_listing_dates_are_beijing_dates_and_newest_questions_come_first():
    late_evening = _ask("q-early", at=datetime(2026, 1, 5, 23, 30, tzinfo=BEIJING))
    next_morning = _ask("q-late", at=datetime(2026, 1, 6, 0, 30, tzinfo=BEIJING))
    listing = public_listing(
        [late_evening, next_morning],
        community_id=rid("c-1"),
        at=datetime(2026, 1, 7, tzinfo=BEIJING),
    )
    assert [entry.question_id for entry in listing] == [rid("q-late"), rid("q-early")]
    assert [entry.asked_on.day for entry in listing] == [6, 5]


def test_the_listing_as_of_a_past_moment_leaves_out_later_answers_and_questions():
    question = _ask("q-1").answered(_answer(ASKED + timedelta(days=5)))
    later = _ask("q-2", at=ASKED + timedelta(days=4))
    (entry,) = public_listing(
        [question, later], community_id=rid("c-1"), at=ASKED + timedelta(days=3)
    )
    assert entry.answers == ()


def test_the_supervisor_gets_counts_of_open_and_overdue_questions():
    questions = [
        _ask("q-1", answer_within=timedelta(days=1)),
        _ask("q-2", answer_within=timedelta(days=30)),
        _ask("q-3").answered(_answer(ASKED + timedelta(hours=3))),
    ]
    counts = count_questions(questions, at=ASKED + timedelta(days=2))
    assert (counts.open, counts.overdue) == (2, 1)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 4_001, "谁负责？\u202e", "<b>\x07</b>", None, 42],
)
def test_an_empty_huge_hostile_or_non_text_question_is_refused(text):
    with pytest.raises(InvalidInput) as refused:
        _ask(text=text)
    assert refused.value.message("en")
    assert refused.value.message_zh != refused.value.message_en


def test_markup_in_a_question_is_kept_as_text_for_the_page_to_escape():
    question = _ask(text="<script>alert(1)</script> 谁来监管？")
    assert question.text.startswith("<script>")


def test_an_answer_cannot_predate_its_question_and_must_name_a_known_role():
    with pytest.raises(InvalidInput):
        _ask().answered(_answer(ASKED - timedelta(minutes=1)))
    with pytest.raises(InvalidInput):
        _answer(ASKED, role="landlord")
    with pytest.raises(InvalidInput):
        _ask(visibility="secret")
