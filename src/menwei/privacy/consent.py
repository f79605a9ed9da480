"""Processing notices and consent: nobody's face is enrolled without both.

- A **notice** (处理规则) is versioned per community. A draft is checked for completeness and for
  clauses the courts hold void (unlimited or irrevocable rights to face data); publishing
  freezes it and gives it a content hash over its canonical JSON, which every consent stores.
- A **consent** is one record per person and notice version, separate from every other
  agreement, with the channel it came through: the person on their phone, staff helping them
  (the staff account is named), or a guardian. Under 14 on the day of consent, only the linked
  guardian can give it.
- **No consent, no template.** ``require_consent_to_store`` refuses with ``ConsentRequired``
  unless a live consent covers the current notice. A new version that changes purpose, method
  or retention needs fresh consent; until then an existing template is used under the old terms
  or suspended, as the community chooses (``template_status``).
- **Withdrawal** is one action by the person, their guardian, or staff on the person's written
  request (recorded). It touches face data only; cards, PINs and QR codes keep working.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from enum import StrEnum
from importlib import resources

from menwei.core.person import Person
from menwei.privacy.canonical import content_hash
from menwei.privacy.errors import (
    ConsentRequired,
    GuardianRequired,
    InvalidNotice,
    NotAllowed,
)
from menwei.text import Bilingual

LOCALES = ("zh-CN", "en")
MAX_RETENTION_DAYS = 3650
MAX_FIELD_CHARS = 4000

# Clauses that would grant unlimited or irrevocable rights over face data: void, so refused.
_VOID_CLAUSES = re.compile(
    r"永久|无限期|不可撤回|不可撤销|不得撤回|不能撤回|无条件授权|任意使用|转让给第三方"
    r"|irrevocabl|perpetu|unlimited|forever|indefinite|without limit|any purpose"
    r"|cannot be withdrawn|may not be withdrawn|transfer to third parties",
    re.IGNORECASE,
)

_FIELD_LABELS = {
    "processor_name": ("处理者名称", "processor's name"),
    "processor_contact": ("处理者联系方式", "processor's contact"),
    "responsible_person": ("个人信息保护负责人", "responsible person"),
    "responsible_contact": ("负责人联系方式", "responsible person's contact"),
    "supervisor": ("监督部门", "supervising authority"),
    "purpose": ("处理目的", "purpose"),
    "method": ("处理方式", "method"),
    "alternatives": ("替代方式", "alternatives"),
    "how_to_withdraw": ("撤回方式", "how to withdraw"),
    "how_to_access": ("查阅复制方式", "how to access"),
    "how_to_delete": ("删除方式", "how to delete"),
}


@dataclass(frozen=True, kw_only=True)
class NoticeContent:
    """What a processing notice says. Retention is a fixed number of days, never open-ended."""

    community_name: str
    processor_name: str
    processor_contact: str
    responsible_person: str
    responsible_contact: str
    supervisor: str
    purpose: str
    method: str
    retention_days: int
    moved_out_days: int
    alternatives: str
    how_to_withdraw: str
    how_to_access: str
    how_to_delete: str


def check_notice(content: NoticeContent) -> None:
    """Refuse an incomplete notice or one with a void clause, naming the field."""
    for name, (zh, en) in _FIELD_LABELS.items():
        value = getattr(content, name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidNotice(
                message_id="invalid_notice.item_missing",
                values={"item": Bilingual(zh, en)},
                field=name,
            )
        if len(value) > MAX_FIELD_CHARS:
            raise InvalidNotice(
                message_id="invalid_notice.item_too_long",
                values={"item": Bilingual(zh, en), "max_field_chars": MAX_FIELD_CHARS},
                field=name,
            )
        found = _VOID_CLAUSES.search(value)
        if found:
            raise InvalidNotice(
                message_id="invalid_notice.void_clause",
                values={"item": Bilingual(zh, en), "clause": found.group(0)},
                field=name,
            )
    for name in ("retention_days", "moved_out_days"):
        days = getattr(content, name)
        valid = isinstance(days, int) and not isinstance(days, bool)
        if not valid or not 1 <= days <= MAX_RETENTION_DAYS:
            raise InvalidNotice(
                message_id="invalid_notice.retention_days_out_of_range",
                values={"max_retention_days": MAX_RETENTION_DAYS},
                field=name,
            )
    if content.moved_out_days > content.retention_days:
        raise InvalidNotice(
            message_id="invalid_notice.erasure_period_after_moving", field="moved_out_days"
        )


@dataclass(frozen=True, kw_only=True)
class NoticeVersion:
    """A published, frozen notice. ``content_hash`` is what consents point at."""

    community_id: uuid.UUID
    version: int
    content: NoticeContent
    published_at: datetime
    content_hash: str

    def render(self, locale: str = "zh-CN") -> str:
        return render_notice(self.content, self.version, locale)


def notice_hash(community_id: uuid.UUID, version: int, content: NoticeContent) -> str:
    return content_hash(
        {"community_id": str(community_id), "version": version, "content": asdict(content)}
    )


def publish_notice(
    community_id: uuid.UUID,
    content: NoticeContent,
    *,
    previous: NoticeVersion | None,
    at: datetime,
) -> NoticeVersion:
    """Freeze ``content`` as the community's next notice version."""
    check_notice(content)
    if previous is not None and previous.community_id != community_id:
        raise NotAllowed(message_id="not_allowed.previous_notice_belongs_another")
    version = 1 if previous is None else previous.version + 1
    return NoticeVersion(
        community_id=community_id,
        version=version,
        content=content,
        published_at=at,
        content_hash=notice_hash(community_id, version, content),
    )


