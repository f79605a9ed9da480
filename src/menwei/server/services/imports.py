"""Bulk import through the store's importer: validate every row, then all or nothing."""

from __future__ import annotations

from menwei.server.deps import Caller
from menwei.server.errors import InvalidRequest
from menwei.store.records import ImportReport
from menwei.store.uow import UnitOfWork


def import_residents(
    uow: UnitOfWork, caller: Caller, *, filename: str, content: bytes
) -> ImportReport:
    """One invalid row and nothing is written; the error lists every problem by line."""
    assert caller.community_id is not None
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise InvalidRequest(
            code="unsupported_file",
            details={"field": "file"},
            texts={
                "zh-CN": "只支持 .csv（UTF-8）或 .xlsx 文件，请另存为其中一种格式后再上传。",
                "en": "Only .csv (UTF-8) or .xlsx files are accepted; save the sheet in one of "
                "these formats and upload again.",
            },
        )
    from menwei.store.resident_import import import_resident_file

    return import_resident_file(uow, caller.community_id, content, filename, scope=caller.scope)
