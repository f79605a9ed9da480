"""The demo's story: how a community gets to face recognition, and who at the gate uses it.

Everything goes through the same records and checks a real community goes through, dated in
the past so that the periods have run:

- the processing notice is published, the public notice (公示) is put up on the page and
  every face door and its postings recorded, the impact assessment is kept, and the owners
  vote on face recognition and pass it on both tallies (area and heads);
- then the switch is thrown through the compliance gate (``services.compliance.switch``),
  which refuses while any condition is unmet: no flag is set directly;
- residents consent (separately, staff-assisted, like at the office), and are enrolled from
  synthetic looks of the shipped public-domain portrait (``menwei.vision.synthetic``); one
  withdraws and is erased; some refuse and keep their card or PIN.

A second community is still in the middle of its owners' vote: it shows what "off" looks like.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from menwei.core import Person
from menwei.core import Role as PersonRole
from menwei.governance import NoticeChannel, Posting, PublicNotice
from menwei.governance.tally import Choice, VoteRule
from menwei.governance.vote import Proposal, Subject
from menwei.privacy.compliance import ImpactAssessment
from menwei.privacy.consent import ConsentChannel
from menwei.privacy.pass_keys import PassKeyRing
from menwei.server.demo_compliance import demo_notice, hold_vote
from menwei.server.domain.caller import Caller
from menwei.server.policy import AccountRole, Principal
from menwei.server.services import compliance
from menwei.server.services.consent_records import (
    publish_community_notice,
    record_consent,
    record_refusal,
)
from menwei.server.services.enrolment import enrol
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.server.services.withdrawal import withdraw_and_erase
from menwei.store.repositories.governance import UNREGISTERED_OWNER
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork
from menwei.vision import synthetic
from menwei.vision.synthetic import Look

ASSESSMENT = {
    "purpose_and_method": "小区出入口门禁身份核验；门口设备现场比对，不保存照片。",
    "impact_and_risks": "人脸特征泄露、误识别、未同意者被处理的风险。",
    "safeguards": "每人独立密钥加密，审计日志，门口设备不存照片，同意可一键撤回。",
    "alternatives_offered": "门禁卡、密码、二维码通行证，与人脸识别同样方便。",
    "conclusion": "风险可控，经业主表决同意后开启。",
}

#: The enrolled residents' looks: each is one synthetic person to the models.
ENROLLED_LOOKS: dict[str, tuple[Look, ...]] = {
    "resident": (Look(1.2, 0.5), Look(1.15, 0.5)),
    "withdrawn": (Look(1.0, 0.55), Look(1.0, 0.58)),
}


@dataclass(frozen=True, slots=True)
class StoryCast:
    """Who plays which part at the gate (person ids), for the simulated gate and the tests."""

    recognised: uuid.UUID
    withdrawn: uuid.UUID
    refused_face: tuple[uuid.UUID, ...]


def staff_caller(account_id: uuid.UUID, community_id: uuid.UUID) -> Caller:
    """The office's staff account, as the compliance and enrolment services see it."""
    principal = Principal(
        kind="user",
        id=account_id,
        role=AccountRole.COMMUNITY_STAFF,
        name="staff",
        community_ids=frozenset({community_id}),
    )
    return Caller(principal, CommunityScope.of([community_id]), community_id)


def _publish(uow: UnitOfWork, community_id: uuid.UUID, at: datetime) -> None:
    """The processing notice, worded from the shipped defaults and the processor's records."""
    with uow:
        community = uow.places.community(community_id, CommunityScope.all())
        processor = uow.places.processor(community.processor_id)
    content = demo_notice(
        community.name, processor.name, processor.contact, processor.responsible_person
    )
    publish_community_notice(uow, community_id=community_id, content=content, at=at)


def _public_notice(
    uow: UnitOfWork, community_id: uuid.UUID, face_doors: list[uuid.UUID], posted: datetime
) -> None:
    """The 公示, on the public page and on a poster at every face door, since ``posted``."""
    posters = [Posting(NoticeChannel.DOOR_POSTER, str(d), posted, "staff") for d in face_doors]
    postings = (Posting(NoticeChannel.PUBLIC_PAGE, "page", posted, "staff"), *posters)
    notice = PublicNotice(
        notice_id=uuid.uuid4(),
        community_id=community_id,
        title="关于启用人脸识别门禁的公示",
        body="本小区拟启用人脸识别门禁，自愿使用；不同意者继续用门禁卡、密码或二维码。"
        "公示期内如有意见，请向物业或业委会反映。",
        starts_on=posted.date(),
        minimum_days=10,
        poster_doors=frozenset(str(door) for door in face_doors),
        postings=postings,
    )
    with uow:
        uow.governance.add_notice(notice)
        uow.commit()


def _assessment(uow: UnitOfWork, community_id: uuid.UUID, at: datetime) -> None:
    assessment = ImpactAssessment(
        id=uuid.uuid4(), community_id=community_id, assessed_at=at, assessor="staff", **ASSESSMENT
    )
    with uow:
        uow.privacy.compliance.add_assessment(assessment)
        uow.commit()


