"""Notices, consent, withdrawal and a person's own data, as the API's routes need them.

The privacy records themselves (one transaction each, audit entries included) live beside this
module: ``consent_records``, ``withdrawal``, ``rights``, ``audit_trail``, ``data_export``; this
module decides *who* may ask for them. A
resident acts for themself, or as the linked guardian of a child; staff act for anyone in their
community and are named in the record. A person outside the caller's reach answers 404, as one that
does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from menwei.core import Person
from menwei.core import Role as PersonRole
from menwei.privacy.consent import (
    ConsentChannel,
    ConsentRecord,
    ConsentRefusal,
    NoticeContent,
    NoticeVersion,
)
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import NotFound
from menwei.server.policy import AccountRole
from menwei.server.services import audit_trail, consent_records, data_export
from menwei.server.services.audit_trail import PersonalEntry
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

if TYPE_CHECKING:  # face_switch imports compliance, which imports this module
    from menwei.server.services.face_switch import FaceState


def now() -> datetime:
    return datetime.now(UTC)


def staff_account(caller: Caller) -> str:
    """How a staff member is named in consent and audit records: login name and account id."""
    name = caller.principal.name or "staff"
    return f"{name}({caller.principal.id})"


def actor_of(caller: Caller) -> str:
    if caller.principal.role is AccountRole.RESIDENT and caller.principal.person_id is not None:
        return str(caller.principal.person_id)
    return f"staff:{staff_account(caller)}"


@dataclass(frozen=True, slots=True)
class Acting:
    """Whom a request is about, and in which capacity the caller acts for them."""

    person: Person
    channel: ConsentChannel
    guardian_id: uuid.UUID | None = None
    staff: str | None = None


def acting_for(uow: UnitOfWork, caller: Caller, person_id: uuid.UUID) -> Acting:
    """The caller's capacity towards ``person_id``, or 404 when the person is out of reach."""
    with uow:
        return acting_within(uow, caller, person_id)


def acting_within(uow: UnitOfWork, caller: Caller, person_id: uuid.UUID) -> Acting:
    """``acting_for`` inside the caller's open unit of work (one transaction with what follows)."""
    person = uow.people.get(person_id, caller.scope)
    if caller.community_id is not None and person.community_id != caller.community_id:
        raise NotFound()
    principal = caller.principal
    if principal.role is AccountRole.RESIDENT:
        if principal.person_id == person.id:
            return Acting(person, ConsentChannel.SELF)
        if principal.person_id is not None and person.guardian_id == principal.person_id:
            return Acting(person, ConsentChannel.GUARDIAN, guardian_id=principal.person_id)
        raise NotFound()
    return Acting(person, ConsentChannel.STAFF_ASSISTED, staff=staff_account(caller))


def own_person_id(caller: Caller) -> uuid.UUID:
    """The resident's own person record (a resident account without one has no data here)."""
    if caller.principal.person_id is None:
        raise NotFound()
    return caller.principal.person_id


# -- notices ----------------------------------------------------------------------------------

DEFAULT_NOTICE: dict[str, Any] = {
    "purpose": "小区出入口及单元门的通行身份核验（门禁）。",
    "method": "在门口设备上现场比对人脸特征；不保存照片，特征加密保存，仅用于本小区门禁。",
    "retention_days": 1095,
    "moved_out_days": 30,
    "alternatives": "不同意人脸识别的，可继续使用门禁卡、密码或二维码通行，不受任何影响。",
    "how_to_withdraw": "在手机页面“我的数据”中一键撤回，或到物业服务中心书面申请。",
    "how_to_access": "在手机页面“我的数据”中查看和下载，或到物业服务中心申请。",
    "how_to_delete": "撤回同意即删除人脸数据，并出具删除凭证；也可提交删除申请。",
}


def publish_notice(
    uow: UnitOfWork, caller: Caller, fields: dict[str, Any], *, at: datetime
) -> NoticeVersion:
    """The next notice version from the shipped defaults, the community's records and ``fields``.

    The processor's name, contact and responsible person come from the records, so the notice
    cannot contradict them; everything else may be worded by the community.
    """
    assert caller.community_id is not None
    with uow:
        community = uow.places.community(caller.community_id, caller.scope)
        processor = uow.places.processor(community.processor_id)
    values = {**DEFAULT_NOTICE, **{k: v for k, v in fields.items() if v is not None}}
    content = NoticeContent(
        community_name=community.name,
        processor_name=processor.name,
        processor_contact=processor.contact,
        responsible_person=processor.responsible_person,
        **values,
    )
    return consent_records.publish_community_notice(
        uow, community_id=caller.community_id, content=content, at=at
    )


