"""Residents' questions (咨询) and their answers, in the open where the resident wants that.

The second seed story is a resident asking who approved the programme and who supervises it.
Such questions get an answer from an account that speaks for the property company, the owners'
committee or a government office, and public ones appear on the community's public page — the
question and the answers, never who asked. A question still unanswered past its deadline is
flagged to the supervisor.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from menwei.governance import _checks
from menwei.governance.errors import InvalidInput

DEFAULT_ANSWER_WITHIN = timedelta(days=7)
MAX_QUESTION = 4_000
MAX_ANSWER = 10_000


class Visibility(StrEnum):
    """Whether a question and its answers appear on the public page."""

    PUBLIC = "public"
    PRIVATE = "private"


class AnswererRole(StrEnum):
    """Who speaks in an answer: the property company's staff, the committee, an official office."""

    STAFF = "staff"
    COMMITTEE = "committee"
    OFFICIAL = "official"


@dataclass(frozen=True)
class Answer:
    """An answer, given by an account on behalf of a body whose public name it carries."""

    answered_by: str
    role: AnswererRole
    speaking_for: str
    text: str
    answered_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "answered_by", _checks.identifier("answered_by", self.answered_by))
        try:
            object.__setattr__(self, "role", AnswererRole(self.role))
        except ValueError:
            raise InvalidInput("role", "invalid_input.no_such_role") from None
        object.__setattr__(
            self,
            "speaking_for",
            _checks.text("speaking_for", self.speaking_for, max_length=200, multiline=False),
        )
        object.__setattr__(self, "text", _checks.text("text", self.text, max_length=MAX_ANSWER))
        _checks.aware("answered_at", self.answered_at)


@dataclass(frozen=True)
class Question:
    """A resident's question. ``asked_by`` stays private whatever the visibility."""

    question_id: uuid.UUID
    community_id: uuid.UUID
    asked_by: str
    text: str
    visibility: Visibility
    asked_at: datetime
    answer_due_at: datetime
    answers: tuple[Answer, ...] = ()

    def __post_init__(self) -> None:
        for name in ("question_id", "community_id"):
            _checks.record_id(name, getattr(self, name))
        object.__setattr__(self, "asked_by", _checks.identifier("asked_by", self.asked_by))
        object.__setattr__(self, "text", _checks.text("text", self.text, max_length=MAX_QUESTION))
        try:
            object.__setattr__(self, "visibility", Visibility(self.visibility))
        except ValueError:
            raise InvalidInput("visibility", "invalid_input.choose_public_private") from None
        _checks.aware("asked_at", self.asked_at)
        _checks.aware("answer_due_at", self.answer_due_at)
        if self.answer_due_at <= self.asked_at:
            raise InvalidInput("answer_due_at", "invalid_input.must_follow_asked")
        object.__setattr__(self, "answers", tuple(self.answers))

    @classmethod
    def ask(
        cls,
        *,
        question_id: uuid.UUID,
        community_id: uuid.UUID,
        asked_by: str,
        text: str,
        visibility: Visibility,
        at: datetime,
        answer_within: timedelta = DEFAULT_ANSWER_WITHIN,
    ) -> Question:
        """A new question, due for an answer ``answer_within`` after it was asked."""
        _checks.aware("at", at)
        return cls(question_id, community_id, asked_by, text, visibility, at, at + answer_within)

    def answered(self, answer: Answer) -> Question:
        """A copy of the question with one more answer."""
        if not isinstance(answer, Answer):
            raise InvalidInput("answer", "invalid_input.answer_malformed")
        if answer.answered_at < self.asked_at:
            raise InvalidInput("answered_at", "invalid_input.precedes_question")
        return Question(
            self.question_id,
            self.community_id,
            self.asked_by,
            self.text,
            self.visibility,
            self.asked_at,
            self.answer_due_at,
            (*self.answers, answer),
        )

    def first_answered_at(self) -> datetime | None:
        return min((answer.answered_at for answer in self.answers), default=None)

    def is_open(self, at: datetime) -> bool:
        """Asked by ``at`` and not answered by then."""
        first = self.first_answered_at()
        return self.asked_at <= at and (first is None or first > at)

    def is_overdue(self, at: datetime) -> bool:
        """Still unanswered at ``at``, which is past the answer deadline."""
        return self.is_open(_checks.aware("at", at)) and at > self.answer_due_at


@dataclass(frozen=True)
class PublicAnswer:
    """An answer as the public page shows it: who spoke for whom, what, and when."""

    role: AnswererRole
    speaking_for: str
    text: str
    answered_on: date


@dataclass(frozen=True)
class PublicQuestion:
    """A public question as the public page shows it, without who asked."""

    question_id: uuid.UUID
    text: str
    asked_on: date
    answers: tuple[PublicAnswer, ...]
    overdue: bool


def public_listing(
    questions: Iterable[Question],
    *,
    community_id: uuid.UUID,
    at: datetime,
    timezone: str = "Asia/Shanghai",
) -> tuple[PublicQuestion, ...]:
    """The community's public Q&A as of ``at``, newest question first.

    Private questions never appear; no entry names who asked. Dates are local to the community.
    """
    _checks.aware("at", at)
    zone = ZoneInfo(timezone)
    shown = sorted(
        (
            question
            for question in questions
            if question.community_id == community_id
            and question.visibility is Visibility.PUBLIC
            and question.asked_at <= at
        ),
        key=lambda question: (question.asked_at, question.question_id),
        reverse=True,
    )
    return tuple(
        PublicQuestion(
            question_id=question.question_id,
            text=question.text,
            asked_on=question.asked_at.astimezone(zone).date(),
            answers=tuple(
                PublicAnswer(
                    answer.role,
                    answer.speaking_for,
                    answer.text,
                    answer.answered_at.astimezone(zone).date(),
                )
                for answer in sorted(question.answers, key=lambda answer: answer.answered_at)
                if answer.answered_at <= at
            ),
            overdue=question.is_overdue(at),
        )
        for question in shown
    )


@dataclass(frozen=True)
class QuestionCounts:
    """How many questions of a community are open and overdue: what the supervisor sees."""

    open: int
    overdue: int


def count_questions(questions: Iterable[Question], *, at: datetime) -> QuestionCounts:
    """Open and overdue questions at ``at``, counted, never listed."""
    _checks.aware("at", at)
    open_count = overdue = 0
    for question in questions:
        if question.is_open(at):
            open_count += 1
            overdue += question.is_overdue(at)
    return QuestionCounts(open=open_count, overdue=overdue)
