"""What a supervisor (社区 / 街道 / 区) sees: figures per community and a district roll-up.

A supervisor oversees many communities and must see how each one runs its face recognition
without seeing anyone's personal data. The types here therefore hold, by construction, only
counts, shares, dates, statuses and the names of communities, notices and proposals: no person's
name, id or per-person row can be put into them. A test walks every field to keep it so.

The inputs are summaries the store computes per community; the functions here are pure.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from menwei.governance import _checks
from menwei.governance.errors import InvalidInput
from menwei.governance.notices import PublicNotice
from menwei.governance.result import VoteResult
from menwei.governance.tally import percent_down


class AuditStatus(StrEnum):
    """The outcome of the last verification of a community's audit chain."""

    VERIFIED = "verified"
    BROKEN = "broken"
    NOT_VERIFIED = "not_verified"


class FilingStatus(StrEnum):
    """Where the processor stands with filing (备案) at the cyberspace office."""

    NOT_REQUIRED = "not_required"
    APPROACHING = "approaching"
    DUE = "due"
    FILED = "filed"
    CANCELLED = "cancelled"


class Concern(StrEnum):
    """Something a supervisor should look at in a community."""

    FACE_DOOR_WITHOUT_ALTERNATIVE = "face_door_without_alternative"
    FACE_ON_WITHOUT_PASSED_VOTE = "face_on_without_passed_vote"
    FACE_ON_WITHOUT_COMPLETE_NOTICE = "face_on_without_complete_notice"
    OVERDUE_RIGHTS_REQUESTS = "overdue_rights_requests"
    OVERDUE_QUESTIONS = "overdue_questions"
    AUDIT_BROKEN = "audit_broken"
    AUDIT_NOT_VERIFIED = "audit_not_verified"
    FILING_DUE = "filing_due"


@dataclass(frozen=True)
class NoticeRecord:
    """One notice in a community's history, as figures."""

    notice_id: uuid.UUID
    title: str
    starts_on: date
    minimum_days: int
    displayed_days: int
    period_complete: bool

    @classmethod
    def of(cls, notice: PublicNotice, *, as_of: datetime) -> NoticeRecord:
        days = notice.displayed_days(as_of)
        return cls(
            notice.notice_id,
            notice.title,
            notice.starts_on,
            notice.minimum_days,
            days,
            days >= notice.minimum_days,
        )


@dataclass(frozen=True)
class VoteRecord:
    """One closed vote in a community's history, as figures (percentages rounded down)."""

    proposal_id: uuid.UUID
    title: str
    subject: str
    rule: str
    closed_on: date
    turnout_by_area: Decimal
    turnout_by_heads: Decimal
    approval_by_area: Decimal
    approval_by_heads: Decimal
    passed: bool

    @classmethod
    def of(cls, result: VoteResult, *, timezone: str = "Asia/Shanghai") -> VoteRecord:
        tally = result.tally
        return cls(
            result.proposal_id,
            result.title,
            str(result.subject),
            str(tally.rule),
            result.closed_at.astimezone(ZoneInfo(timezone)).date(),
            percent_down(tally.turnout_by_area()),
            percent_down(tally.turnout_by_heads()),
            percent_down(tally.approval_by_area()),
            percent_down(tally.approval_by_heads()),
            tally.passed,
        )


