"""Bulk import through the store's importer: validate every row, then all or nothing."""

from __future__ import annotations

import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import ApiError, InvalidRequest, NotFound
from menwei.sheets.residents import Progress
from menwei.store.records import ImportReport
from menwei.store.uow import UnitOfWork
from menwei.text import translate

log = logging.getLogger("menwei.server")


def import_residents(
    uow: UnitOfWork,
    caller: Caller,
    *,
    filename: str,
    content: bytes,
    progress: Progress | None = None,
) -> ImportReport:
    """One invalid row and nothing is written; the error lists every problem by line."""
    assert caller.community_id is not None
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise InvalidRequest(
            code="unsupported_file",
            details={"field": "file"},
        )
    from menwei.store.repositories.resident_import import import_resident_file

    return import_resident_file(
        uow, caller.community_id, content, filename, scope=caller.scope, progress=progress
    )


# -- the office's import page: one outcome for the plain form and the tracked job ------------


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import ended with: a report, or why nothing was imported (every line listed)."""

    report: ImportReport | None = None
    message_zh: str = ""
    message_en: str = ""
    errors: tuple[dict[str, Any], ...] = ()
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.report is not None

    def message(self, locale: str) -> str:
        return self.message_en if locale.lower().startswith("en") else self.message_zh


# message ids of an import refused as a whole
TOO_LARGE = "import_too_large"
EMPTY = "import_empty"
NO_FILE = "import_no_file"
FAILED = "import_failed"


def refused(message_id: str, **values: object) -> ImportOutcome:
    """An outcome that imported nothing, saying why in both languages."""
    return ImportOutcome(
        message_zh=translate(message_id, "zh-CN", **values),
        message_en=translate(message_id, "en", **values),
        error_count=1,
    )


def run_import(
    uow: UnitOfWork,
    caller: Caller,
    *,
    filename: str,
    content: bytes,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import and turn every refusal into an outcome a page can show; never raises for bad
    input. An unexpected failure is logged by type only (cells may hold personal data)."""
    assert caller.community_id is not None
    if not content:
        return refused(EMPTY)
    try:
        report = import_residents(
            uow, caller, filename=filename, content=content, progress=progress
        )
    except ApiError as error:
        return ImportOutcome(
            message_zh=error.render("zh-CN"), message_en=error.render("en"), error_count=1
        )
    except Exception as error:  # the page must answer, and nothing was written
        if not isinstance(getattr(error, "message_zh", None), str):
            log.error("resident import failed: %s", type(error).__name__)
            return refused(FAILED)
        # a rule of the domain (store, core) refused: its own bilingual message, by line
        details = getattr(error, "details", None)
        details = details if isinstance(details, dict) else {}
        return ImportOutcome(
            message_zh=error.message_zh,  # type: ignore[attr-defined]
            message_en=error.message_en,  # type: ignore[attr-defined]
            errors=tuple(details.get("errors") or ()),
            error_count=int(details.get("error_count") or 1),
        )
    return ImportOutcome(report=report)


@dataclass
class ImportJob:
    """An import running in the background, polled by the page for its progress.

    Kept in this process's memory only: the import is all or nothing, so a job lost to a
    restart has imported nothing and the office simply uploads the file again.
    """

    id: str
    community_id: uuid.UUID
    owner: uuid.UUID
    phase: str = "read"  # read -> validate -> import -> done
    done: int = 0
    total: int = 0
    outcome: ImportOutcome | None = None
    finished_at: float | None = None

    def progress(self, phase: str, done: int, total: int) -> None:
        self.phase, self.done, self.total = phase, done, total


class ImportJobs:
    """The jobs of one app: at most one running per community, finished ones kept an hour."""

    KEEP_SECONDS = 3600.0

    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        for key, job in list(self._jobs.items()):
            if job.finished_at is not None and now - job.finished_at > self.KEEP_SECONDS:
                del self._jobs[key]

    def start(
        self, session_factory: Any, caller: Caller, *, filename: str, content: bytes
    ) -> ImportJob | None:
        """A new job in its own thread, or ``None`` while this community already imports."""
        assert caller.community_id is not None
        with self._lock:
            self._prune(time.monotonic())
            if any(
                j.community_id == caller.community_id and j.finished_at is None
                for j in self._jobs.values()
            ):
                return None
            job = ImportJob(
                id=secrets.token_urlsafe(16), community_id=caller.community_id, owner=caller.id
            )
            self._jobs[job.id] = job

        def work() -> None:
            try:
                job.outcome = run_import(
                    UnitOfWork(session_factory),
                    caller,
                    filename=filename,
                    content=content,
                    progress=job.progress,
                )
            finally:
                if job.outcome is None:  # never left "running" for ever
                    job.outcome = refused(FAILED)
                job.phase = "done"
                job.finished_at = time.monotonic()

        threading.Thread(target=work, name=f"import-{job.id[:6]}", daemon=True).start()
        return job

    def get(self, caller: Caller, job_id: str) -> ImportJob:
        """The caller's own job in this community; anyone else's looks absent."""
        job = self._jobs.get(job_id)
        if job is None or job.owner != caller.id or job.community_id != caller.community_id:
            raise NotFound()
        return job
