"""The audit chain's verdict for the supervisor's pages, kept per process between page loads.

Verifying the whole chain is linear in its length, and the chain only grows. So the server
remembers where its last verification ended (the last entry's sequence number and hash, and
the signed checkpoints it saw) and, on the next load, checks only what was written after that:
the new entries must link to the remembered hash. Tampering with entries verified earlier is
found by the full verification that runs again once the verdict is older than ``max_age`` (or
when the signed checkpoints changed), so the page says when the chain was last verified in full.

That full verification runs in a background thread with its own unit of work, at most one at a
time per process: a page load never waits for it. Meanwhile loads are served the last verdict
brought up to date by the incremental check, and the page says a full verification is running.
Only the first load of a process, with no verdict yet, verifies in full before answering, and
only when the chain is short (under ``inline_below`` entries); otherwise it says "not verified
yet" until the background run reports.

A failed verification is never remembered as a success: a broken verdict stays broken until a
full verification passes again. One lock makes page loads take turns over the remembered verdict.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from menwei.privacy.audit import ChainPosition, VerifyReport
from menwei.server.services import privacy_operations as ops
from menwei.server.services.privacy_operations import PrivacyKit
from menwei.store.uow import UnitOfWork

DEFAULT_MAX_AGE = timedelta(minutes=10)
#: a chain shorter than this is verified in full on a process's first load (about a second)
DEFAULT_INLINE_BELOW = 20_000

#: verifies the whole chain in the unit of work given (``privacy_operations.verify_audit``)
FullVerifier = Callable[[UnitOfWork, PrivacyKit], VerifyReport]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    """Whether the chain verified, and when it was last verified from its first entry.

    ``ok`` is ``None`` while no verification has judged the chain (a process's first full
    verification still running, or the signed checkpoints changed since the last one).
    """

    ok: bool | None
    fully_verified_at: datetime | None
    #: where the last successful check ended; ``None`` unless ``ok``
    position: ChainPosition | None


class AuditVerdicts:
    """The process's remembered verdict; ``current`` brings it up to date and returns it."""

    def __init__(
        self,
        *,
        max_age: timedelta = DEFAULT_MAX_AGE,
        inline_below: int = DEFAULT_INLINE_BELOW,
        verify_full: FullVerifier | None = None,
    ) -> None:
        self.max_age = max_age
        self.inline_below = inline_below
        self._verify_full = verify_full
        self._verdict: AuditVerdict | None = None
        self._running: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """Whether a full verification is running in the background now."""
        with self._lock:
            return self._running is not None

    def current(self, uow: UnitOfWork, kit: PrivacyKit, *, now: datetime) -> AuditVerdict:
        """The verdict as of ``now``: the last one plus the entries written since.

        A stale or unsure verdict starts a full verification in the background; this load does
        not wait for it.
        """
        with self._lock:
            known = self._verdict
            if known is None:
                verdict = self._first(uow, kit, now)
            else:
                if self._stale(known, now):
                    self._start_full(uow, kit, now)
                verdict = self._bring_up_to_date(uow, kit, known, now)
            self._verdict = verdict
            return verdict

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running full verification, if any; whether none is running after."""
        with self._lock:
            thread = self._running
        if thread is not None:
            thread.join(timeout)
        return not self.running

    def forget(self) -> None:
        """Drop the remembered verdict: the next load verifies the whole chain."""
        with self._lock:
            self._verdict = None

    def _stale(self, verdict: AuditVerdict, now: datetime) -> bool:
        if verdict.ok is None or verdict.fully_verified_at is None:
            return True  # unsure: a full verification must run (again, if the last one died)
        age = now - verdict.fully_verified_at
        return age >= self.max_age or age < timedelta(0)  # a clock set back: verify again

    def _first(self, uow: UnitOfWork, kit: PrivacyKit, now: datetime) -> AuditVerdict:
        """No verdict yet: verify now if the chain is short, else in the background."""
        if self._running is None and ops.audit_length(uow) < self.inline_below:
            return self._judged(self._full(uow, kit), now)
        self._start_full(uow, kit, now)
        return AuditVerdict(None, None, None)

    def _bring_up_to_date(
        self, uow: UnitOfWork, kit: PrivacyKit, known: AuditVerdict, now: datetime
    ) -> AuditVerdict:
        if not known.ok or known.position is None:
            return known  # failed stays failed (unsure stays unsure) until a full run passes
        report = ops.verify_audit_after(uow, kit, known.position)
        if report is None:  # the signed checkpoints changed: only the whole chain can tell
            self._start_full(uow, kit, now)
            return AuditVerdict(None, known.fully_verified_at, None)
        if not report.ok:
            return AuditVerdict(False, known.fully_verified_at, None)
        return AuditVerdict(True, known.fully_verified_at, report.position)

    def _full(self, uow: UnitOfWork, kit: PrivacyKit) -> VerifyReport:
        verify = self._verify_full or ops.verify_audit  # looked up now, so tests may replace it
        return verify(uow, kit)

    @staticmethod
    def _judged(report: VerifyReport, started: datetime) -> AuditVerdict:
        return AuditVerdict(report.ok, started, report.position if report.ok else None)

    def _start_full(self, uow: UnitOfWork, kit: PrivacyKit, now: datetime) -> None:
        """Start the background full verification unless one runs. Caller holds the lock."""
        if self._running is not None:
            return
        own = uow.fresh()  # a session is not shared between threads
        thread = threading.Thread(
            target=self._run_full, args=(own, kit, now), name="audit-full-verify", daemon=True
        )
        self._running = thread
        thread.start()

    def _run_full(self, uow: UnitOfWork, kit: PrivacyKit, started: datetime) -> None:
        """The background run: its verdict replaces the remembered one when it ends.

        ``started`` (the clock of the load that asked for it) is the verdict's time: entries
        written during the run are checked by the next load's incremental check.
        """
        verdict: AuditVerdict | None = None
        try:
            verdict = self._judged(self._full(uow, kit), started)
        except Exception:  # the next stale load tries again; nothing is remembered as passed
            log.exception("the full verification of the audit chain did not finish")
        finally:
            with self._lock:
                if verdict is not None:
                    self._verdict = verdict
                self._running = None
