"""Two writers at once: a single-use pass opens once, an event re-sent in parallel is kept once."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

from tests.store.builders import T0, make_site

from menwei.core.credential import PassIssuer, QrPass, Validity
from menwei.store.records import AccessEvent, EventFilter
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


def test_two_gates_scanning_one_single_use_pass_at_once_open_only_one(uow: UnitOfWork) -> None:
    site = make_site(uow)
    qr = QrPass(
        id=uuid.uuid4(),
        holder_id=site.owner.id,
        issued_by=site.owner.id,
        issuer_kind=PassIssuer.RESIDENT,
        door_ids=frozenset({site.gate.id}),
        validity=Validity(valid_from=T0, valid_until=T0 + timedelta(hours=2)),
    )
    with uow:
        uow.credentials.save(qr)
        uow.commit()
    first_used = threading.Event()
    results: dict[str, bool] = {}

    def first_gate() -> None:
        with UnitOfWork(uow.session_factory) as mine:
            results["first"] = mine.credentials.use_qr_pass(qr.id)
            first_used.set()
            time.sleep(0.3)  # still holding the row while the other gate scans
            mine.commit()

    def second_gate() -> None:
        first_used.wait(5)
        with UnitOfWork(uow.session_factory) as mine:
            results["second"] = mine.credentials.use_qr_pass(qr.id)
            mine.commit()

    threads = [threading.Thread(target=first_gate), threading.Thread(target=second_gate)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results == {"first": True, "second": False}
    with uow:
        assert uow.credentials.qr_uses(qr.id) == 1


def test_the_same_batch_uploaded_twice_in_parallel_is_stored_once(uow: UnitOfWork) -> None:
    site = make_site(uow)
    batch = [
        AccessEvent(
            idempotency_key=f"gate-1:{n}",
            community_id=site.community.id,
            door_id=site.gate.id,
            occurred_at=T0 + timedelta(seconds=n),
            direction="in",
            credential_kind="card",
            outcome="allow",
            reason_code="granted",
            person_id=site.owner.id,
        )
        for n in range(50)
    ]
    stored: list[int] = []
    start = threading.Barrier(2)

    def upload() -> None:
        start.wait(5)
        with UnitOfWork(uow.session_factory) as mine:
            stored.append(mine.events.add_many(batch))
            mine.commit()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(stored) == [0, 50]
    with uow:
        assert uow.events.count(EventFilter(), CommunityScope.all()) == 50
