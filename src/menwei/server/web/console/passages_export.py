"""The passages export the office opens in Excel: UTF-8 with a BOM (so Excel reads Chinese),
headers in the reader's language, times in the community's zone, doors and people by name.

The API's ``events.csv`` stays the machine format (ids, UTC); this one is for people.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from menwei.core.reason import Reason
from menwei.sheets.cells import defuse
from menwei.store.records import AccessEvent
from menwei.store.uow import UnitOfWork

BOM = "\ufeff"
HEADERS = {
    "zh-CN": ("时间", "门", "方向", "通行方式", "人员", "结果", "原因", "标记"),
    "en": ("Time", "Door", "Direction", "Credential", "Person", "Outcome", "Reason", "Flag"),
}
_WORDS = {
    "zh-CN": {
        "in": "进",
        "out": "出",
        "both": "进出",
        "allow": "放行",
        "deny": "拒绝",
        "tailgating": "尾随",
        "card": "门禁卡",
        "pin": "密码",
        "qr": "二维码",
        "face": "人脸",
    },
    "en": {
        "in": "in",
        "out": "out",
        "both": "both",
        "allow": "let through",
        "deny": "refused",
        "tailgating": "tailgating",
        "card": "card",
        "pin": "PIN",
        "qr": "QR code",
        "face": "face",
    },
}


def person_names(uow: UnitOfWork, community_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Every person of the community by id (the office may read names; the file stays local)."""
    with uow:
        return uow.names.people_of_community(community_id)


def _reason(code: str, locale: str) -> str:
    try:
        return Reason(code).message(locale)
    except ValueError:
        return code


def readable_csv(
    events: Iterable[AccessEvent],
    *,
    doors: dict[uuid.UUID, str],
    people: dict[uuid.UUID, str],
    zone: ZoneInfo,
    locale: str,
) -> Iterator[str]:
    """CSV text one chunk per line, BOM and header first; every cell defused for spreadsheets."""
    language = "en" if locale == "en" else "zh-CN"
    words = _WORDS[language]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(HEADERS[language])
    yield BOM + flush()
    for e in events:
        cells = [
            e.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            doors.get(e.door_id, ""),
            words.get(e.direction, e.direction),
            words.get(e.credential_kind, e.credential_kind or ""),
            people.get(e.person_id, "") if e.person_id else "",
            words.get(e.outcome, e.outcome),
            _reason(e.reason_code, language),
            words.get(e.flag, e.flag) if e.flag else "",
        ]
        writer.writerow([defuse(str(c)) for c in cells])
        yield flush()