@dataclass(frozen=True)
class CommunitySummary:
    """Per-community counts the store gathers for the supervisor."""

    community_id: uuid.UUID
    community_name: str
    face_on: bool
    face_on_since: date | None
    face_doors: int
    face_doors_with_alternative: int
    residents: int
    enrolled: int
    withdrawals: int
    open_rights_requests: int
    overdue_rights_requests: int
    open_questions: int
    overdue_questions: int
    audit_status: AuditStatus
    audit_verified_at: datetime | None
    filing_count: int
    filing_status: FilingStatus
    notices: tuple[NoticeRecord, ...] = ()
    votes: tuple[VoteRecord, ...] = ()
    #: Whether the community requires an owners' vote before face recognition (R16: its choice).
    vote_required: bool = True
    #: The day face recognition was last switched off, while it stays off (``None`` if never on).
    face_off_since: date | None = None
    #: Tailgating alerts raised by the community's gates in the last month (a count only).
    tailgating_alerts: int = 0

    def __post_init__(self) -> None:
        _checks.record_id("community_id", self.community_id)
        _checks.text("community_name", self.community_name, max_length=200, multiline=False)
        for name in (
            "face_doors",
            "face_doors_with_alternative",
            "residents",
            "enrolled",
            "withdrawals",
            "open_rights_requests",
            "overdue_rights_requests",
            "open_questions",
            "overdue_questions",
            "filing_count",
            "tailgating_alerts",
        ):
            _checks.count(name, getattr(self, name))
        if self.face_doors_with_alternative > self.face_doors:
            raise InvalidInput("face_doors_with_alternative", "invalid_input.exceeds_face_doors")
        if self.enrolled > self.residents:
            raise InvalidInput("enrolled", "invalid_input.exceeds_residents")
        if self.overdue_rights_requests > self.open_rights_requests:
            raise InvalidInput("overdue_rights_requests", "invalid_input.exceeds_open_requests")
        if self.overdue_questions > self.open_questions:
            raise InvalidInput("overdue_questions", "invalid_input.exceeds_open_questions")
        if self.face_on != (self.face_on_since is not None):
            raise InvalidInput("face_on_since", "invalid_input.set_exactly_when_face")
        if self.face_on and self.face_off_since is not None:
            raise InvalidInput("face_off_since", "invalid_input.set_only_when_off")
        object.__setattr__(self, "audit_status", AuditStatus(self.audit_status))
        object.__setattr__(self, "filing_status", FilingStatus(self.filing_status))
        object.__setattr__(self, "notices", tuple(self.notices))
        object.__setattr__(self, "votes", tuple(self.votes))


@dataclass(frozen=True)
class SupervisorRow:
    """One community's line in the supervisor's table."""

    community_id: uuid.UUID
    community_name: str
    face_on: bool
    face_on_since: date | None
    face_doors: int
    alternative_share: Decimal
    residents: int
    enrolled: int
    withdrawals: int
    face_share: Decimal
    open_rights_requests: int
    overdue_rights_requests: int
    open_questions: int
    overdue_questions: int
    audit_status: AuditStatus
    audit_verified_at: datetime | None
    filing_count: int
    filing_status: FilingStatus
    notices: tuple[NoticeRecord, ...]
    votes: tuple[VoteRecord, ...]
    concerns: tuple[Concern, ...]
    face_off_since: date | None = None
    tailgating_alerts: int = 0

    @property
    def every_face_door_has_alternative(self) -> bool:
        return self.alternative_share == 100


def community_row(summary: CommunitySummary) -> SupervisorRow:
    """The supervisor's row for one community, with the concerns it raises."""
    concerns: list[Concern] = []
    if summary.face_doors_with_alternative < summary.face_doors:
        concerns.append(Concern.FACE_DOOR_WITHOUT_ALTERNATIVE)
    if (
        summary.face_on
        and summary.vote_required
        and not any(vote.passed and vote.subject == "face_recognition" for vote in summary.votes)
    ):
        concerns.append(Concern.FACE_ON_WITHOUT_PASSED_VOTE)
    if summary.face_on and not any(notice.period_complete for notice in summary.notices):
        concerns.append(Concern.FACE_ON_WITHOUT_COMPLETE_NOTICE)
    if summary.overdue_rights_requests:
        concerns.append(Concern.OVERDUE_RIGHTS_REQUESTS)
    if summary.overdue_questions:
        concerns.append(Concern.OVERDUE_QUESTIONS)
    if summary.audit_status is AuditStatus.BROKEN:
        concerns.append(Concern.AUDIT_BROKEN)
    elif summary.audit_status is AuditStatus.NOT_VERIFIED:
        concerns.append(Concern.AUDIT_NOT_VERIFIED)
    if summary.filing_status is FilingStatus.DUE:
        concerns.append(Concern.FILING_DUE)
    return SupervisorRow(
        community_id=summary.community_id,
        community_name=summary.community_name,
        face_on=summary.face_on,
        face_on_since=summary.face_on_since,
        face_doors=summary.face_doors,
        alternative_share=_share(summary.face_doors_with_alternative, summary.face_doors),
        residents=summary.residents,
        enrolled=summary.enrolled,
        withdrawals=summary.withdrawals,
        face_share=_share(summary.enrolled, summary.residents, empty=Decimal("0.0")),
        open_rights_requests=summary.open_rights_requests,
        overdue_rights_requests=summary.overdue_rights_requests,
        open_questions=summary.open_questions,
        overdue_questions=summary.overdue_questions,
        audit_status=summary.audit_status,
        audit_verified_at=summary.audit_verified_at,
        filing_count=summary.filing_count,
        filing_status=summary.filing_status,
        notices=summary.notices,
        votes=summary.votes,
        concerns=tuple(concerns),
        face_off_since=summary.face_off_since,
        tailgating_alerts=summary.tailgating_alerts,
    )


