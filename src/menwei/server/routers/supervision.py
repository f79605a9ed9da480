"""The supervisor's view: aggregate rows for the communities they supervise, a district
roll-up and both as CSV. Aggregates only: no route here returns a person or a record about one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from menwei.governance import community_row, district_rollup, rollup_to_csv, rows_to_csv
from menwei.server.deps import Caller, Permit, UowDep
from menwei.server.errors import request_locale
from menwei.server.routers import API_PREFIX
from menwei.server.services import governance, governance_supervision
from menwei.server.services.privacy import privacy_kit

router = APIRouter(prefix=API_PREFIX + "/supervision", tags=["supervision"])

SupervisionRead = Annotated[Caller, Depends(Permit("supervision:read"))]


def _summaries(caller: Caller, request: Request, uow: UowDep) -> list[Any]:
    at = governance.clock(request)()
    return governance_supervision.summaries(uow, privacy_kit(request), caller, at=at)


@router.get("/communities")
def communities(caller: SupervisionRead, request: Request, uow: UowDep) -> list[dict[str, Any]]:
    """One row per supervised community: face on/off, alternatives, counts, concerns."""
    return governance_supervision.community_rows(_summaries(caller, request, uow))


@router.get("/communities.csv")
def communities_csv(caller: SupervisionRead, request: Request, uow: UowDep) -> Response:
    rows = [community_row(s) for s in _summaries(caller, request, uow)]
    return _csv(rows_to_csv(rows, locale=request_locale(request)), "communities.csv")


@router.get("/rollup")
def rollup(caller: SupervisionRead, request: Request, uow: UowDep) -> dict[str, Any]:
    """Totals across the supervised communities; shares recomputed from the totals."""
    return governance_supervision.rollup(_summaries(caller, request, uow))


@router.get("/rollup.csv")
def rollup_csv(caller: SupervisionRead, request: Request, uow: UowDep) -> Response:
    totals = district_rollup(_summaries(caller, request, uow))
    return _csv(rollup_to_csv(totals, locale=request_locale(request)), "rollup.csv")


def _csv(text: str, filename: str) -> Response:
    return Response(
        content=text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
