"""Rights requests: access and copy, correction, deletion — each with a deadline and an answer.

A request is opened with a due date (15 days by default, configurable per community), and closes
either fulfilled or refused; a refusal without a reason is itself refused, because the person is
owed one. ``access_bundle`` is the person's complete data as machine-readable JSON, and
``render_summary_html`` the same for reading, in zh-CN or English. Neither ever contains a face
template or image: the bundle says which template versions exist, not their content.
"""

from __future__ import annotations

import html
import unicodedata
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from menwei.core.text import BIDI_CONTROLS, ZERO_WIDTH
from menwei.privacy.errors import RequestError

DEFAULT_DEADLINE_DAYS = 15
BUNDLE_FORMAT = "menwei-personal-data/1"
MIN_REASON_CHARS = 10
MAX_TEXT_CHARS = 4000
MAX_FIELD_CHARS = 200


class RequestKind(StrEnum):
    ACCESS = "access"
    COPY = "copy"
    CORRECTION = "correction"
    DELETION = "deletion"


class RequestState(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    REFUSED = "refused"


@dataclass(frozen=True, kw_only=True)
class RightsRequest:
    id: uuid.UUID
    community_id: uuid.UUID
    person_id: uuid.UUID
    kind: RequestKind
    received_at: datetime
    due_at: datetime
    details: str = ""
    state: RequestState = RequestState.OPEN
    closed_at: datetime | None = None
    handled_by: str | None = None
    refusal_reason: str | None = None

    def is_overdue(self, now: datetime) -> bool:
        return self.state is RequestState.OPEN and now > self.due_at

    def days_left(self, now: datetime) -> int:
        """Whole days until the deadline (negative once overdue)."""
        return (self.due_at - now) // timedelta(days=1)


def hidden_character(text: str) -> bool:
    """Whether ``text`` holds a character that hides or garbles what the office reads:
    a direction override, a zero-width or another control character (line breaks and tabs
    are allowed; a request may have paragraphs)."""
    for char in text:
        if char in "\n\t":
            continue
        if char in BIDI_CONTROLS or char in ZERO_WIDTH or char == "\r":
            return True
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return True
    return False


def check_text(text: str, *, field: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` stripped, if it fits ``limit`` and shows as written; ``RequestError`` if not."""
    if len(text) > limit:
        raise RequestError(
            message_id="rights_request_error.text_too_long_most",
            values={"limit": limit},
            field=field,
        )
    if hidden_character(text):
        raise RequestError(
            message_id="rights_request_error.text_holds_invisible_control", field=field
        )
    return text.strip()


def correction_details(*, wrong: str, correct: str, note: str = "") -> str:
    """A correction request's text: what is wrong and what it should be, both required."""
    wrong = check_text(wrong, field="wrong", limit=MAX_FIELD_CHARS)
    correct = check_text(correct, field="correct", limit=MAX_FIELD_CHARS)
    note = check_text(note, field="details")
    if not wrong or not correct:
        raise RequestError(
            message_id="rights_request_error.correction_incomplete",
            field="wrong" if not wrong else "correct",
        )
    lines = [f"有误的信息 / Wrong: {wrong}", f"正确的内容 / Correct: {correct}"]
    if note:
        lines.append(f"说明 / Note: {note}")
    return "\n".join(lines)


def open_request(
    *,
    community_id: uuid.UUID,
    person_id: uuid.UUID,
    kind: RequestKind,
    at: datetime,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    details: str = "",
) -> RightsRequest:
    if not 1 <= deadline_days <= 60:
        raise RequestError(message_id="rights_request_error.answer_deadline_must_days")
    if len(details) > MAX_TEXT_CHARS:
        raise RequestError(
            message_id="rights_request_error.request_text_too_long",
            values={"max_text_chars": MAX_TEXT_CHARS},
            field="details",
        )
    check_text(details, field="details")
    if kind is RequestKind.CORRECTION and not details.strip():
        raise RequestError(
            message_id="rights_request_error.say_what_should_corrected", field="details"
        )
    return RightsRequest(
        id=uuid.uuid4(),
        community_id=community_id,
        person_id=person_id,
        kind=kind,
        received_at=at,
        due_at=at + timedelta(days=deadline_days),
        details=details.strip(),
    )


def _check_open(request: RightsRequest) -> None:
    if request.state is not RequestState.OPEN:
        raise RequestError(message_id="rights_request_error.request_already_closed_cannot")


def fulfil(request: RightsRequest, *, at: datetime, handled_by: str) -> RightsRequest:
    _check_open(request)
    return replace(request, state=RequestState.FULFILLED, closed_at=at, handled_by=handled_by)


def refuse(request: RightsRequest, *, at: datetime, handled_by: str, reason: str) -> RightsRequest:
    """Close the request as refused; the reason is shown to the person, so it is required."""
    _check_open(request)
    if len(reason) > MAX_TEXT_CHARS:
        raise RequestError(
            message_id="rights_request_error.reason_too_long_most",
            values={"max_text_chars": MAX_TEXT_CHARS},
            field="reason",
        )
    if len(reason.strip()) < MIN_REASON_CHARS:
        raise RequestError(
            message_id="rights_request_error.refusal_needs_reason_least",
            values={"min_reason_chars": MIN_REASON_CHARS},
            field="reason",
        )
    return replace(
        request,
        state=RequestState.REFUSED,
        closed_at=at,
        handled_by=handled_by,
        refusal_reason=reason.strip(),
    )


def overdue(requests: list[RightsRequest], now: datetime) -> list[RightsRequest]:
    """Open requests past their deadline, oldest deadline first."""
    return sorted((r for r in requests if r.is_overdue(now)), key=lambda r: r.due_at)


def access_bundle(
    *,
    person: dict[str, Any],
    generated_at: datetime,
    consents: list[dict[str, Any]],
    face_templates: list[dict[str, Any]],
    credentials: list[dict[str, Any]],
    audit_entries: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    receipts: list[dict[str, Any]],
) -> dict[str, Any]:
    """Everything held about one person, as one JSON-ready document."""
    return {
        "format": BUNDLE_FORMAT,
        "generated_at": generated_at.isoformat(),
        "person": person,
        "consents": consents,
        "face_templates": face_templates,
        "credentials": credentials,
        "audit_entries": audit_entries,
        "rights_requests": requests,
        "deletion_receipts": receipts,
    }


_SECTIONS = {
    "person": ("个人资料", "Your details"),
    "consents": ("同意记录", "Your consents"),
    "face_templates": ("人脸特征（加密保存，不含照片）", "Face templates (encrypted, no photos)"),
    "credentials": ("门卡、密码和二维码", "Cards, PINs and QR codes"),
    "audit_entries": ("对您人脸数据的每一次操作", "Every operation on your face data"),
    "rights_requests": ("您提出的申请", "Your requests"),
    "deletion_receipts": ("删除凭证", "Deletion receipts"),
}


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        value = (
            ", ".join(f"{k}: {v}" for k, v in value.items())
            if isinstance(value, dict)
            else (", ".join(str(v) for v in value))
        )
    return html.escape("" if value is None else str(value))


def render_summary_html(bundle: dict[str, Any], locale: str = "zh-CN") -> str:
    """A readable, self-contained HTML page of the bundle; every value is escaped."""
    en = locale.lower().startswith("en")
    lang = "en" if en else "zh-CN"
    title = "Your personal data" if en else "您的个人信息"
    parts = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><h1>{title}</h1>",
        f"<p>{'Generated' if en else '生成时间'}: {_cell(bundle.get('generated_at'))}</p>",
    ]
    for key, (zh, english) in _SECTIONS.items():
        parts.append(f"<h2>{english if en else zh}</h2>")
        value = bundle.get(key)
        rows = [value] if isinstance(value, dict) else list(value or [])
        if not rows:
            parts.append(f"<p>{'None' if en else '无'}</p>")
            continue
        columns = sorted({c for row in rows for c in row})
        parts.append("<table><tr>" + "".join(f"<th>{_cell(c)}</th>" for c in columns) + "</tr>")
        for row in rows:
            parts.append(
                "<tr>" + "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns) + "</tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