@dataclass(frozen=True)
class DistrictRollup:
    """Totals across the communities a supervisor covers."""

    communities: int
    communities_face_on: int
    communities_with_concerns: int
    face_doors: int
    face_doors_with_alternative: int
    alternative_share: Decimal
    residents: int
    enrolled: int
    withdrawals: int
    face_share: Decimal
    open_rights_requests: int
    overdue_rights_requests: int
    open_questions: int
    overdue_questions: int
    audits_broken: int
    audits_not_verified: int
    filing_count: int
    tailgating_alerts: int = 0


def district_rollup(summaries: Iterable[CommunitySummary]) -> DistrictRollup:
    """Sum the communities; shares are recomputed from the totals, not averaged."""
    items = list(summaries)
    rows = [community_row(summary) for summary in items]
    face_doors = sum(s.face_doors for s in items)
    with_alternative = sum(s.face_doors_with_alternative for s in items)
    residents = sum(s.residents for s in items)
    enrolled = sum(s.enrolled for s in items)
    return DistrictRollup(
        communities=len(items),
        communities_face_on=sum(s.face_on for s in items),
        communities_with_concerns=sum(bool(row.concerns) for row in rows),
        face_doors=face_doors,
        face_doors_with_alternative=with_alternative,
        alternative_share=_share(with_alternative, face_doors),
        residents=residents,
        enrolled=enrolled,
        withdrawals=sum(s.withdrawals for s in items),
        face_share=_share(enrolled, residents, empty=Decimal("0.0")),
        open_rights_requests=sum(s.open_rights_requests for s in items),
        overdue_rights_requests=sum(s.overdue_rights_requests for s in items),
        open_questions=sum(s.open_questions for s in items),
        overdue_questions=sum(s.overdue_questions for s in items),
        audits_broken=sum(s.audit_status is AuditStatus.BROKEN for s in items),
        audits_not_verified=sum(s.audit_status is AuditStatus.NOT_VERIFIED for s in items),
        filing_count=sum(s.filing_count for s in items),
        tailgating_alerts=sum(s.tailgating_alerts for s in items),
    )


