"""The full verification of the audit chain runs in the background: a stale page load is served
the last verdict at once, the background verdict replaces it when it ends, one run at a time,
and nothing counts as verified before a verification passed."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from menwei.privacy.audit import VerifyReport
from menwei.server.services import audit_trail
from menwei.server.services.audit_verdict import AuditVerdict, AuditVerdicts
from menwei.server.services.template_delivery import privacy_kit
from menwei.store.uow import UnitOfWork

from .conftest import World
from .test_supervision_audit_verdict import T0, append, tamper


class HeldVerifier:
    """The real full verification, held at its start until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.released = threading.Event()
        self.released.set()

    def hold(self) -> None:
        self.released.clear()

    def __call__(self, uow: UnitOfWork, kit: Any) -> VerifyReport:
        self.calls += 1
        assert self.released.wait(timeout=30), "the test never released the verification"
        return audit_trail.verify_audit(uow, kit)


def verdicts_for(app: FastAPI, **options: Any) -> tuple[AuditVerdicts, HeldVerifier]:
    verifier = HeldVerifier()
    verdicts = AuditVerdicts(max_age=timedelta(minutes=10), verify_full=verifier, **options)
    return verdicts, verifier


def load(app: FastAPI, verdicts: AuditVerdicts, **after: float) -> AuditVerdict:
    kit = privacy_kit(app.state, app.state.settings)
    uow = UnitOfWork(app.state.session_factory)
    return verdicts.current(uow, kit, now=T0 + timedelta(**after))


def test_a_stale_load_is_served_the_last_verdict_while_the_full_run_goes_on(
    app: FastAPI, world: World
) -> None:
    verdicts, verifier = verdicts_for(app)
    append(app, 5)
    assert load(app, verdicts).ok is True
    verifier.hold()
    last = append(app, 3)

    served = load(app, verdicts, minutes=10)  # returns while the full run is held

    assert verdicts.running
    assert served.ok is True and served.fully_verified_at == T0
    assert served.position is not None and served.position.seq == last  # new entries checked
    verifier.released.set()
    assert verdicts.wait(timeout=30)
    after = load(app, verdicts, minutes=11)
    assert after.ok is True and after.fully_verified_at == T0 + timedelta(minutes=10)
    assert verifier.calls == 2


def test_tampering_found_by_the_background_run_turns_the_verdict_to_broken(
    app: FastAPI, world: World
) -> None:
    verdicts, verifier = verdicts_for(app)
    last = append(app, 5)
    assert load(app, verdicts).ok is True
    verifier.hold()
    tamper(app, last - 3)

    assert load(app, verdicts, minutes=10).ok is True  # old entries: only the full run sees
    verifier.released.set()
    assert verdicts.wait(timeout=30)

    broken = load(app, verdicts, minutes=11)
    assert broken.ok is False and broken.position is None
    assert broken.fully_verified_at == T0 + timedelta(minutes=10)
    assert load(app, verdicts, minutes=12).ok is False


def test_stale_loads_start_only_one_full_run(app: FastAPI, world: World) -> None:
    verdicts, verifier = verdicts_for(app)
    append(app, 5)
    load(app, verdicts)
    verifier.hold()
    threads = [
        threading.Thread(target=load, args=(app, verdicts), kwargs={"minutes": 10 + n})
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    load(app, verdicts, minutes=15)

    running = [t for t in threading.enumerate() if t.name == "audit-full-verify"]
    verifier.released.set()
    assert verdicts.wait(timeout=30)
    assert len(running) == 1
    assert verifier.calls == 2  # the first load's, then one background run


def test_a_long_chain_is_not_verified_before_the_first_background_run_passes(
    app: FastAPI, world: World
) -> None:
    verdicts, verifier = verdicts_for(app, inline_below=3)
    append(app, 5)
    verifier.hold()

    first = load(app, verdicts)
    again = load(app, verdicts, minutes=1)

    assert first == AuditVerdict(None, None, None) and again.ok is None
    verifier.released.set()
    assert verdicts.wait(timeout=30)
    assert load(app, verdicts, minutes=2).ok is True
    assert verifier.calls == 1


def test_a_short_chain_is_verified_on_the_first_load_without_a_thread(
    app: FastAPI, world: World
) -> None:
    verdicts, verifier = verdicts_for(app, inline_below=100)
    append(app, 5)

    first = load(app, verdicts)

    assert first.ok is True and first.fully_verified_at == T0
    assert not verdicts.running and verifier.calls == 1


def test_a_background_run_that_fails_to_finish_is_never_taken_for_a_pass(
    app: FastAPI, world: World
) -> None:
    calls: list[int] = []

    def unavailable(uow: UnitOfWork, kit: Any) -> VerifyReport:
        calls.append(1)
        raise RuntimeError("database went away")

    verdicts = AuditVerdicts(verify_full=unavailable, inline_below=0)
    append(app, 2)

    load(app, verdicts)
    assert verdicts.wait(timeout=30)
    after = load(app, verdicts, minutes=1)
    assert verdicts.wait(timeout=30)

    assert after.ok is None
    assert len(calls) == 2  # the next load tried again
