"""The supervisor's pages say whether the audit chain verified and when it was last verified
from its first entry, and show a break in newly written entries on the next load."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from menwei.privacy.audit import AuditAction, VerifyReport
from menwei.server.services.audit_trail import verify_audit
from menwei.server.services.audit_verdict import AuditVerdicts
from menwei.server.services.template_delivery import privacy_kit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.tables.privacy import AuditEntryRow
from menwei.store.uow import UnitOfWork

from .conftest import Site
from .forms import HTML, sign_in

NOW = datetime(2026, 6, 1, 1, 30, tzinfo=UTC)  # 09:30 in Beijing


def test_the_pages_show_the_verdict_and_the_time_of_the_last_full_verification(
    client: TestClient, site: Site
) -> None:
    site.app.state.clock = lambda: NOW  # type: ignore[attr-defined]
    sign_in(client, "jianguan")
    community = f"/supervision/c/{site.world.community_id}"

    page = client.get(community, headers=HTML)
    rollup = client.get("/supervision", headers=HTML)

    assert page.status_code == 200 and rollup.status_code == 200
    assert "已校验，完整" in page.text
    assert "审计链已于 2026-06-01 09:30（北京时间）完整核验" in page.text
    assert "已于 2026-06-01 09:30 完整核验" in rollup.text


def test_a_changed_new_entry_shows_as_broken_on_the_next_load(
    client: TestClient, site: Site
) -> None:
    app = site.app
    app.state.clock = lambda: NOW  # type: ignore[attr-defined]
    sign_in(client, "jianguan")
    community = f"/supervision/c/{site.world.community_id}"
    assert "已校验，完整" in client.get(community, headers=HTML).text
    kit = privacy_kit(app.state, app.state.settings)  # type: ignore[attr-defined]
    with UnitOfWork(app.state.session_factory) as uow:  # type: ignore[attr-defined]
        entry = kit.chain(PrivacyStore(uow.session)).append(
            at=NOW, actor="staff(x)", action=AuditAction.STAFF_VIEW
        )
        uow.session.flush()
        uow.session.execute(
            sa.update(AuditEntryRow).where(AuditEntryRow.seq == entry.seq).values(actor="x")
        )
        uow.commit()

    page = client.get(community, headers=HTML)

    assert "未通过，请立即核查" in page.text
    assert "完整核验" not in page.text


def test_the_pages_say_when_a_full_verification_is_running(client: TestClient, site: Site) -> None:
    app = site.app
    now = [NOW]
    app.state.clock = lambda: now[0]  # type: ignore[attr-defined]
    released = threading.Event()

    def held(uow: UnitOfWork, kit: Any) -> VerifyReport:
        assert released.wait(timeout=30)
        return verify_audit(uow, kit)

    verdicts = AuditVerdicts(max_age=timedelta(minutes=10), inline_below=0, verify_full=held)
    app.state.audit_verdicts = verdicts  # type: ignore[attr-defined]
    sign_in(client, "jianguan")
    community = f"/supervision/c/{site.world.community_id}"

    first = client.get(community, headers=HTML).text
    released.set()
    assert verdicts.wait(timeout=30)
    verified = client.get(community, headers=HTML).text
    released.clear()
    now[0] = NOW + timedelta(minutes=10)
    stale = client.get(community, headers=HTML).text
    rollup = client.get("/supervision", headers=HTML).text
    released.set()
    assert verdicts.wait(timeout=30)

    assert "服务器启动后尚未核验；正在完整核验审计链" in first and "已校验，完整" not in first
    assert "已校验，完整" in verified and "正在完整核验" not in verified
    assert "已校验，完整" in stale and "正在完整核验审计链。" in stale
    assert "审计链已于 2026-06-01 09:30（北京时间）完整核验" in stale
    assert "正在完整核验审计链" in rollup
