"""The activation gate reads the public notice's display; every switch is kept and audited, and
the supervisor sees since when face recognition has been on or off."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from menwei.governance import CommunitySummary, NoticeChannel, Posting, PublicNotice, community_row
from menwei.governance.errors import InvalidInput
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.tables.privacy import AuditEntryRow, FaceSwitchRow
from menwei.store.uow import UnitOfWork

from .conftest import World

API = "/api/v1"
SHANGHAI = ZoneInfo("Asia/Shanghai")
ASSESSMENT = {
    "purpose_and_method": "门禁身份核验，现场比对，合法必要",
    "impact_and_risks": "模板泄露风险，已加密",
    "safeguards": "每人独立密钥，审计日志",
    "alternatives_offered": "门禁卡、密码、二维码",
    "conclusion": "风险可控，可以开启",
}


def put_up_public_notice(
    app, community_id: uuid.UUID, *, posted_days_ago: float, minimum_days: int
) -> None:  # type: ignore[no-untyped-def]
    """A public notice put up on the community's page ``posted_days_ago`` and never taken down."""
    posted = datetime.now(UTC) - timedelta(days=posted_days_ago)
    notice = PublicNotice(
        notice_id=uuid.uuid4(),
        community_id=community_id,
        title="关于启用人脸识别门禁的公示",
        body="公示期内如有意见，请向物业或业委会反映。",
        starts_on=(posted - timedelta(days=1)).date(),
        minimum_days=minimum_days,
        required_channels=frozenset({NoticeChannel.PUBLIC_PAGE}),
        postings=(Posting(NoticeChannel.PUBLIC_PAGE, "page", posted, "office"),),
    )
    with UnitOfWork(app.state.session_factory) as uow:
        GovernanceRepository(uow.session).add_notice(notice)
        uow.commit()


def ready_but_for_the_public_notice(client: TestClient, world: World, app) -> str:  # type: ignore[no-untyped-def]
    """Processing notice published, assessment on record, no vote required; the gate's URL."""
    staff = world.auth("community_staff")
    published = client.post(
        f"{API}/communities/{world.a.community_id}/notices",
        json={"responsible_contact": "0571-88888888", "supervisor": "杭州市网信办"},
        headers=staff,
    )
    assert published.status_code == 201, published.text
    base = f"{API}/communities/{world.a.community_id}/compliance"
    assert client.post(base + "/assessment", json=ASSESSMENT, headers=staff).status_code == 201
    with UnitOfWork(app.state.session_factory) as uow:
        store = PrivacyStore(uow.session)
        settings = store.settings.get(world.a.community_id)
        store.settings.save(world.a.community_id, type(settings)(vote_required=False))
        uow.commit()
    return base


def unmet_codes(client: TestClient, base: str, world: World) -> set[str]:
    status = client.get(base, headers=world.auth("community_staff")).json()
    return {u["code"] for u in status["unmet"]}


