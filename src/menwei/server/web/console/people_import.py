"""The office's resident import page: upload a CSV or Excel sheet, see progress, then the result.

Without JavaScript the form posts the file and the answer is the result page. With it
(``static/import.js``) the file goes up with an upload bar, the import runs as a job in this
process, and the page polls its status (rows checked of rows total) before opening the same
result page. The import is all or nothing either way, so a failed or lost job imported nothing.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, SettingsDep, UowDep
from menwei.server.domain.errors import Conflict, PayloadTooLarge
from menwei.server.services import imports
from menwei.server.services.imports import ImportJob, ImportJobs, ImportOutcome
from menwei.server.web.console.frame import render_console
from menwei.server.web.forms import CsrfField
from menwei.server.web.templating import page_locale
from menwei.sheets.residents import MAX_ROWS, template_rows

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

Importing = Annotated[Caller, Depends(InCommunity("imports:write"))]
Upload = Annotated[UploadFile | None, File()]


def _jobs(request: Request) -> ImportJobs:
    state = request.app.state
    jobs = getattr(state, "import_jobs", None)
    if jobs is None:
        jobs = state.import_jobs = ImportJobs()
    return jobs


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}/import"


def _mib(limit: int) -> int:
    return max(1, limit // (1024 * 1024))


def _read(upload: UploadFile | None, limit: int) -> tuple[str, bytes | None]:
    """The file's name and bytes, or ``None`` when it is over ``limit``."""
    if upload is None:
        return "", b""
    content = upload.file.read(limit + 1)
    return upload.filename or "", (None if len(content) > limit else content)


def _page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    limit: int,
    *,
    outcome: ImportOutcome | None = None,
    running: bool = False,
    status_code: int = 200,
) -> Response:
    base = _base(caller)
    return render_console(
        request,
        caller,
        uow,
        "import_page.html",
        status_code=status_code,
        outcome=outcome,
        message=outcome.message(page_locale(request)) if outcome else "",
        lines=[_line(e, page_locale(request)) for e in (outcome.errors if outcome else ())],
        running=running,
        base=base,
        max_bytes=limit,
        max_mib=_mib(limit),
        max_rows=MAX_ROWS,
    )


def _line(error: dict[str, Any], locale: str) -> str:
    key = "message_en" if locale == "en" else "message_zh"
    return str(error.get(key) or error.get("message_zh") or "")


@router.get("/import")
def import_form(
    caller: Importing, request: Request, uow: UowDep, settings: SettingsDep
) -> Response:
    return _page(request, caller, uow, settings.max_upload_bytes)


@router.get("/import/template.csv")
def import_template(caller: Importing) -> Response:
    """The header row the importer reads, and one example row, as UTF-8 CSV Excel opens."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(template_rows())
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="residents-template.csv"; '
            "filename*=UTF-8''%E4%BD%8F%E6%88%B7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv"
        },
    )


@router.post("/import")
def import_submit(
    caller: Importing,
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    csrf: CsrfField = "",
    file: Upload = None,
) -> Response:
    """The plain form: import now, and answer with the result page."""
    check_csrf(request, csrf)
    limit = settings.max_upload_bytes
    filename, content = _read(file, limit)
    if content is None:
        outcome = imports.refused(imports.TOO_LARGE, mib=_mib(limit))
    elif file is None or not filename:
        outcome = imports.refused(imports.NO_FILE)
    else:
        outcome = imports.run_import(uow, caller, filename=filename, content=content)
    status = 200 if outcome.ok else (413 if content is None else 422)
    return _page(request, caller, uow, limit, outcome=outcome, status_code=status)


@router.post("/import/jobs", status_code=202)
def import_start(
    caller: Importing,
    request: Request,
    settings: SettingsDep,
    csrf: CsrfField = "",
    file: Upload = None,
) -> JSONResponse:
    """Start the import in the background; the page then polls ``status_url``."""
    check_csrf(request, csrf)
    limit = settings.max_upload_bytes
    filename, content = _read(file, limit)
    if content is None:
        raise PayloadTooLarge(message_id=imports.TOO_LARGE, mib=_mib(limit))
    job = _jobs(request).start(
        request.app.state.session_factory, caller, filename=filename, content=content
    )
    if job is None:
        raise Conflict(code="import_running")
    url = f"{_base(caller)}/jobs/{job.id}"
    return JSONResponse(
        {"job": job.id, "status_url": url + "/status", "result_url": url}, status_code=202
    )


def _status(job: ImportJob) -> dict[str, Any]:
    return {
        "phase": job.phase,
        "done": job.done,
        "total": job.total,
        "finished": job.finished_at is not None,
    }


@router.get("/import/jobs/{job_id}/status")
def import_status(caller: Importing, request: Request, job_id: str) -> JSONResponse:
    """How far the job is: rows checked, then rows written, of the sheet's total."""
    return JSONResponse(_status(_jobs(request).get(caller, job_id[:64])))


@router.get("/import/jobs/{job_id}")
def import_result(
    caller: Importing, request: Request, uow: UowDep, settings: SettingsDep, job_id: str
) -> Response:
    """The same result page as the plain form's, once the job has finished (a page that was
    found, so 200 even when the import was refused)."""
    job = _jobs(request).get(caller, job_id[:64])
    limit = settings.max_upload_bytes
    return _page(request, caller, uow, limit, outcome=job.outcome, running=job.outcome is None)
