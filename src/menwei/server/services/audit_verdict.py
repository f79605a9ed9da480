"""The audit chain's verdict for the supervisor's pages, kept per process between page loads.

Verifying the whole chain is linear in its length, and the chain only grows. So the server
remembers where its last verification ended (the last entry's sequence number and hash, and
the signed checkpoints it saw) and, on the next load, checks only what was written after that:
the new entries must link to the remembered hash. Tampering with entries verified earlier is
found by the full verification that runs again once the verdict is older than ``max_age`` (or
when the signed checkpoints changed), so the page says when the chain was last verified in full.

A failed verification is never remembered as a success: a broken verdict stays broken until a
full verification passes again. One lock makes concurrent page loads take turns, so two of them
never run a full verification at the same time; the second reuses the first one's verdict.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from menwei.privacy.audit import ChainPosition
from menwei.store import privacy_services as ops
from menwei.store.privacy_services import PrivacyKit
from menwei.store.uow import UnitOfWork

DEFAULT_MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    """Whether the chain verified, and when it was last verified from its first entry."""

    ok: bool
    fully_verified_at: datetime
    #: where the last successful check ended; ``None`` after a failure
    position: ChainPosition | None


class AuditVerdicts:
    """The process's remembered verdict; ``current`` brings it up to date and returns it."""

    def __init__(self, *, max_age: timedelta = DEFAULT_MAX_AGE) -> None:
        self.max_age = max_age
        self._verdict: AuditVerdict | None = None
        self._lock = threading.Lock()

    def current(self, uow: UnitOfWork, kit: PrivacyKit, *, now: datetime) -> AuditVerdict:
        """The verdict as of ``now``: incremental while fresh, full when stale or unsure."""
        with self._lock:
            known = self._verdict
            if known is None or self._stale(known, now):
                verdict = self._full(uow, kit, now)
            elif not known.ok or known.position is None:
                verdict = known  # failed stays failed until a full verification passes
            else:
                verdict = self._incremental(uow, kit, known, known.position, now)
            self._verdict = verdict
            return verdict

    def forget(self) -> None:
        """Drop the remembered verdict: the next load verifies the whole chain."""
        with self._lock:
            self._verdict = None

    def _stale(self, verdict: AuditVerdict, now: datetime) -> bool:
        age = now - verdict.fully_verified_at
        return age >= self.max_age or age < timedelta(0)  # a clock set back: verify again

    def _full(self, uow: UnitOfWork, kit: PrivacyKit, now: datetime) -> AuditVerdict:
        report = ops.verify_audit(uow, kit)
        return AuditVerdict(report.ok, now, report.position if report.ok else None)

    def _incremental(
        self,
        uow: UnitOfWork,
        kit: PrivacyKit,
        known: AuditVerdict,
        position: ChainPosition,
        now: datetime,
    ) -> AuditVerdict:
        report = ops.verify_audit_after(uow, kit, position)
        if report is None:  # the signed checkpoints changed: judge the whole chain again
            return self._full(uow, kit, now)
        if not report.ok:
            return AuditVerdict(False, known.fully_verified_at, None)
        return AuditVerdict(True, known.fully_verified_at, report.position)
