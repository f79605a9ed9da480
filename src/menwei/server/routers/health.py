"""Probes and metrics: ``/healthz`` (the process answers), ``/readyz`` (the database answers)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from menwei.server.errors import error_body, request_locale
from menwei.server.i18n import message
from menwei.store.engine import database_answers

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    if not database_answers(request.app.state.engine):
        locale = request_locale(request)
        body = error_body(
            "database_unavailable",
            message("internal_error", locale),
            {"database": "unavailable"},
        )
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ready", "database": "ok"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    payload, content_type = request.app.state.metrics.exposition()
    return Response(payload, media_type=content_type)
