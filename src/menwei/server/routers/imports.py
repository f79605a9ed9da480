"""Bulk import of residents and units from the CSV or Excel sheet a property office keeps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from pydantic import BaseModel

from menwei.server.deps import Caller, InCommunity, SettingsDep, UowDep
from menwei.server.domain.errors import PayloadTooLarge
from menwei.server.routers import API_PREFIX
from menwei.server.services import imports

router = APIRouter(prefix=API_PREFIX, tags=["imports"])

ImportsWrite = Annotated[Caller, Depends(InCommunity("imports:write"))]


class ImportResult(BaseModel):
    buildings: int
    units: int
    people: int
    memberships: int
    cards: int
    skipped_existing: int


@router.post("/communities/{community_id}/imports/residents", status_code=201)
def import_residents(
    caller: ImportsWrite,
    uow: UowDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="A .csv (UTF-8) or .xlsx sheet")],
) -> ImportResult:
    """All or nothing: one invalid row and nothing is imported; errors are listed by line."""
    content = file.file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise PayloadTooLarge(limit=f"{settings.max_upload_bytes // (1024 * 1024)} MiB")
    report = imports.import_residents(uow, caller, filename=file.filename or "", content=content)
    return ImportResult(
        buildings=report.buildings,
        units=report.units,
        people=report.people,
        memberships=report.memberships,
        cards=report.cards,
        skipped_existing=report.skipped_existing,
    )