def notices(uow: UnitOfWork, community_id: uuid.UUID) -> list[NoticeVersion]:
    """Every published version, newest first (public: the notice is displayed to everyone)."""
    with uow:
        store = uow.privacy
        current = store.notices.current(community_id)
        if current is None:
            return []
        found = [store.notices.get(community_id, v) for v in range(current.version, 0, -1)]
    return [n for n in found if n is not None]


@dataclass(frozen=True, slots=True)
class NoticeShown:
    """A published notice version as it is shown to the public, rendered in one language."""

    community_id: uuid.UUID
    version: int
    published_at: datetime
    content_hash: str
    content: NoticeContent
    text: str


def notice_public(notice: NoticeVersion, locale: str) -> NoticeShown:
    """The notice as anyone may read it: its fields and its text in ``locale``."""
    return NoticeShown(
        community_id=notice.community_id,
        version=notice.version,
        published_at=notice.published_at,
        content_hash=notice.content_hash,
        content=notice.content,
        text=notice.render(locale),
    )


# -- consent ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentAnswer:
    """A yes (the consent given) or a no (the refusal recorded): exactly one is set."""

    given: ConsentRecord | None = None
    refused: ConsentRefusal | None = None


def answer_consent(
    uow: UnitOfWork, kit: PrivacyKit, caller: Caller, person_id: uuid.UUID, *, give: bool
) -> ConsentAnswer:
    """Record a yes (consent) or a no (refusal) to the current notice, in the caller's capacity."""
    acting = acting_for(uow, caller, person_id)
    from menwei.server.services.face_switch import require_on  # compliance imports this module

    require_on(uow, acting.person.community_id)
    at = now()
    if not give:
        refusal = consent_records.record_refusal(
            uow, person_id=person_id, channel=acting.channel, at=at
        )
        return ConsentAnswer(refused=refusal)
    consent = consent_records.record_consent(
        uow,
        kit,
        person_id=person_id,
        channel=acting.channel,
        at=at,
        guardian_id=acting.guardian_id,
        staff_account=acting.staff,
    )
    return ConsentAnswer(given=consent)


def consents_of(uow: UnitOfWork, caller: Caller, person_id: uuid.UUID) -> list[ConsentRecord]:
    """Every consent of the person, oldest first, withdrawn ones included."""
    acting_for(uow, caller, person_id)
    with uow:
        return uow.privacy.consents.for_person(person_id)


# -- what is held -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FaceDataHeld:
    """Whether a template is held, since when, under which notice version — never the data."""

    person_id: uuid.UUID
    template_versions: tuple[int, ...]
    enrolled_at: datetime | None
    notice_version: int | None
    consent_live: bool
    devices_holding: int

    @property
    def template_held(self) -> bool:
        return bool(self.template_versions)

    @property
    def stored_as(self) -> str | None:
        return "AES-256-GCM" if self.template_versions else None


def face_data_record(uow: UnitOfWork, person_id: uuid.UUID) -> FaceDataHeld:
    """What is held of the person's face data, read in one transaction."""
    with uow:
        store = uow.privacy
        person = uow.people.get(person_id, CommunityScope.all())
        community, person_key = str(person.community_id), str(person_id)
        versions = store.templates.versions_of(community, person_key)
        consent = store.consents.live_for(person_id)
        sealed_at = None
        for sealed in store.templates.latest_for_community(person.community_id):
            if sealed.person_id == person_key:
                sealed_at = sealed.sealed_at
        devices = store.templates.devices_holding(community, person_key)
    return FaceDataHeld(
        person_id=person_id,
        template_versions=tuple(versions),
        enrolled_at=sealed_at,
        notice_version=consent.notice_version if consent else None,
        consent_live=consent is not None,
        devices_holding=len(devices),
    )


def face_data_held(uow: UnitOfWork, person_id: uuid.UUID) -> FaceDataHeld:
    """What is held of the person's face data, for the console pages (not audited: staff
    looking through the API go through ``staff_view``)."""
    return face_data_record(uow, person_id)


def do_not_ask(uow: UnitOfWork, person_id: uuid.UUID) -> datetime | None:
    """When the person declined the notice in force, so that staff do not ask again (不再询问);
    ``None`` when they have not declined, or the terms changed since."""
    with uow:
        refusal = uow.privacy.consents.latest_refusal(person_id)
    if refusal is None or consent_records.may_prompt_for_consent(uow, person_id=person_id):
        return None
    return refusal.refused_at


def staff_view(
    uow: UnitOfWork, kit: PrivacyKit, caller: Caller, person_id: uuid.UUID
) -> FaceDataHeld:
    """A staff member looks at a person's face data record: logged, so the person sees it."""
    acting_for(uow, caller, person_id)
    audit_trail.record_staff_view(
        uow, kit, staff_account=staff_account(caller), person_id=person_id, at=now()
    )
    return face_data_held(uow, person_id)


@dataclass(frozen=True, slots=True)
class CredentialHeld:
    """One of the resident's credentials, by kind only (never its secret)."""

    id: uuid.UUID
    kind: str
    withdrawn: bool


