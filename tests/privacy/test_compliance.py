"""Face recognition stays off until every condition holds; filing and breach duties are met."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from menwei.core.credential import CredentialKind
from menwei.core.direction import Direction
from menwei.core.door import Door, DoorKind
from menwei.core.errors import FaceOnlyDoor
from menwei.privacy.compliance import (
    INCIDENT_NOTICE_FIELDS,
    BreachIncident,
    FilingLevel,
    ImpactAssessment,
    NoVoteRequired,
    Unmet,
    VoteStatus,
    activation_conditions,
    assessment_form,
    check_assessment,
    filing_materials,
    filing_status,
    incident_notice,
    render_incident_notice,
    require_activation,
)
from menwei.privacy.errors import ActivationRefused, InvalidAssessment, InvalidIncident

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
COMMUNITY = uuid.uuid4()


class Vote:
    def __init__(self, required: bool, passed: bool) -> None:
        self.status = VoteStatus(required, passed)

    def vote_status(self, community_id):
        return self.status


def assessment(**changes) -> ImpactAssessment:
    base = ImpactAssessment(
        id=uuid.uuid4(),
        community_id=COMMUNITY,
        assessed_at=NOW - timedelta(days=10),
        assessor="李敏",
        purpose_and_method="仅用于出入口通行核验，本地比对",
        impact_and_risks="模板泄露风险；以加密和本地处理降低",
        safeguards="逐人密钥加密、审计日志",
        alternatives_offered="门卡、密码、二维码",
        conclusion="可以开启",
    )
    return dataclasses.replace(base, **changes)


def _conditions(**kw):
    args = dict(
        community_id=COMMUNITY,
        notice_displayed_since=NOW - timedelta(days=8),
        assessment=assessment(),
        votes=Vote(True, True),
        now=NOW,
    )
    return activation_conditions(**{**args, **kw})


def test_a_community_meeting_every_condition_may_switch_faces_on():
    assert _conditions() == []
    assert _conditions(votes=NoVoteRequired()) == []


def test_a_new_community_is_refused_with_every_unmet_condition_named():
    with pytest.raises(ActivationRefused) as refused:
        require_activation(
            community_id=COMMUNITY,
            notice_displayed_since=None,
            assessment=None,
            votes=Vote(True, False),
            now=NOW,
        )
    assert refused.value.details["unmet"] == ["no_notice", "no_assessment", "vote_not_passed"]
    assert "owners' vote" in refused.value.message("en")


def test_a_notice_displayed_for_fewer_than_seven_days_is_not_enough():
    [unmet] = _conditions(notice_displayed_since=NOW - timedelta(days=6, hours=23))
    assert unmet.code is Unmet.NOTICE_TOO_RECENT
    assert "2026-11-21" in unmet.message_en
    assert _conditions(notice_displayed_since=NOW - timedelta(days=3), display_days=3) == []


def test_an_assessment_of_another_community_does_not_count():
    other = assessment(community_id=uuid.uuid4())
    assert [u.code for u in _conditions(assessment=other)] == [Unmet.NO_ASSESSMENT]


def test_a_vote_is_only_needed_where_the_community_requires_one():
    assert _conditions(votes=Vote(False, False)) == []
    assert [u.code for u in _conditions(votes=Vote(True, False))] == [Unmet.VOTE_NOT_PASSED]


def test_the_assessment_form_asks_for_every_item_and_refuses_a_blank_one():
    fields = [item["field"] for item in assessment_form("en")]
    assert fields[:3] == ["purpose_and_method", "impact_and_risks", "safeguards"]
    with pytest.raises(InvalidAssessment) as refused:
        check_assessment(assessment(safeguards=" "))
    assert refused.value.details["field"] == "safeguards"


def test_assessment_records_are_kept_at_least_three_years():
    a = assessment()
    assert a.keep_until >= a.assessed_at.replace(year=a.assessed_at.year + 3)


@pytest.mark.parametrize(
    ("people", "level"),
    [
        (0, FilingLevel.BELOW),
        (79_999, FilingLevel.BELOW),
        (80_000, FilingLevel.WARNING),
        (99_999, FilingLevel.WARNING),
        (100_000, FilingLevel.MUST_FILE),
    ],
)
def test_the_filing_counter_warns_at_80_and_100_percent(people, level):
    status = filing_status(people)
    assert status.level is level
    assert str(people) in status.message("en")


def test_filing_materials_hold_every_item_the_filing_asks_for():
    doc = filing_materials(
        processor={"name": "阳光物业", "contact": "0571"},
        communities=[{"name": "阳光花园"}],
        people=85_000,
        purpose="通行核验",
        method="本地 1:N 比对",
        safeguards=["逐人密钥"],
        notice_text="处理规则…",
        assessment=assessment(),
        generated_at=NOW,
    )
    for key in (
        "basic_information",
        "purpose",
        "method",
        "people_with_face_data",
        "safeguards",
        "processing_rules",
        "impact_assessment",
    ):
        assert doc[key]
    assert doc["filing_status"] == "warning"


def incident(**changes) -> BreachIncident:
    base = BreachIncident(
        id=uuid.uuid4(),
        community_id=COMMUNITY,
        occurred_at=None,
        discovered_at=NOW,
        recorded_by="staff:li",
        people_affected=12,
        information_types="加密的人脸特征、姓名",
        cause="备份盘遗失",
        possible_harm="如密钥同时泄露，可能被用于冒用身份",
        remedial_measures="已轮换全部密钥",
        what_you_can_do="可申请删除并改用门卡",
        contact="privacy@example.cn",
    )
    return dataclasses.replace(base, **changes)


def test_the_breach_notice_has_exactly_the_required_items():
    notice = incident_notice(incident())
    assert list(notice) == list(INCIDENT_NOTICE_FIELDS)
    assert len(notice) == 6
    assert "people_affected" not in notice
    text = render_incident_notice(incident(), "en")
    assert "What you can do to reduce harm: 可申请删除并改用门卡" in text


def test_an_incident_without_its_cause_produces_no_notice():
    with pytest.raises(InvalidIncident) as refused:
        incident_notice(incident(cause=""))
    assert refused.value.details["field"] == "cause"


def test_a_face_only_door_is_refused_so_declining_face_never_locks_anyone_out():
    with pytest.raises(FaceOnlyDoor):
        Door(
            id=uuid.uuid4(),
            community_id=COMMUNITY,
            name="北门",
            kind=DoorKind.GATE,
            direction=Direction.IN,
            accepts=frozenset({CredentialKind.FACE}),
        )


def test_the_governance_rooms_vote_gate_fills_the_hook():
    from menwei.governance.activation import OwnersVoteGate

    no_vote_yet = OwnersVoteGate([], at=NOW)
    assert [u.code for u in _conditions(votes=no_vote_yet)] == [Unmet.VOTE_NOT_PASSED]
    not_required = OwnersVoteGate([], at=NOW, requires_vote=False)
    assert _conditions(votes=not_required) == []


def test_the_filing_materials_print_as_a_document_in_either_language():
    from menwei.privacy.compliance import render_filing_materials

    doc = filing_materials(
        processor={"name": "阳光物业"},
        communities=[{"name": "阳光花园"}],
        people=12,
        purpose="通行核验",
        method="本地比对",
        safeguards=["逐人密钥加密"],
        notice_text="处理规则全文",
        assessment=None,
        generated_at=NOW,
    )
    zh, en = render_filing_materials(doc), render_filing_materials(doc, "en")
    assert "# 人脸识别技术应用备案材料" in zh and "- 名称: 阳光花园" in zh
    assert "## Safeguards" in en and "- 逐人密钥加密" in en and "- Name: 阳光花园" in en
    assert "## Impact assessment\n\n—" in en


def test_the_chinese_filing_materials_carry_no_english_keys_ids_or_timestamps() -> None:
    import re
    import uuid

    from menwei.privacy.compliance import ImpactAssessment, render_filing_materials

    community = uuid.uuid4()
    assessment = ImpactAssessment(
        id=uuid.uuid4(),
        community_id=community,
        assessed_at=NOW,
        assessor="评估小组",
        purpose_and_method="通行核验",
        impact_and_risks="泄露风险",
        safeguards="加密",
        alternatives_offered="门禁卡",
        conclusion="可以启用",
    )
    doc = filing_materials(
        processor={"name": "阳光物业", "contact": "0571-1", "responsible_person": "陈"},
        communities=[{"name": "阳光花园", "id": str(community)}],
        people=12,
        purpose="通行核验",
        method="本地比对",
        safeguards=["逐人密钥加密"],
        notice_text="处理规则全文",
        assessment=assessment,
        generated_at=NOW,
    )
    zh = render_filing_materials(doc)
    assert str(community) not in zh and str(assessment.id) not in zh
    assert "评估人: 评估小组" in zh and "未达到备案门槛" in zh
    assert not re.search(r"[A-Za-z_]{3,}", zh), re.findall(r"[A-Za-z_]{3,}", zh)