#: Column headings of the CSV exports, zh-CN then en, by field name.
HEADINGS: dict[str, tuple[str, str]] = {
    "community_id": ("小区编号", "community id"),
    "community_name": ("小区名称", "community"),
    "communities": ("小区数", "communities"),
    "communities_face_on": ("已启用人脸识别的小区", "communities with face on"),
    "communities_with_concerns": ("需关注的小区", "communities with concerns"),
    "face_on": ("人脸识别已启用", "face recognition on"),
    "face_on_since": ("启用日期", "on since"),
    "face_off_since": ("关闭日期", "off since"),
    "face_doors": ("人脸门数", "face doors"),
    "face_doors_with_alternative": ("有非人脸方式的人脸门", "face doors with a non-face way in"),
    "alternative_share": ("有非人脸方式的门占比(%)", "doors with a non-face way in (%)"),
    "residents": ("居民数", "residents"),
    "enrolled": ("已录入人数", "enrolled"),
    "withdrawals": ("撤回人数", "withdrawals"),
    "face_share": ("使用人脸占比(%)", "using face (%)"),
    "open_rights_requests": ("未办结权利请求", "open rights requests"),
    "overdue_rights_requests": ("逾期权利请求", "overdue rights requests"),
    "open_questions": ("未答复咨询", "open questions"),
    "overdue_questions": ("逾期咨询", "overdue questions"),
    "audit_status": ("审计链校验", "audit chain"),
    "audit_verified_at": ("校验时间", "verified at"),
    "audits_broken": ("审计链校验失败", "audit chains broken"),
    "audits_not_verified": ("审计链未校验", "audit chains not verified"),
    "filing_count": ("备案计数", "filing count"),
    "filing_status": ("备案状态", "filing status"),
    "tailgating_alerts": ("近30天尾随告警", "tailgating alerts (30 days)"),
    "notices": ("公示次数", "notices"),
    "notices_complete": ("公示期满次数", "notices served in full"),
    "votes": ("表决次数", "votes"),
    "votes_passed": ("通过的表决", "votes passed"),
    "last_vote": ("最近表决", "last vote"),
    "concerns": ("需关注", "concerns"),
}

ROW_COLUMNS = (
    "community_id",
    "community_name",
    "face_on",
    "face_on_since",
    "face_off_since",
    "face_doors",
    "alternative_share",
    "residents",
    "enrolled",
    "withdrawals",
    "face_share",
    "open_rights_requests",
    "overdue_rights_requests",
    "open_questions",
    "overdue_questions",
    "audit_status",
    "audit_verified_at",
    "filing_count",
    "filing_status",
    "tailgating_alerts",
    "notices",
    "notices_complete",
    "votes",
    "votes_passed",
    "last_vote",
    "concerns",
)

ROLLUP_COLUMNS = tuple(field.name for field in fields(DistrictRollup))


def rows_to_csv(rows: Iterable[SupervisorRow], *, locale: str = "zh-CN") -> str:
    """The supervisor's table as CSV, headers in the reader's language.

    Cells that a spreadsheet would run as a formula are quoted with a leading apostrophe.
    """
    return _csv(ROW_COLUMNS, (_row_cells(row) for row in rows), locale)


def rollup_to_csv(rollup: DistrictRollup, *, locale: str = "zh-CN") -> str:
    """The district totals as a one-line CSV table, headers in the reader's language."""
    return _csv(ROLLUP_COLUMNS, [{name: getattr(rollup, name) for name in ROLLUP_COLUMNS}], locale)


def _row_cells(row: SupervisorRow) -> dict[str, object]:
    last = max(row.votes, key=lambda vote: (vote.closed_on, vote.proposal_id), default=None)
    cells: dict[str, object] = {name: getattr(row, name, None) for name in ROW_COLUMNS}
    cells["notices"] = len(row.notices)
    cells["notices_complete"] = sum(notice.period_complete for notice in row.notices)
    cells["votes"] = len(row.votes)
    cells["votes_passed"] = sum(vote.passed for vote in row.votes)
    cells["last_vote"] = (
        ""
        if last is None
        else f"{last.closed_on.isoformat()} {'passed' if last.passed else 'failed'}"
    )
    cells["concerns"] = " ".join(row.concerns)
    return cells


def _csv(columns: tuple[str, ...], lines: Iterable[dict[str, object]], locale: str) -> str:
    language = 1 if locale.lower().startswith("en") else 0
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS[name][language] for name in columns)
    for line in lines:
        writer.writerow(_cell(line[name]) for name in columns)
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + text
    return text


def _share(part: int, whole: int, *, empty: Decimal = Decimal("100.0")) -> Decimal:
    """``part / whole`` in percent, rounded down; ``empty`` when there is nothing to count.

    No face doors means none lacks an alternative, hence 100 by default.
    """
    return empty if whole == 0 else percent_down(Fraction(part, whole))