@dataclass(frozen=True, slots=True)
class MyData:
    """What the resident's own page shows: the switch, the face data, consents, credentials."""

    #: whether face recognition is on in the community, and if not, why (both languages)
    face_recognition: FaceState
    may_ask_for_consent: bool
    face_data: FaceDataHeld
    consents: list[ConsentRecord]
    credentials: list[CredentialHeld]


def my_data(uow: UnitOfWork, caller: Caller) -> MyData:
    person_id = own_person_id(caller)
    held = face_data_record(uow, person_id)
    with uow:
        credentials = [
            CredentialHeld(
                c.id,
                type(c).__name__,
                getattr(c, "consent_withdrawn_at", None) is not None,
            )
            for c in uow.credentials.of_person(person_id, CommunityScope.all())
        ]
        consents = uow.privacy.consents.for_person(person_id)
        community_id = uow.people.get(person_id, CommunityScope.all()).community_id
    from menwei.server.services.face_switch import off_state  # compliance imports this module

    return MyData(
        face_recognition=off_state(uow, community_id),
        may_ask_for_consent=consent_records.may_prompt_for_consent(uow, person_id=person_id),
        face_data=held,
        consents=consents,
        credentials=credentials,
    )


def may_be_face_enrolled(person: Person) -> bool:
    """Visitors never are: their passes are QR codes, and nobody asks them for a face."""
    return person.role is not PersonRole.VISITOR


def my_audit(uow: UnitOfWork, kit: PrivacyKit, caller: Caller) -> list[PersonalEntry]:
    """Every audit entry about the resident: who did what with their face data, and when."""
    return audit_trail.personal_entries(uow, kit, own_person_id(caller))


@dataclass(frozen=True, slots=True)
class PersonalExport:
    """The resident's complete data: the JSON bundle (a document to keep) and a readable page."""

    bundle: dict[str, Any]
    page: str


def my_export(uow: UnitOfWork, kit: PrivacyKit, caller: Caller, *, locale: str) -> PersonalExport:
    """The resident's complete data (JSON and a readable HTML page); the export is logged."""
    person_id = own_person_id(caller)
    bundle, page = data_export.export_person(
        uow, kit, person_id=person_id, at=now(), actor=str(person_id), locale=locale
    )
    return PersonalExport(bundle, page)


@dataclass(frozen=True, slots=True)
class CommunityShown:
    id: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True)
class ProcessorShown:
    """Who processes the face data, and whom to ask (the contact named in the notice)."""

    name: str
    contact: str
    responsible_person: str
    responsible_contact: str | None


@dataclass(frozen=True, slots=True)
class VoteShown:
    """The latest closed owners' vote, with the hash that lets anyone check its result."""

    title: str
    closed_at: datetime
    passed: bool
    result_hash: str


@dataclass(frozen=True, slots=True)
class PublicSummary:
    """What anyone may know about a community's face recognition, without signing in."""

    community: CommunityShown
    processor: ProcessorShown
    face_recognition_enabled: bool
    notice_version: int | None
    notice_published_at: datetime | None
    alternatives: str
    how_to_withdraw: str
    #: a level, never a head count
    filing_level: str
    owners_vote: VoteShown | None


def public_summary(uow: UnitOfWork, community_id: uuid.UUID) -> PublicSummary:
    """What anyone may know about a community's face recognition, without signing in.

    The processor and its responsible person, whether face recognition is on, the notice in
    force, the filing level of the processor (a level, not a head count) and the latest closed
    owners' vote.
    """
    from menwei.privacy.compliance import filing_status

    with uow:
        community = uow.places.community(community_id, CommunityScope.all())
        processor = uow.places.processor(community.processor_id)
        store = uow.privacy
        enabled = store.communities.face_is_on(community_id)
        notice = store.notices.current(community_id)
        people = store.templates.people_with_face_data(processor.id)
        latest = store.communities.latest_vote_result(community_id)
    return PublicSummary(
        community=CommunityShown(community.id, community.name),
        processor=ProcessorShown(
            name=processor.name,
            contact=processor.contact,
            responsible_person=processor.responsible_person,
            responsible_contact=notice.content.responsible_contact if notice else None,
        ),
        face_recognition_enabled=enabled,
        notice_version=notice.version if notice else None,
        notice_published_at=notice.published_at if notice else None,
        alternatives=notice.content.alternatives if notice else DEFAULT_NOTICE["alternatives"],
        how_to_withdraw=(
            notice.content.how_to_withdraw if notice else DEFAULT_NOTICE["how_to_withdraw"]
        ),
        filing_level=filing_status(people).level.value,
        owners_vote=None
        if latest is None
        else VoteShown(
            title=latest.title,
            closed_at=latest.closed_at,
            passed=latest.passed,
            result_hash=latest.canonical_hash(),
        ),
    )
