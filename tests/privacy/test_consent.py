"""A face template needs a separate consent to the current notice, given by the right person."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from tests.privacy.builders import notice_content

from menwei.core.person import Person, Role
from menwei.privacy.consent import (
    ConsentChannel,
    OnNewTerms,
    TemplateStatus,
    give_consent,
    material_change,
    publish_notice,
    render_notice,
    require_consent_to_store,
    template_status,
    withdraw_consent,
)
from menwei.privacy.errors import ConsentRequired, GuardianRequired, InvalidNotice, NotAllowed

COMMUNITY = uuid.uuid4()
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def adult(**kw) -> Person:
    return Person(
        id=uuid.uuid4(),
        community_id=COMMUNITY,
        name="王芳",
        role=Role.OWNER,
        date_of_birth=date(1980, 5, 1),
        **kw,
    )


@pytest.fixture
def notice():
    return publish_notice(COMMUNITY, notice_content(), previous=None, at=NOW)


def test_publishing_freezes_a_version_with_a_stable_content_hash(notice):
    again = publish_notice(COMMUNITY, notice_content(), previous=None, at=NOW + timedelta(days=1))
    assert notice.version == 1
    assert len(notice.content_hash) == 64
    assert again.content_hash == notice.content_hash  # same text, same hash
    changed = publish_notice(COMMUNITY, notice_content(purpose="通行核验"), previous=None, at=NOW)
    assert changed.content_hash != notice.content_hash
    with pytest.raises(dataclasses.FrozenInstanceError):
        notice.content.purpose = "anything"  # type: ignore[misc]


def test_the_next_version_counts_on_from_the_previous(notice):
    second = publish_notice(COMMUNITY, notice_content(), previous=notice, at=NOW)
    assert second.version == 2


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("purpose", "本公司可永久使用您的人脸信息"),
        ("how_to_withdraw", "同意后不可撤回"),
        ("purpose", "We may use the data for any purpose"),
        ("method", "Processing is irrevocable"),
    ],
)
def test_a_notice_with_an_unlimited_or_irrevocable_clause_is_refused(field, text):
    with pytest.raises(InvalidNotice) as refused:
        publish_notice(COMMUNITY, notice_content(**{field: text}), previous=None, at=NOW)
    assert refused.value.details["field"] == field


def test_a_notice_without_a_responsible_person_is_refused_naming_the_field():
    with pytest.raises(InvalidNotice) as refused:
        publish_notice(COMMUNITY, notice_content(responsible_person="  "), previous=None, at=NOW)
    assert "个人信息保护负责人" in refused.value.message()


@pytest.mark.parametrize("days", [0, -1, 100_000, True])
def test_retention_must_be_a_fixed_number_of_days(days):
    with pytest.raises(InvalidNotice):
        publish_notice(COMMUNITY, notice_content(retention_days=days), previous=None, at=NOW)


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("zh-CN", ["阳光物业服务有限公司", "365 天", "李敏", "不保存人脸照片"]),
        ("en", ["阳光物业服务有限公司", "365 days", "Processor", "no face photo is kept"]),
    ],
)
def test_the_shipped_templates_render_every_field_in_both_languages(notice, locale, words):
    text = render_notice(notice.content, notice.version, locale)
    for word in words:
        assert word in text
    assert "{" not in text


def test_an_adult_consents_on_their_own_phone(notice):
    person = adult()
    consent = give_consent(person, notice, channel=ConsentChannel.SELF, at=NOW)
    assert consent.notice_hash == notice.content_hash
    assert consent.channel is ConsentChannel.SELF
    assert require_consent_to_store(consent, notice) is consent


def test_staff_assisted_consent_records_the_staff_account(notice):
    consent = give_consent(
        adult(), notice, channel=ConsentChannel.STAFF_ASSISTED, at=NOW, staff_account="staff:zhang"
    )
    assert consent.staff_account == "staff:zhang"
    with pytest.raises(NotAllowed):
        give_consent(adult(), notice, channel=ConsentChannel.STAFF_ASSISTED, at=NOW)


def test_a_child_under_14_cannot_consent_for_themselves(notice):
    parent = adult()
    child = Person(
        id=uuid.uuid4(),
        community_id=COMMUNITY,
        name="小明",
        role=Role.FAMILY_MEMBER,
        date_of_birth=date(2015, 1, 1),
        guardian_id=parent.id,
    )
    with pytest.raises(GuardianRequired):
        give_consent(child, notice, channel=ConsentChannel.SELF, at=NOW)
    consent = give_consent(child, notice, channel=ConsentChannel.GUARDIAN, at=NOW, guardian=parent)
    assert consent.guardian_id == parent.id


def test_only_the_linked_guardian_may_consent_for_a_child(notice):
    parent, neighbour = adult(), adult()
    child = Person(
        id=uuid.uuid4(),
        community_id=COMMUNITY,
        name="小明",
        role=Role.FAMILY_MEMBER,
        date_of_birth=date(2015, 1, 1),
        guardian_id=parent.id,
    )
    with pytest.raises(GuardianRequired):
        give_consent(child, notice, channel=ConsentChannel.GUARDIAN, at=NOW, guardian=neighbour)


def test_age_is_taken_on_the_day_of_consent(notice):
    parent = adult()
    teen = Person(
        id=uuid.uuid4(),
        community_id=COMMUNITY,
        name="小红",
        role=Role.FAMILY_MEMBER,
        date_of_birth=date(2012, 11, 22),
        guardian_id=parent.id,
    )
    with pytest.raises(GuardianRequired):
        give_consent(teen, notice, channel=ConsentChannel.SELF, at=NOW)  # 14 tomorrow
    assert give_consent(teen, notice, channel=ConsentChannel.SELF, at=NOW + timedelta(days=1))


def test_a_guardian_cannot_consent_for_someone_aged_14_or_over(notice):
    with pytest.raises(NotAllowed):
        give_consent(adult(), notice, channel=ConsentChannel.GUARDIAN, at=NOW, guardian=adult())


def test_no_consent_no_template(notice):
    with pytest.raises(ConsentRequired) as refused:
        require_consent_to_store(None, notice)
    assert refused.value.code == "consent_required"
    assert "card, PIN or QR code" in refused.value.message("en")


def test_a_withdrawn_consent_allows_no_template(notice):
    person = adult()
    consent = give_consent(person, notice, channel=ConsentChannel.SELF, at=NOW)
    withdrawn = withdraw_consent(consent, person, channel=ConsentChannel.SELF, at=NOW)
    assert withdrawn.withdrawn_at == NOW
    with pytest.raises(ConsentRequired):
        require_consent_to_store(withdrawn, notice)


def test_staff_withdraw_only_on_a_recorded_written_request(notice):
    person = adult()
    consent = give_consent(person, notice, channel=ConsentChannel.SELF, at=NOW)
    with pytest.raises(NotAllowed):
        withdraw_consent(
            consent, person, channel=ConsentChannel.STAFF_ASSISTED, at=NOW, staff_account="zhang"
        )
    done = withdraw_consent(
        consent,
        person,
        channel=ConsentChannel.STAFF_ASSISTED,
        at=NOW,
        staff_account="zhang",
        written_request="REQ-2026-118",
    )
    assert done.withdrawn_by == "staff:zhang"
    assert done.written_request == "REQ-2026-118"


def test_a_new_notice_changing_purpose_or_retention_needs_fresh_consent(notice):
    consent = give_consent(adult(), notice, channel=ConsentChannel.SELF, at=NOW)
    for change in ({"purpose": "通行核验及访客统计"}, {"retention_days": 730}):
        new = publish_notice(COMMUNITY, notice_content(**change), previous=notice, at=NOW)
        assert material_change(notice.content, new.content)
        with pytest.raises(ConsentRequired):
            require_consent_to_store(consent, new, notice)


def test_a_new_notice_with_only_a_new_contact_keeps_the_consent_valid(notice):
    consent = give_consent(adult(), notice, channel=ConsentChannel.SELF, at=NOW)
    new = publish_notice(
        COMMUNITY, notice_content(processor_contact="0571-9999 0000"), previous=notice, at=NOW
    )
    assert require_consent_to_store(consent, new, notice) is consent


def test_old_templates_run_under_old_terms_or_are_suspended_as_the_community_chooses(notice):
    consent = give_consent(adult(), notice, channel=ConsentChannel.SELF, at=NOW)
    new = publish_notice(COMMUNITY, notice_content(retention_days=730), previous=notice, at=NOW)
    assert template_status(consent, new, notice, OnNewTerms.OLD_TERMS) is TemplateStatus.OLD_TERMS
    assert template_status(consent, new, notice, OnNewTerms.SUSPEND) is TemplateStatus.SUSPENDED
    assert template_status(consent, notice, notice, OnNewTerms.SUSPEND) is TemplateStatus.ACTIVE
    assert template_status(None, notice, None, OnNewTerms.OLD_TERMS) is TemplateStatus.SUSPENDED


def test_a_consent_to_another_communitys_notice_does_not_count(notice):
    stranger = Person(
        id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        name="外人",
        role=Role.OWNER,
        date_of_birth=date(1990, 1, 1),
    )
    with pytest.raises(NotAllowed):
        give_consent(stranger, notice, channel=ConsentChannel.SELF, at=NOW)


def test_an_overlong_notice_field_is_refused_with_a_clear_message():
    with pytest.raises(InvalidNotice) as refused:
        publish_notice(COMMUNITY, notice_content(purpose="通行" * 3000), previous=None, at=NOW)
    assert "too long" in refused.value.message("en")


@pytest.mark.parametrize("value", [None, 42, ["list"]])
def test_a_notice_field_of_the_wrong_type_is_refused(value):
    with pytest.raises(InvalidNotice):
        publish_notice(COMMUNITY, notice_content(purpose=value), previous=None, at=NOW)


def test_after_a_refusal_nobody_asks_again_until_the_terms_change(notice):
    from menwei.privacy.consent import may_ask_for_consent, refuse_consent

    person = adult()
    assert may_ask_for_consent(None, notice, None)
    refusal = refuse_consent(person, notice, channel=ConsentChannel.SELF, at=NOW)
    assert not may_ask_for_consent(refusal, notice, notice)
    cosmetic = publish_notice(
        COMMUNITY, notice_content(processor_contact="0571-1"), previous=notice, at=NOW
    )
    assert not may_ask_for_consent(refusal, cosmetic, notice)
    material = publish_notice(COMMUNITY, notice_content(retention_days=90), previous=notice, at=NOW)
    assert may_ask_for_consent(refusal, material, notice)
