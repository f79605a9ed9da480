"""Two writers appending to the audit chain at once take turns; the chain never forks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from menwei.privacy.audit import AuditAction, AuditChain, verify_chain
from menwei.privacy.keys import ProcessorKeys
from menwei.store.engine import make_session_factory
from menwei.store.repositories.privacy import SqlAuditLog

AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def test_concurrent_appenders_produce_one_unbroken_chain(engine):
    keys = ProcessorKeys.generate()
    sessions = make_session_factory(engine)
    errors: list[BaseException] = []
    per_writer = 25

    def writer(name: str) -> None:
        try:
            for i in range(per_writer):
                with sessions() as session:
                    chain = AuditChain(
                        SqlAuditLog(session), signing_key=keys.signing_key, pepper=b"p"
                    )
                    chain.append(at=AT, actor=name, action=AuditAction.STAFF_VIEW, person_id=i)
                    session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"staff:{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sessions() as session:
        log = SqlAuditLog(session)
        report = verify_chain(log.entries(), log.checkpoints(), keys.public_key)
    assert report.ok, report.problems
    assert report.entries == 3 * per_writer
