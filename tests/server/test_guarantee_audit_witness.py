"""The audit log's signed head is witnessed on the community's public page, outside the
database, and that witness catches a rollback of the database."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from menwei.privacy.audit import AuditAction
from menwei.privacy.audit_head import Witness
from menwei.server.services.audit_trail import verify_audit
from menwei.server.services.template_delivery import privacy_kit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork


def test_the_public_page_shows_the_head_and_the_witness_catches_a_rollback(
    client, world, app
) -> None:  # type: ignore[no-untyped-def]
    kit = privacy_kit(app.state, app.state.settings)
    uow = UnitOfWork(app.state.session_factory)
    for i in range(3):
        with uow:
            kit.chain(PrivacyStore(uow.session)).append(
                at=datetime.now(UTC), actor="staff:li", action=AuditAction.STAFF_VIEW,
                person_id=world.a.resident_id, community_id=world.a.community_id,
                detail={"n": i},
            )  # fmt: skip
            uow.commit()
    with uow:
        newest = PrivacyStore(uow.session).audit_log.entry_at(3)
    assert newest is not None
    page = client.get(f"/c/{world.a.community_id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    short = newest.entry_hash[:16]
    assert f"entry 3, hash <code>{short}</code>" in page.text
    from menwei.privacy.receipts import key_fingerprint

    assert key_fingerprint(kit.keys.public_key) in page.text
    witness = Witness.parse(f"3:{short}")
    assert verify_audit(uow, kit, witness).ok
    # a database admin rolls the log back and removes the head file too: the witness shows it
    with app.state.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM privacy_audit_entries WHERE seq >= 2"))
    assert kit.head_file is not None
    kit.head_file.unlink()
    report = verify_audit(uow, kit, witness)
    assert [(p.seq, p.kind) for p in report.problems] == [(3, "truncated")]