def render_notice(content: NoticeContent, version: int, locale: str = "zh-CN") -> str:
    """The notice as plain Markdown in ``locale`` (zh-CN, the default, or en)."""
    name = "en" if locale.lower().startswith("en") else "zh-CN"
    template = resources.files("menwei.privacy").joinpath(f"notices/{name}.md").read_text("utf-8")
    values = {f.name: getattr(content, f.name) for f in fields(content)}
    return template.format_map({**values, "version": version})


def material_change(old: NoticeContent, new: NoticeContent) -> list[str]:
    """The fields whose change needs fresh consent: purpose, method, retention."""
    names = ("purpose", "method", "retention_days", "moved_out_days")
    return [n for n in names if getattr(old, n) != getattr(new, n)]


class ConsentChannel(StrEnum):
    """How a consent (or a withdrawal) reached us."""

    SELF = "self"
    STAFF_ASSISTED = "staff_assisted"
    GUARDIAN = "guardian"


class OnNewTerms(StrEnum):
    """What happens to existing templates when fresh consent is needed and not yet given."""

    OLD_TERMS = "old_terms"
    SUSPEND = "suspend"


@dataclass(frozen=True, kw_only=True)
class ConsentRecord:
    id: uuid.UUID
    person_id: uuid.UUID
    community_id: uuid.UUID
    notice_version: int
    notice_hash: str
    given_at: datetime
    channel: ConsentChannel
    guardian_id: uuid.UUID | None = None
    staff_account: str | None = None
    withdrawn_at: datetime | None = None
    withdrawal_channel: ConsentChannel | None = None
    withdrawn_by: str | None = None
    written_request: str | None = None

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


def give_consent(
    person: Person,
    notice: NoticeVersion,
    *,
    channel: ConsentChannel,
    at: datetime,
    guardian: Person | None = None,
    staff_account: str | None = None,
) -> ConsentRecord:
    """A new consent record, or a typed refusal saying who must consent instead."""
    if person.community_id != notice.community_id:
        raise NotAllowed(message_id="not_allowed.notice_belongs_another_community")
    minor = person.is_under_14(at.date())
    if minor:
        if person.date_of_birth is None and channel is not ConsentChannel.GUARDIAN:
            raise GuardianRequired(message_id="guardian_required.no_birth_date")
        if channel is not ConsentChannel.GUARDIAN or guardian is None:
            raise GuardianRequired(message_id="guardian_required.child_or_no_birth_date")
    elif channel is ConsentChannel.GUARDIAN:
        raise NotAllowed(message_id="not_allowed.person_aged_over_consents")
    if channel is ConsentChannel.GUARDIAN:
        assert guardian is not None
        _check_guardian(person, guardian)
    if channel is ConsentChannel.STAFF_ASSISTED and not (staff_account or "").strip():
        raise NotAllowed(message_id="not_allowed.staff_assisted_consent_must")
    return ConsentRecord(
        id=uuid.uuid4(),
        person_id=person.id,
        community_id=person.community_id,
        notice_version=notice.version,
        notice_hash=notice.content_hash,
        given_at=at,
        channel=channel,
        guardian_id=guardian.id if guardian is not None else None,
        staff_account=staff_account if channel is ConsentChannel.STAFF_ASSISTED else None,
    )