def test_without_a_public_notice_on_display_the_switch_stays_off_with_a_plain_reason(
    client: TestClient, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    base = ready_but_for_the_public_notice(client, world, app)

    refused = client.post(
        base + "/face-recognition", json={"enabled": True}, headers=world.auth("community_staff")
    )

    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["unmet"] == ["no_public_notice"]
    assert "登记张贴记录" in refused.json()["error"]["message"]


def test_a_notice_displayed_fewer_days_than_its_minimum_keeps_the_switch_off(
    client: TestClient, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    base = ready_but_for_the_public_notice(client, world, app)
    # eight days up: more than the community's seven, fewer than this notice's own ten
    put_up_public_notice(app, world.a.community_id, posted_days_ago=8.5, minimum_days=10)

    status = client.get(base, headers=world.auth("community_staff")).json()
    refused = client.post(
        base + "/face-recognition", json={"enabled": True}, headers=world.auth("community_staff")
    )

    assert [u["code"] for u in status["unmet"]] == ["notice_too_recent"]
    assert "须满 10 天" in status["unmet"][0]["zh"]
    assert status["public_notice"]["required_days"] == 10
    assert status["public_notice"]["days_served"] in (7, 8)
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["unmet"] == ["notice_too_recent"]


def test_after_the_notice_served_its_period_the_switch_goes_on_and_is_kept_and_audited(
    client: TestClient, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    base = ready_but_for_the_public_notice(client, world, app)
    put_up_public_notice(app, world.a.community_id, posted_days_ago=11.5, minimum_days=10)
    staff = world.auth("community_staff")

    on = client.post(base + "/face-recognition", json={"enabled": True}, headers=staff)
    again = client.post(base + "/face-recognition", json={"enabled": True}, headers=staff)
    off = client.post(base + "/face-recognition", json={"enabled": False}, headers=staff)

    assert on.status_code == 200, on.text
    assert on.json()["face_enabled"] is True and on.json()["may_activate"] is True
    assert again.status_code == 200
    assert off.json()["face_enabled"] is False
    assert off.json()["switched_at"] is not None
    with UnitOfWork(app.state.session_factory) as uow:
        history = FaceSwitches(uow.session).history(world.a.community_id)
        actions = uow.session.scalars(
            sa.select(AuditEntryRow.action)
            .where(AuditEntryRow.community_id == str(world.a.community_id))
            .order_by(AuditEntryRow.seq)
        ).all()
    assert [s.enabled for s in history] == [True, False]  # switching on twice records once
    assert history[0].switched_by.startswith("community_staff(")
    assert [a for a in actions if a.startswith("face_recognition")] == [
        "face_recognition_on",
        "face_recognition_off",
    ]


def test_the_processing_notice_is_still_required_whatever_the_public_notice(
    client: TestClient, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    put_up_public_notice(app, world.a.community_id, posted_days_ago=30, minimum_days=7)
    base = f"{API}/communities/{world.a.community_id}/compliance"

    assert "no_notice" in unmet_codes(client, base, world)
    assert "no_public_notice" not in unmet_codes(client, base, world)


def test_the_supervisor_sees_on_since_and_off_since_from_the_recorded_switches(
    client: TestClient, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    base = ready_but_for_the_public_notice(client, world, app)
    put_up_public_notice(app, world.a.community_id, posted_days_ago=20, minimum_days=7)
    staff = world.auth("community_staff")
    rows = f"{API}/supervision/communities"
    week_ago = datetime.now(UTC) - timedelta(days=7)

    never = client.get(rows, headers=world.auth("supervisor")).json()[0]
    client.post(base + "/face-recognition", json={"enabled": True}, headers=staff)
    with UnitOfWork(app.state.session_factory) as uow:  # as if switched on a week ago
        uow.session.execute(sa.update(FaceSwitchRow).values(switched_at=week_ago))
        uow.commit()
    on = client.get(rows, headers=world.auth("supervisor")).json()[0]
    client.post(base + "/face-recognition", json={"enabled": False}, headers=staff)
    off = client.get(rows, headers=world.auth("supervisor")).json()[0]

    assert (never["face_on"], never["face_on_since"], never["face_off_since"]) == (
        False,
        None,
        None,
    )
    assert on["face_on"] is True
    assert on["face_on_since"] == week_ago.astimezone(SHANGHAI).date().isoformat()
    assert on["face_off_since"] is None
    assert off["face_on"] is False and off["face_on_since"] is None
    with UnitOfWork(app.state.session_factory) as uow:
        switched_off = FaceSwitches(uow.session).latest(world.a.community_id)
    assert switched_off is not None and switched_off.enabled is False
    assert off["face_off_since"] == switched_off.switched_at.astimezone(SHANGHAI).date().isoformat()


def test_the_csv_carries_off_since_from_the_recorded_switch(
    client: TestClient, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    base = ready_but_for_the_public_notice(client, world, app)
    put_up_public_notice(app, world.a.community_id, posted_days_ago=20, minimum_days=7)
    staff = world.auth("community_staff")
    client.post(base + "/face-recognition", json={"enabled": True}, headers=staff)
    client.post(base + "/face-recognition", json={"enabled": False}, headers=staff)

    headers = world.auth("supervisor") | {"Accept-Language": "en"}
    table = client.get(f"{API}/supervision/communities.csv", headers=headers).text
    header, line = list(csv.reader(io.StringIO(table)))
    record = dict(zip(header, line, strict=True))

    with UnitOfWork(app.state.session_factory) as uow:
        switched_off = FaceSwitches(uow.session).latest(world.a.community_id)
    assert switched_off is not None
    assert record["off since"] == switched_off.switched_at.astimezone(SHANGHAI).date().isoformat()
    assert record["on since"] == ""


def test_a_summary_cannot_be_on_and_off_since_at_once() -> None:
    fields = {
        "community_id": uuid.uuid4(),
        "community_name": "阳光小区",
        "face_on": True,
        "face_on_since": date(2026, 4, 1),
        "face_doors": 1,
        "face_doors_with_alternative": 1,
        "residents": 10,
        "enrolled": 1,
        "withdrawals": 0,
        "open_rights_requests": 0,
        "overdue_rights_requests": 0,
        "open_questions": 0,
        "overdue_questions": 0,
        "audit_status": "verified",
        "audit_verified_at": None,
        "filing_count": 1,
        "filing_status": "not_required",
    }
    assert CommunitySummary(**fields).face_off_since is None
    with pytest.raises(InvalidInput):
        CommunitySummary(**fields, face_off_since=date(2026, 3, 1))
    off = CommunitySummary(
        **(fields | {"face_on": False, "face_on_since": None}), face_off_since=date(2026, 5, 1)
    )
    assert community_row(off).face_off_since == date(2026, 5, 1)
