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
                f"处理规则缺少“{zh}”。请填写后再发布。",
                f"The notice has no {en}. Fill it in before publishing.",
                field=name,
            )
        if len(value) > MAX_FIELD_CHARS:
            raise InvalidNotice(
                f"“{zh}”过长（上限 {MAX_FIELD_CHARS} 字）。处理规则应简明易懂，请精简。",
                f"The {en} is too long (at most {MAX_FIELD_CHARS} characters). A notice must be "
                "plain and short; please shorten it.",
                field=name,
            )
        found = _VOID_CLAUSES.search(value)
        if found:
            raise InvalidNotice(
                f"“{zh}”中含有无效条款（“{found.group(0)}”）：不得约定无限期或不可撤回地处理"
                "人脸信息。请删去该表述。",
                f"The {en} contains a void clause ({found.group(0)!r}): face data may not be "
                "processed without limit or irrevocably. Remove it.",
                field=name,
            )
    for name in ("retention_days", "moved_out_days"):
        days = getattr(content, name)
        valid = isinstance(days, int) and not isinstance(days, bool)
        if not valid or not 1 <= days <= MAX_RETENTION_DAYS:
            raise InvalidNotice(
                f"保存期限必须是 1 到 {MAX_RETENTION_DAYS} 之间的天数。",
                f"A retention period must be a number of days from 1 to {MAX_RETENTION_DAYS}.",
                field=name,
            )
    if content.moved_out_days > content.retention_days:
        raise InvalidNotice(
            "搬离后的删除期限不能长于最长保存期限。",
            "The erasure period after moving out cannot exceed the overall retention period.",
            field="moved_out_days",
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
        raise NotAllowed(
            "上一版处理规则属于另一个小区。", "The previous notice belongs to another community."
        )
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


class Channel(StrEnum):
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
    channel: Channel
    guardian_id: uuid.UUID | None = None
    staff_account: str | None = None
    withdrawn_at: datetime | None = None
    withdrawal_channel: Channel | None = None
    withdrawn_by: str | None = None
    written_request: str | None = None

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


def give_consent(
    person: Person,
    notice: NoticeVersion,
    *,
    channel: Channel,
    at: datetime,
    guardian: Person | None = None,
    staff_account: str | None = None,
) -> ConsentRecord:
    """A new consent record, or a typed refusal saying who must consent instead."""
    if person.community_id != notice.community_id:
        raise NotAllowed("该处理规则属于另一个小区。", "This notice belongs to another community.")
    minor = person.is_under_14(at.date())
    if minor:
        if person.date_of_birth is None and channel is not Channel.GUARDIAN:
            raise GuardianRequired(
                "此人未登记出生日期，无法确认是否已满 14 周岁。请先在住户资料中填写出生日期，"
                "再请本人同意；未满 14 周岁的须由登记的监护人同意。",
                "This person has no date of birth on record, so we cannot tell whether they are "
                "14 or over. Record the date of birth in their resident record first; a child "
                "under 14 needs their linked guardian's consent.",
            )
        if channel is not Channel.GUARDIAN or guardian is None:
            raise GuardianRequired(
                "未满 14 周岁（或未登记出生日期）的人，须由其登记的监护人同意。",
                "For a person under 14 (or with no date of birth on record) only their linked "
                "guardian can consent.",
            )
    elif channel is Channel.GUARDIAN:
        raise NotAllowed(
            "已满 14 周岁的人须本人同意。", "A person aged 14 or over consents themselves."
        )
    if channel is Channel.GUARDIAN:
        assert guardian is not None
        _check_guardian(person, guardian)
    if channel is Channel.STAFF_ASSISTED and not (staff_account or "").strip():
        raise NotAllowed(
            "工作人员协助同意时，须记录协助的工作人员账户。",
            "A staff-assisted consent must name the staff account that helped.",
        )
    return ConsentRecord(
        id=uuid.uuid4(),
        person_id=person.id,
        community_id=person.community_id,
        notice_version=notice.version,
        notice_hash=notice.content_hash,
        given_at=at,
        channel=channel,
        guardian_id=guardian.id if guardian is not None else None,
        staff_account=staff_account if channel is Channel.STAFF_ASSISTED else None,
    )


def _check_guardian(person: Person, guardian: Person) -> None:
    if person.guardian_id is None or person.guardian_id != guardian.id:
        raise GuardianRequired(
            "此人不是该未成年人登记的监护人。请先在住户资料中关联监护人。",
            "This person is not the child's linked guardian. Link the guardian in the "
            "household record first.",
        )


def withdraw_consent(
    consent: ConsentRecord,
    person: Person,
    *,
    channel: Channel,
    at: datetime,
    guardian: Person | None = None,
    staff_account: str | None = None,
    written_request: str | None = None,
) -> ConsentRecord:
    """The consent, withdrawn. Face data only: cards, PINs and QR codes are not touched."""
    if consent.person_id != person.id:
        raise NotAllowed("该同意记录不属于此人。", "This consent belongs to someone else.")
    if not consent.is_live:
        return consent
    actor = str(person.id)
    if channel is Channel.GUARDIAN:
        if guardian is None:
            raise GuardianRequired("请指明监护人。", "Name the guardian who withdraws.")
        _check_guardian(person, guardian)
        actor = str(guardian.id)
    elif channel is Channel.STAFF_ASSISTED:
        if not (staff_account or "").strip() or not (written_request or "").strip():
            raise NotAllowed(
                "工作人员只能根据本人的书面申请代为撤回，并须记录工作人员账户和申请编号。",
                "Staff may withdraw only on the person's written request; record the staff "
                "account and the request reference.",
            )
        actor = f"staff:{staff_account}"
    return replace(
        consent,
        withdrawn_at=at,
        withdrawal_channel=channel,
        withdrawn_by=actor,
        written_request=written_request if channel is Channel.STAFF_ASSISTED else None,
    )


@dataclass(frozen=True, kw_only=True)
class ConsentRefusal:
    """A person said no. Recorded so that nobody asks again until the terms change."""

    id: uuid.UUID
    person_id: uuid.UUID
    community_id: uuid.UUID
    notice_version: int
    refused_at: datetime
    channel: Channel


def refuse_consent(
    person: Person, notice: NoticeVersion, *, channel: Channel, at: datetime
) -> ConsentRefusal:
    """Record a "no". It costs the person nothing: cards, PINs and QR codes are unaffected."""
    if person.community_id != notice.community_id:
        raise NotAllowed("该处理规则属于另一个小区。", "This notice belongs to another community.")
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
    return ConsentRequired(
        "尚未取得本人（或监护人）对当前处理规则的单独同意，不能保存人脸特征。请先阅读处理规则"
        "并同意，或改用门卡、密码或二维码。",
        "There is no separate consent to the current notice, so no face template may be "
        "stored. Read the notice and consent first, or use a card, PIN or QR code instead.",
    )


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
    raise ConsentRequired(
        "处理规则的目的、方式或保存期限已变更，需要重新同意后才能保存人脸特征。",
        "The notice's purpose, method or retention changed; consent again before a face "
        "template is stored.",
    )


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