def _owners_vote(
    uow: UnitOfWork,
    community_id: uuid.UUID,
    *,
    opens: datetime,
    closes: datetime,
    turnout: float,
    close_at: datetime | None,
    today: date,
) -> None:
    """A vote on face recognition; every ``1/turnout``-th owner stays home, a few oppose."""
    scope = CommunityScope.of([community_id])
    proposal = Proposal(
        proposal_id=uuid.uuid4(),
        community_id=community_id,
        title="关于启用人脸识别门禁的表决",
        full_text="是否同意在小区大门及单元门启用人脸识别门禁（自愿录入，不同意者不受影响）。",
        notice_text="人脸识别门禁处理规则（见公示页）。",
        opens_at=opens,
        closes_at=closes,
        rule=VoteRule.ART_278_ITEMS_6_TO_8,
        subject=Subject.FACE_RECOGNITION,
    )
    with uow:
        repository = uow.governance
        roll = repository.roll_for_community(community_id, today)
        owned = [u for u in roll.units if UNREGISTERED_OWNER not in u.owner_ids]
        voting = owned[: int(len(owned) * turnout)]
        ballots = [
            (
                unit.unit_id,
                min(unit.owner_ids),
                Choice.OPPOSE if index % 11 == 5 else Choice.APPROVE,
                opens + timedelta(hours=2 + index),
            )
            for index, unit in enumerate(voting)
        ]
        hold_vote(repository, proposal, roll, scope, ballots, close_at=close_at)
        uow.commit()


def _walk(
    uow: UnitOfWork,
    community_id: uuid.UUID,
    face_doors: list[uuid.UUID],
    now: datetime,
    *,
    days_ago: tuple[int, int, int, int],
    closes: datetime,
    turnout: float,
    close_at: datetime | None,
) -> None:
    """Publish, put up the 公示, keep the assessment and open the owners' vote, each
    ``days_ago`` (in that order) before ``now``."""
    published, noticed, assessed, opens = (now - timedelta(days=d) for d in days_ago)
    _publish(uow, community_id, published)
    _public_notice(uow, community_id, face_doors, noticed)
    _assessment(uow, community_id, assessed)
    _owners_vote(
        uow,
        community_id,
        opens=opens,
        closes=closes,
        turnout=turnout,
        close_at=close_at,
        today=now.date(),
    )


def face_recognition_switched_on(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    community_id: uuid.UUID,
    face_doors: list[uuid.UUID],
    staff_account_id: uuid.UUID,
    now: datetime,
) -> None:
    """The whole process, dated in the past, then the switch through the compliance gate."""
    _walk(
        uow,
        community_id,
        face_doors,
        now,
        days_ago=(45, 44, 40, 35),
        closes=now - timedelta(days=21),
        turnout=0.9,
        close_at=now - timedelta(days=20),
    )
    compliance.switch(
        uow, staff_caller(staff_account_id, community_id), None, enabled=True, kit=kit
    )


def vote_under_way(
    uow: UnitOfWork, *, community_id: uuid.UUID, face_doors: list[uuid.UUID], now: datetime
) -> None:
    """Notice published and put up, assessment kept, owners voting until next week: still off."""
    _walk(
        uow,
        community_id,
        face_doors,
        now,
        days_ago=(6, 5, 5, 3),
        closes=now + timedelta(days=11),
        turnout=0.4,
        close_at=None,
    )


def _adults(uow: UnitOfWork, community_id: uuid.UUID, skip: set[uuid.UUID]) -> list[Person]:
    with uow:
        people = uow.people.list(CommunityScope.all(), community_id=community_id, limit=1000)
    return [
        p
        for p in sorted(people, key=lambda p: p.name)
        if p.id not in skip and p.role in (PersonRole.OWNER, PersonRole.TENANT)
    ]


def cast_residents(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    community_id: uuid.UUID,
    staff_account_id: uuid.UUID,
    keep_free: set[uuid.UUID],
    now: datetime,
) -> StoryCast:
    """Consent and enrol two residents, one of whom withdraws; three refuse face recognition.

    ``keep_free`` are people the story leaves alone (the demo resident login enrols their own
    face in the portal).
    """
    caller = staff_caller(staff_account_id, community_id)
    adults = _adults(uow, community_id, keep_free)
    recognised, withdrawn, *others = adults[:5]
    actor = f"staff:staff({staff_account_id})"
    for person, looks in ((recognised, "resident"), (withdrawn, "withdrawn")):
        record_consent(
            uow,
            kit,
            person_id=person.id,
            channel=ConsentChannel.STAFF_ASSISTED,
            at=now - timedelta(days=10),
            staff_account="staff",
        )
        photos = [synthetic.encoded(synthetic.frame(look)) for look in ENROLLED_LOOKS[looks]]
        enrol(uow, kit, caller, person.id, photos, actor=actor)
    withdraw_and_erase(uow, kit, person=withdrawn, channel=ConsentChannel.SELF, at=now)
    for person in others:
        record_refusal(
            uow,
            person_id=person.id,
            channel=ConsentChannel.STAFF_ASSISTED,
            at=now - timedelta(days=9),
        )
    return StoryCast(
        recognised=recognised.id,
        withdrawn=withdrawn.id,
        refused_face=tuple(p.id for p in others),
    )


def gate_props(
    uow: UnitOfWork,
    *,
    community_id: uuid.UUID,
    staff_account_id: uuid.UUID,
    person_id: uuid.UUID,
    gate_id: uuid.UUID,
    pass_keys: PassKeyRing | None,
    now: datetime,
) -> tuple[str | None, str | None]:
    """The resident's card (for the grey zone) and, given the key, a guest's QR pass for today.

    The pass is issued by the office like any other: signed, for the main gate, a day long.
    """
    from menwei.core import Card
    from menwei.server.services.credentials import issue_pass

    with uow:
        held = uow.credentials.of_person(person_id, CommunityScope.all())
    card = next((c.uid for c in held if isinstance(c, Card)), None)
    if pass_keys is None:
        return card, None
    issued = issue_pass(
        uow,
        staff_caller(staff_account_id, community_id),
        pass_keys=pass_keys,
        visitor_name="周访客",
        visitor_phone="13900000000",
        door_ids=frozenset({gate_id}),
        valid_from=now - timedelta(minutes=5),
        valid_until=now + timedelta(days=1),
        max_uses=1000,
    )
    return card, issued.token
