"""The person's audit log in plain words: gates by name, local times, no raw ids."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select

from menwei.server.services import audit_readable
from menwei.store.tables.accounts import UserAccountRow
from menwei.store.tables.devices import DeviceDoorRow
from menwei.store.uow import UnitOfWork

from .conftest import Site
from .forms import sign_in


def test_entries_name_the_gate_and_say_what_happened(site: Site) -> None:
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    device = site.world.gate_device_id
    with uow:
        doors = uow.session.query(DeviceDoorRow).filter_by(device_id=device).count()
    assert doors >= 1
    person = str(uuid.uuid4())
    entries = [
        {"at": "2026-03-10T01:00:00+00:00", "actor": person, "action": "withdrawal"},
        {
            "at": "2026-03-10T01:05:00+00:00",
            "actor": f"device:{device}",
            "action": "sync_to_device",
            "detail": {"applied": "delete", "device_id": str(device)},
        },
        {
            "at": "2026-03-09T01:00:00+00:00",
            "actor": f"staff:wang({uuid.uuid4()})",
            "action": "staff_view",
        },
    ]
    lines = audit_readable.readable(uow, entries, person, ZoneInfo("Asia/Shanghai"))
    assert [line.what for line in lines] == ["told_to_delete", "withdrawal", "staff_view"]
    assert lines[0].when == "2026-03-10 09:05"  # Beijing time
    assert lines[0].door == "南大门"
    assert lines[1].who == "you"
    assert lines[2].who == "staff" and lines[2].who_name == "wang"
    assert str(device) not in repr(lines)


def test_the_my_data_page_says_which_gate_deleted_without_raw_ids(
    client: TestClient, site: Site
) -> None:
    from datetime import UTC, datetime

    from menwei.privacy.audit import AuditAction
    from menwei.server.services.template_delivery import privacy_kit
    from menwei.store.repositories.privacy import PrivacyStore

    app = site.app
    kit = privacy_kit(app.state, app.state.settings)  # type: ignore[attr-defined]
    uow = UnitOfWork(app.state.session_factory)  # type: ignore[attr-defined]
    with uow:
        resident = uow.session.execute(
            select(UserAccountRow.person_id).where(UserAccountRow.login == "resident")
        ).scalar_one()
        device = site.world.gate_device_id
        kit.chain(PrivacyStore(uow.session)).append(
            at=datetime(2026, 3, 10, 1, 5, tzinfo=UTC),
            actor=f"device:{device}",
            action=AuditAction.SYNC_TO_DEVICE,
            person_id=resident,
            community_id=site.world.community_id,
            detail={"applied": "delete", "device_id": str(device)},
        )
        uow.commit()
    sign_in(client, "resident")
    page = client.get("/my/data")
    assert page.status_code == 200
    table = page.text.split('class="audit-log"')[1].split("</table>")[0]
    assert "已通知南大门删除您的人脸数据" in table and "2026-03-10 09:05" in table
    assert str(device) not in table and "device:" not in table
