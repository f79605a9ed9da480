"""A resident's own data: what is held, every audit entry about them, the download, erase."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from menwei.server import app_state
from menwei.server.deps import Caller, Permit, UowDep
from menwei.server.errors import request_locale
from menwei.server.privacy_schemas import audit_entry_json, my_data_json
from menwei.server.routers import API_PREFIX
from menwei.server.routers.consent import receipt_download
from menwei.server.services import privacy, withdrawal

router = APIRouter(prefix=API_PREFIX + "/me/privacy", tags=["my data"])

Me = Annotated[Caller, Depends(Permit("me:privacy"))]


@router.get("")
def held(caller: Me, uow: UowDep) -> dict[str, Any]:
    """Is a face template held, since when, under which notice; my consents and credentials."""
    return my_data_json(privacy.my_data(uow, caller))


@router.get("/audit")
def audit(caller: Me, request: Request, uow: UowDep) -> list[dict[str, Any]]:
    entries = privacy.my_audit(uow, app_state.privacy_kit(request), caller)
    return [audit_entry_json(e) for e in entries]


@router.get("/export")
def export(
    caller: Me,
    request: Request,
    uow: UowDep,
    format: Annotated[Literal["json", "html"], Query()] = "json",
) -> Response:
    """My complete data as a JSON bundle or a readable page, to keep or to print."""
    export = privacy.my_export(
        uow, app_state.privacy_kit(request), caller, locale=request_locale(request)
    )
    if format == "html":
        return HTMLResponse(
            export.page, headers={"Content-Disposition": 'attachment; filename="my-data.html"'}
        )
    import json

    return Response(
        json.dumps(export.bundle, ensure_ascii=False, indent=2).encode("utf-8"),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@router.post("/erase")
def erase(caller: Me, request: Request, uow: UowDep) -> Response:
    """Withdraw consent and erase my face data; answers the signed deletion receipt."""
    return receipt_download(withdrawal.erase_mine(uow, app_state.privacy_kit(request), caller))