def _check_guardian(person: Person, guardian: Person) -> None:
    if person.guardian_id is None or person.guardian_id != guardian.id:
        raise GuardianRequired(message_id="guardian_required.not_the_guardian")


def withdraw_consent(
    consent: ConsentRecord,
    person: Person,
    *,
    channel: ConsentChannel,
    at: datetime,
    guardian: Person | None = None,
    staff_account: str | None = None,
    written_request: str | None = None,
) -> ConsentRecord:
    """The consent, withdrawn. Face data only: cards, PINs and QR codes are not touched."""
    if consent.person_id != person.id:
        raise NotAllowed(message_id="not_allowed.consent_belongs_someone_else")
    if not consent.is_live:
        return consent
    actor = str(person.id)
    if channel is ConsentChannel.GUARDIAN:
        if guardian is None:
            raise GuardianRequired(message_id="guardian_required.name_the_guardian")
        _check_guardian(person, guardian)
        actor = str(guardian.id)
    elif channel is ConsentChannel.STAFF_ASSISTED:
        if not (staff_account or "").strip() or not (written_request or "").strip():
            raise NotAllowed(message_id="not_allowed.staff_may_withdraw_only")
        actor = f"staff:{staff_account}"
    return replace(
        consent,
        withdrawn_at=at,
        withdrawal_channel=channel,
        withdrawn_by=actor,
        written_request=written_request if channel is ConsentChannel.STAFF_ASSISTED else None,
    )


@dataclass(frozen=True, kw_only=True)
class ConsentRefusal:
    """A person said no. Recorded so that nobody asks again until the terms change."""

    id: uuid.UUID
    person_id: uuid.UUID
    community_id: uuid.UUID
    notice_version: int
    refused_at: datetime
    channel: ConsentChannel


def refuse_consent(
    person: Person, notice: NoticeVersion, *, channel: ConsentChannel, at: datetime
) -> ConsentRefusal:
    """Record a "no". It costs the person nothing: cards, PINs and QR codes are unaffected."""
    if person.community_id != notice.community_id:
        raise NotAllowed(message_id="not_allowed.notice_belongs_another_community")
    return ConsentRefusal(
        id=uuid.uuid4(),
        person_id=person.id,
        community_id=person.community_id,
        notice_version=notice.version,
        refused_at=at,
        channel=channel,
    )


def may_ask_for_consent(
    refusal: ConsentRefusal | None,
    current: NoticeVersion,
    refused_notice: NoticeVersion | None,
) -> bool:
    """Whether staff or the app may prompt the person for consent.

    Not after a refusal, until a new notice changes purpose, method or retention. The person
    can still consent on their own initiative at any time; this only stops repeated asking.
    """
    if refusal is None:
        return True
    if refusal.notice_version == current.version:
        return False
    if refused_notice is None or refused_notice.version != refusal.notice_version:
        return False
    return bool(material_change(refused_notice.content, current.content))


def _refuse_no_consent() -> ConsentRequired:
    return ConsentRequired(message_id="consent_required.no_consent")


def require_consent_to_store(
    consent: ConsentRecord | None,
    current: NoticeVersion,
    consented_notice: NoticeVersion | None = None,
) -> ConsentRecord:
    """The consent that allows storing a template now; ``ConsentRequired`` otherwise."""
    if consent is None or not consent.is_live or consent.community_id != current.community_id:
        raise _refuse_no_consent()
    if consent.notice_version == current.version and consent.notice_hash == current.content_hash:
        return consent
    if (
        consented_notice is not None
        and consented_notice.version == consent.notice_version
        and consented_notice.content_hash == consent.notice_hash
        and not material_change(consented_notice.content, current.content)
    ):
        return consent
    raise ConsentRequired(message_id="consent_required.notice_changed")


class TemplateStatus(StrEnum):
    ACTIVE = "active"
    OLD_TERMS = "old_terms"
    SUSPENDED = "suspended"


def template_status(
    consent: ConsentRecord | None,
    current: NoticeVersion,
    consented_notice: NoticeVersion | None,
    on_new_terms: OnNewTerms,
) -> TemplateStatus:
    """Whether an existing template may be used at the gates today, and under which terms."""
    try:
        require_consent_to_store(consent, current, consented_notice)
    except ConsentRequired:
        if consent is None or not consent.is_live:
            return TemplateStatus.SUSPENDED
        if on_new_terms is OnNewTerms.OLD_TERMS:
            return TemplateStatus.OLD_TERMS
        return TemplateStatus.SUSPENDED
    return TemplateStatus.ACTIVE
