"""Builders shared by the privacy tests."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from menwei.privacy.consent import NoticeContent, publish_notice


def notice_content(**changes) -> NoticeContent:
    base = NoticeContent(
        community_name="阳光花园",
        processor_name="阳光物业服务有限公司",
        processor_contact="0571-8888 0000",
        responsible_person="李敏",
        responsible_contact="privacy@example.cn",
        supervisor="西湖区住房和城乡建设局",
        purpose="小区出入口通行核验",
        method="在本小区门禁设备上进行 1:N 比对",
        retention_days=365,
        moved_out_days=30,
        alternatives="门卡、密码、二维码",
        how_to_withdraw="在业主小程序中点击“撤回同意”，或到物业前台提交书面申请",
        how_to_access="在业主小程序中下载我的数据",
        how_to_delete="在业主小程序中申请删除",
    )
    return dataclasses.replace(base, **changes)


def signed_receipt(keys, at: datetime) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """A genuine deletion receipt, signed by ``keys``, for one withdrawn template."""
    from menwei.privacy.receipts import issue_receipt

    return issue_receipt(
        signing_key=keys.signing_key,
        processor="阳光物业",
        community_id="c1",
        person_id="p1",
        template_versions=[1],
        devices_told=["gate-1"],
        reason="withdrawal",
        deleted_at=at,
        issued_at=at,
    )


ASSESSMENT = {
    "purpose_and_method": "门禁身份核验，现场比对，合法必要",
    "impact_and_risks": "模板泄露风险，已加密",
    "safeguards": "每人独立密钥，审计日志",
    "alternatives_offered": "门禁卡、密码、二维码",
    "conclusion": "风险可控，可以开启",
}


def switch_face_on(uow, community_id: uuid.UUID, *, at: datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    """Switch the community's face recognition on through its compliance gate.

    A processing notice (published unless one is), an impact assessment, a public notice on
    display for its full period, a community that asks no owners' vote: then the gate must have
    nothing left unmet, and the one writer of the switch turns it on.
    """
    from menwei.governance import NoticeChannel, Posting, PublicNotice
    from menwei.privacy.compliance import ImpactAssessment, NoVoteRequired
    from menwei.server.services.compliance import activation_unmet
    from menwei.store.repositories.face_gate import write_face_switch
    from menwei.store.repositories.governance import GovernanceRepository
    from menwei.store.repositories.privacy import PrivacyStore

    at = at or datetime.now(UTC)
    posted = at - timedelta(days=60)
    with uow:
        store = PrivacyStore(uow.session)
        if store.notices.current(community_id) is None:
            store.notices.add(publish_notice(community_id, notice_content(), previous=None, at=at))
        store.compliance.add_assessment(
            ImpactAssessment(
                id=uuid.uuid4(),
                community_id=community_id,
                assessed_at=at,
                assessor="office",
                **ASSESSMENT,
            )
        )
        settings = store.settings.get(community_id)
        store.settings.save(community_id, dataclasses.replace(settings, vote_required=False))
        GovernanceRepository(uow.session).add_notice(
            PublicNotice(
                notice_id=uuid.uuid4(),
                community_id=community_id,
                title="关于启用人脸识别门禁的公示",
                body="公示期内如有意见，请向物业或业委会反映。",
                starts_on=(posted - timedelta(days=1)).date(),
                minimum_days=30,
                required_channels=frozenset({NoticeChannel.PUBLIC_PAGE}),
                postings=(Posting(NoticeChannel.PUBLIC_PAGE, "page", posted, "office"),),
            )
        )
        uow.session.flush()
        unmet = activation_unmet(uow, community_id, NoVoteRequired(), at)
        assert not unmet, [u.code for u in unmet]
        write_face_switch(uow.session, community_id, enabled=True, at=at, by="office")
        uow.commit()


def switch_face_on_in_app(app, community_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    """``switch_face_on`` on a running app's database."""
    from menwei.store.uow import UnitOfWork

    switch_face_on(UnitOfWork(app.state.session_factory), community_id)
