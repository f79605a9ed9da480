"""The demo community goes through the same compliance gate as any other before faces work.

``menwei demo`` shows face recognition working, so its community must be switched on the only way
there is: processing notice published, impact assessment on record, a public notice displayed for
its full period, and a passed owners' vote on record. The demo's history is dated in the past
(notice a month up, vote closed a fortnight ago) so the gate can be passed at start; nothing
else is bypassed, and the gate itself (``activation_unmet``) must have nothing left to say.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from menwei.governance import (
    Choice,
    NoticeChannel,
    OwnerRoll,
    OwnersVote,
    Posting,
    Proposal,
    PublicNotice,
    Subject,
    VoteRule,
)
from menwei.governance.vote import DEFAULT_MINIMUM_VOTING_DAYS
from menwei.privacy.compliance import ImpactAssessment
from menwei.privacy.consent import NoticeContent
from menwei.server.services import consent_records
from menwei.server.services.compliance import _recorded_votes, activation_unmet
from menwei.server.services.privacy import DEFAULT_NOTICE
from menwei.store.repositories.governance import UNREGISTERED_OWNER, GovernanceRepository
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

_ASSESSMENT = {
    "purpose_and_method": "门禁身份核验，在门口设备上现场比对人脸特征，不保存照片。",
    "impact_and_risks": "人脸特征属敏感个人信息，泄露风险已通过每人独立密钥加密降低。",
    "safeguards": "每人独立密钥，撤回即删除并出具凭证，审计日志防篡改。",
    "alternatives_offered": "门禁卡、密码、二维码，不同意者不受任何影响。",
    "conclusion": "风险可控，经业主表决通过后可以开启。",
}


def switch_demo_face_on(
    uow: UnitOfWork,
    community_id: uuid.UUID,
    content: NoticeContent | None,
    *,
    at: datetime,
    by: str = "demo",
    owners_vote: bool = True,
) -> None:
    """Walk the demo community through every activation condition, then switch faces on.

    ``content`` None keeps the notice already published; without ``owners_vote`` the community
    is set to ask no vote (a benchmark's community, whose owners are not the point).
    """
    posted = at - timedelta(days=45)
    opens = at - timedelta(days=40)
    if content is not None:
        consent_records.publish_community_notice(
            uow, community_id=community_id, content=content, at=posted
        )
    scope = CommunityScope.of([community_id])
    with uow:
        if not owners_vote:
            settings = uow.privacy.settings.get(community_id)
            uow.privacy.settings.save(community_id, replace(settings, vote_required=False))
        uow.privacy.compliance.add_assessment(
            ImpactAssessment(
                id=uuid.uuid4(),
                community_id=community_id,
                assessed_at=posted,
                assessor=by,
                **_ASSESSMENT,
            )
        )
        governance = uow.governance
        governance.add_notice(
            PublicNotice(
                notice_id=uuid.uuid4(),
                community_id=community_id,
                title="关于启用人脸识别门禁的公示",
                body="本小区拟在南大门和单元门启用人脸识别，门禁卡、密码、二维码继续有效。",
                starts_on=posted.date(),
                minimum_days=30,
                required_channels=frozenset({NoticeChannel.PUBLIC_PAGE}),
                postings=(Posting(NoticeChannel.PUBLIC_PAGE, "page", posted, by),),
            )
        )
        if owners_vote:
            _owners_approve(governance, community_id, scope, opens, by)
        uow.flush()
        unmet = activation_unmet(uow, community_id, _recorded_votes(uow, community_id, at), at)
        if unmet:
            raise RuntimeError("demo compliance incomplete: " + ", ".join(u.code for u in unmet))
        uow.face_gate.switch(community_id, enabled=True, at=at, by=by)
        uow.commit()


def _owners_approve(
    governance: GovernanceRepository,
    community_id: uuid.UUID,
    scope: CommunityScope,
    opens: datetime,
    by: str,
) -> None:
    """A closed owners' vote on face recognition, most households approving."""
    roll = governance.roll_for_community(community_id, date.today())
    ballots = []
    for index, unit in enumerate(roll.units):
        owners = sorted(unit.owner_ids - {UNREGISTERED_OWNER})
        if not owners or index % 10 == 9:  # one household in ten did not vote
            continue
        choice = Choice.OPPOSE if index % 7 == 3 else Choice.APPROVE
        ballots.append((unit.unit_id, owners[0], choice, opens + timedelta(days=1, minutes=index)))
    hold_vote(
        governance,
        Proposal(
            proposal_id=uuid.uuid4(),
            community_id=community_id,
            title="在本小区启用人脸识别门禁",
            full_text="提议在南大门和单元门启用人脸识别，门禁卡、密码、二维码继续有效。",
            notice_text="人脸信息处理告知（第 1 版）",
            opens_at=opens,
            closes_at=opens + timedelta(days=14),
            rule=VoteRule.ORDINARY,
            subject=Subject.FACE_RECOGNITION,
            created_by=by,
        ),
        roll,
        scope,
        ballots,
        close_at=opens + timedelta(days=15),
    )


def hold_vote(
    governance: GovernanceRepository,
    proposal: Proposal,
    roll: OwnerRoll,
    scope: CommunityScope,
    ballots: Iterable[tuple[str, str, Choice, datetime]],
    *,
    close_at: datetime | None,
) -> None:
    """Record an owners' vote and its online ballots (unit, voter, choice, when), as owners cast
    them; closed at ``close_at``, or left open while that is None."""
    vote = OwnersVote(proposal, roll)
    governance.add_vote(vote, minimum_days=DEFAULT_MINIMUM_VOTING_DAYS)
    for unit_id, voter_id, choice, at in ballots:
        ballot = vote.cast_online(unit_id=unit_id, voter_id=voter_id, choice=choice, at=at)
        governance.add_ballot(proposal.proposal_id, ballot, scope)
    if close_at is not None:
        governance.save_result(vote.close(close_at), scope)


def demo_notice(
    community_name: str, processor_name: str, contact: str, person: str
) -> NoticeContent:
    """The demo community's processing notice, with the product's default terms."""
    return NoticeContent(
        community_name=community_name,
        processor_name=processor_name,
        processor_contact=contact,
        responsible_person=person,
        responsible_contact="privacy@anju.example.cn",
        supervisor="杭州市西湖区网信办",
        **DEFAULT_NOTICE,
    )
