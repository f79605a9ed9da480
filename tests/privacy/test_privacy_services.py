"""Notices, consents, requests, compliance records and activation, through the database."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from tests.privacy.builders import notice_content, switch_face_on
from tests.store.builders import T0, make_site

from menwei.core.credential import FaceCredential, Validity
from menwei.core.person import Person, Role
from menwei.privacy.compliance import BreachIncident, ImpactAssessment, VoteStatus
from menwei.privacy.consent import ConsentChannel, OnNewTerms
from menwei.privacy.errors import (
    ActivationRefused,
    FaceRecognitionOff,
    GuardianRequired,
    InvalidNotice,
    RequestError,
)
from menwei.privacy.retention import RetentionPolicy
from menwei.privacy.rights import RequestKind, RequestState
from menwei.server.services.audit_trail import audit_entries_for, record_staff_view, verify_audit
from menwei.server.services.consent_records import (
    may_prompt_for_consent,
    publish_community_notice,
    record_consent,
    record_refusal,
)
from menwei.server.services.enrolment_record import enrol_template
from menwei.server.services.face_activation import activate_face_recognition
from menwei.server.services.face_data_counts import filing_statuses
from menwei.server.services.gate_templates import (
    record_device_sync,
    record_gate_matches,
    templates_for_gates,
)
from menwei.server.services.privacy_kit import open_kit
from menwei.server.services.rights import (
    fulfil_deletion_request,
    open_rights_request,
    refuse_rights_request,
)
from menwei.server.services.withdrawal import erase_person
from menwei.store.repositories.privacy import PrivacySettings, PrivacyStore
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow, DeviceRow

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class Votes:
    def __init__(self, passed: bool) -> None:
        self.passed = passed

    def vote_status(self, community_id):
        return VoteStatus(required=True, passed=self.passed)


@pytest.fixture
def kit(tmp_path):
    kit = open_kit(tmp_path / "keys" / "master.key")
    yield kit
    kit.key_store.close()


@pytest.fixture
def site(uow):
    return make_site(uow)


def _person(uow, site, *, born=date(1980, 1, 1), guardian=None, name="王芳") -> Person:
    person = Person(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name=name,
        role=Role.OWNER,
        date_of_birth=born,
        guardian_id=guardian.id if guardian else None,
    )
    with uow:
        uow.people.save(person)
        uow.commit()
    return person


def test_notices_are_versioned_and_read_back_intact(uow, site):
    first = publish_community_notice(
        uow, community_id=site.community.id, content=notice_content(), at=T0
    )
    second = publish_community_notice(
        uow,
        community_id=site.community.id,
        content=notice_content(retention_days=200),
        at=T0 + timedelta(days=1),
    )
    with uow:
        store = PrivacyStore(uow.session)
        assert store.notices.current(site.community.id) == second
        assert store.notices.get(site.community.id, 1) == first
        assert store.notices.first_published_at(site.community.id) == T0
    with pytest.raises(InvalidNotice):
        publish_community_notice(
            uow,
            community_id=site.community.id,
            content=notice_content(purpose="永久使用"),
            at=T0,
        )


def test_consent_through_the_service_is_recorded_and_logged(uow, kit, site):
    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    person = _person(uow, site)
    consent = record_consent(
        uow,
        kit,
        person_id=person.id,
        channel=ConsentChannel.STAFF_ASSISTED,
        at=NOW,
        staff_account="zhang",
    )
    with uow:
        store = PrivacyStore(uow.session)
        assert store.consents.live_for(person.id) == consent
        [entry] = kit.chain(store).entries_about(person.id)
    assert (entry.action, entry.actor) == ("consent", "staff:zhang")


def test_a_child_is_refused_unless_the_linked_guardian_consents(uow, kit, site):
    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    parent = _person(uow, site)
    child = _person(uow, site, born=date(2016, 6, 1), guardian=parent, name="小明")
    with pytest.raises(GuardianRequired):
        record_consent(uow, kit, person_id=child.id, channel=ConsentChannel.SELF, at=NOW)
    consent = record_consent(
        uow, kit, person_id=child.id, channel=ConsentChannel.GUARDIAN, at=NOW, guardian_id=parent.id
    )
    assert consent.guardian_id == parent.id


def test_enrolment_is_refused_before_any_notice_is_published(uow, kit, site):
    person = _person(uow, site)
    with pytest.raises(FaceRecognitionOff) as refused:
        enrol_template(
            uow,
            kit,
            person_id=person.id,
            community_id=site.community.id,
            template=b"\x00" * 512,
            at=NOW,
            actor="self",
        )
    assert "Face recognition is off" in refused.value.message("en")


def test_devices_that_pulled_a_template_learn_of_its_erasure_from_the_change_feed(
    uow, kit, site, engine
):
    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    person = _person(uow, site)
    record_consent(uow, kit, person_id=person.id, channel=ConsentChannel.SELF, at=NOW)
    enrol_template(
        uow,
        kit,
        person_id=person.id,
        community_id=site.community.id,
        template=b"\x01" * 512,
        at=NOW,
        actor="self",
    )
    device_id = uuid.uuid4()
    with engine.begin() as connection:
        columns = {c.name: c for c in DeviceRow.__table__.columns}
        values = {"id": device_id, "community_id": site.community.id}
        for name, column in columns.items():
            if name in values or column.nullable or column.default is not None:
                continue
            values[name] = NOW if isinstance(column.type, sa.DateTime) else "gate-north"
        connection.execute(sa.insert(DeviceRow.__table__).values(**values))
    record_device_sync(
        uow,
        kit,
        community_id=site.community.id,
        device_id=device_id,
        person_ids=[person.id],
        at=NOW,
    )
    face_id = uuid.uuid4()
    with uow:
        consent = PrivacyStore(uow.session).consents.live_for(person.id)
        assert consent is not None
        uow.credentials.save(
            FaceCredential(
                id=face_id,
                person_id=person.id,
                template_ref="v1",
                consent_id=consent.id,
                validity=Validity(valid_from=T0),
            )
        )
        uow.commit()
    with uow:
        pulled_before = uow.changes.cursor(site.community.id)
    receipt = erase_person(
        uow,
        kit,
        person_id=person.id,
        community_id=site.community.id,
        reason="deletion_request",
        actor="staff:li",
        at=NOW,
    )
    with uow:  # what the gate's next pull carries: its face credential, withdrawn
        feed = uow.changes.since(site.community.id, pulled_before)
        face = next(c for c in uow.credentials.of_person(person.id, CommunityScope.all()))
        still_held = PrivacyStore(uow.session).templates.devices_holding(
            str(site.community.id), str(person.id)
        )
    assert [(c.entity, str(c.entity_id), c.action) for c in feed] == [
        ("credential", str(face_id), "upsert")
    ]
    assert isinstance(face, FaceCredential) and face.consent_withdrawn_at == NOW
    assert still_held == []
    assert receipt.devices_told_to_delete == (str(device_id),)
    assert receipt.processor == site.processor.name
    with uow:
        actions = [e.action for e in kit.chain(PrivacyStore(uow.session)).entries_about(person.id)]
    assert actions == ["consent", "enrol", "sync_to_device", "erasure"]


def test_gate_matches_are_logged_per_person_per_day(uow, kit, site):
    person = _person(uow, site)
    passages = [(site.community.id, person.id, NOW + timedelta(minutes=m)) for m in range(5)]
    assert record_gate_matches(uow, kit, passages=passages, actor="gate:south") == 1
    with uow:
        [entry] = kit.chain(PrivacyStore(uow.session)).entries_about(person.id)
    assert entry.detail == {"day": "2026-11-21", "count": 5}
    assert verify_audit(uow, kit).ok


def test_rights_requests_use_the_communitys_deadline_and_need_a_reason_to_refuse(uow, kit, site):
    person = _person(uow, site)
    with uow:
        PrivacyStore(uow.session).settings.save(
            site.community.id, PrivacySettings(request_deadline_days=10)
        )
        uow.commit()
    request = open_rights_request(uow, kit, person_id=person.id, kind=RequestKind.COPY, at=NOW)
    assert request.due_at == NOW + timedelta(days=10)
    with pytest.raises(RequestError):
        refuse_rights_request(uow, kit, request_id=request.id, at=NOW, handled_by="li", reason="")
    closed = refuse_rights_request(
        uow,
        kit,
        request_id=request.id,
        at=NOW,
        handled_by="li",
        reason="The requested records were already erased under the retention rules.",
    )
    with uow:
        store = PrivacyStore(uow.session)
        assert store.requests.get(request.id) == closed
        assert store.requests.open_in(site.community.id) == []
        assert [r.state for r in store.requests.for_person(person.id)] == [RequestState.REFUSED]


def test_privacy_settings_default_and_round_trip(uow, site):
    with uow:
        store = PrivacyStore(uow.session)
        assert store.settings.get(site.community.id) == PrivacySettings()
        chosen = PrivacySettings(
            retention=RetentionPolicy(moved_out_days=7, event_days=90),
            display_days=14,
            on_new_terms=OnNewTerms.OLD_TERMS,
            vote_required=False,
        )
        store.settings.save(site.community.id, chosen)
        uow.commit()
    with uow:
        assert PrivacyStore(uow.session).settings.get(site.community.id) == chosen


def _assessment(site) -> ImpactAssessment:
    return ImpactAssessment(
        id=uuid.uuid4(),
        community_id=site.community.id,
        assessed_at=T0,
        assessor="李敏",
        purpose_and_method="通行核验",
        impact_and_risks="泄露风险",
        safeguards="加密",
        alternatives_offered="门卡",
        conclusion="可以开启",
    )


def test_activation_is_refused_until_notice_assessment_and_vote_are_all_in_place(uow, site, engine):
    with pytest.raises(ActivationRefused) as refused:
        activate_face_recognition(uow, community_id=site.community.id, votes=Votes(False), at=NOW)
    assert refused.value.details["unmet"] == ["no_notice", "no_assessment", "vote_not_passed"]
    publish_community_notice(
        uow, community_id=site.community.id, content=notice_content(), at=NOW - timedelta(days=8)
    )
    with uow:
        PrivacyStore(uow.session).compliance.add_assessment(_assessment(site))
        uow.commit()
    with pytest.raises(ActivationRefused) as refused:
        activate_face_recognition(uow, community_id=site.community.id, votes=Votes(False), at=NOW)
    assert refused.value.details["unmet"] == ["vote_not_passed"]
    activate_face_recognition(uow, community_id=site.community.id, votes=Votes(True), at=NOW)
    with engine.connect() as connection:
        enabled = connection.scalar(
            sa.select(CommunityRow.face_enabled).where(CommunityRow.id == site.community.id)
        )
    assert enabled is True


def test_assessments_and_incidents_are_kept_and_read_back(uow, site):
    assessment = _assessment(site)
    incident = BreachIncident(
        id=uuid.uuid4(),
        community_id=site.community.id,
        occurred_at=None,
        discovered_at=NOW,
        recorded_by="li",
        people_affected=3,
        information_types="加密人脸特征",
        cause="误操作",
        possible_harm="低",
        remedial_measures="已轮换密钥",
        what_you_can_do="无需操作",
        contact="privacy@example.cn",
    )
    with uow:
        store = PrivacyStore(uow.session)
        store.compliance.add_assessment(assessment)
        store.compliance.add_incident(incident)
        uow.commit()
    with uow:
        store = PrivacyStore(uow.session)
        assert store.compliance.latest_assessment(site.community.id) == assessment
        assert store.compliance.get_incident(incident.id) == incident
        older = dataclasses.replace(assessment, id=uuid.uuid4(), assessed_at=T0 - timedelta(1))
        store.compliance.add_assessment(older)
        assert store.compliance.latest_assessment(site.community.id) == assessment


def _enrolled(uow, kit, site, name="王芳", template=b"\x02" * 512) -> Person:
    person = _person(uow, site, name=name)
    record_consent(uow, kit, person_id=person.id, channel=ConsentChannel.SELF, at=NOW)
    enrol_template(
        uow,
        kit,
        person_id=person.id,
        community_id=site.community.id,
        template=template,
        at=NOW,
        actor="self",
    )
    return person


@pytest.mark.parametrize(
    ("on_new_terms", "usable"), [(OnNewTerms.OLD_TERMS, True), (OnNewTerms.SUSPEND, False)]
)
def test_after_a_material_notice_change_gates_use_old_templates_only_if_the_community_chose_so(
    uow, kit, site, on_new_terms, usable
):
    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    person = _enrolled(uow, kit, site)
    with uow:
        PrivacyStore(uow.session).settings.save(
            site.community.id, PrivacySettings(on_new_terms=on_new_terms)
        )
        uow.commit()
    assert templates_for_gates(uow, kit, community_id=site.community.id) == {
        str(person.id): b"\x02" * 512
    }
    publish_community_notice(
        uow, community_id=site.community.id, content=notice_content(retention_days=730), at=NOW
    )
    gallery = templates_for_gates(uow, kit, community_id=site.community.id)
    assert (str(person.id) in gallery) is usable
    record_consent(uow, kit, person_id=person.id, channel=ConsentChannel.SELF, at=NOW)
    assert str(person.id) in templates_for_gates(uow, kit, community_id=site.community.id)


def test_a_cosmetic_notice_change_keeps_every_template_in_use(uow, kit, site):
    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    person = _enrolled(uow, kit, site)
    publish_community_notice(
        uow,
        community_id=site.community.id,
        content=notice_content(processor_contact="0571-1234 5678"),
        at=NOW,
    )
    assert str(person.id) in templates_for_gates(uow, kit, community_id=site.community.id)


def test_a_deletion_request_is_fulfilled_by_crypto_shredding_with_a_receipt(uow, kit, site):
    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    person = _enrolled(uow, kit, site)
    request = open_rights_request(uow, kit, person_id=person.id, kind=RequestKind.DELETION, at=NOW)
    receipt = fulfil_deletion_request(uow, kit, request_id=request.id, at=NOW, handled_by="li")
    assert receipt.reason == "deletion_request"
    assert templates_for_gates(uow, kit, community_id=site.community.id) == {}
    with uow:
        store = PrivacyStore(uow.session)
        assert store.requests.get(request.id).state is RequestState.FULFILLED
        assert store.consents.live_for(person.id) is None
    with pytest.raises(RequestError):
        fulfil_deletion_request(uow, kit, request_id=request.id, at=NOW, handled_by="li")


def test_a_recorded_refusal_stops_prompting_but_not_the_persons_own_consent(uow, kit, site):
    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    person = _person(uow, site)
    assert may_prompt_for_consent(uow, person_id=person.id)
    record_refusal(uow, person_id=person.id, channel=ConsentChannel.SELF, at=NOW)
    assert not may_prompt_for_consent(uow, person_id=person.id)
    record_consent(uow, kit, person_id=person.id, channel=ConsentChannel.SELF, at=NOW)
    assert not may_prompt_for_consent(uow, person_id=person.id)  # already consented


def test_the_filing_counter_warns_per_processor_at_80_percent(uow, kit, site):
    from menwei.privacy.compliance import FilingLevel

    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    for i in range(4):
        _enrolled(uow, kit, site, name=f"住户{i}")
    assert filing_statuses(uow, threshold=5)[site.processor.id].level is FilingLevel.WARNING
    assert filing_statuses(uow, threshold=4)[site.processor.id].level is FilingLevel.MUST_FILE
    assert filing_statuses(uow)[site.processor.id].level is FilingLevel.BELOW


def test_a_staff_view_appears_in_the_persons_own_log(uow, kit, site):
    person = _person(uow, site)
    record_staff_view(uow, kit, staff_account="wang", person_id=person.id, at=NOW)
    [entry] = audit_entries_for(uow, kit, person_id=person.id)
    assert (entry.actor, entry.action) == ("staff:wang", "staff_view")
    assert audit_entries_for(uow, kit, person_id=_person(uow, site, name="别人").id) == []
