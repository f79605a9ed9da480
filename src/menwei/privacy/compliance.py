"""Compliance: the activation gate, the impact assessment, the filing counter, breach notices.

- **Activation gate.** Face recognition stays off for a community until three things hold: the
  notice has been displayed publicly for ``display_days`` (default 7, 公示); an impact assessment
  (个人信息保护影响评估) is on record; and the owners' vote passed where the community requires
  one. The vote comes from the governance room through ``OwnersVoteHook``. A refusal lists every
  unmet condition, each in plain words.
- **Impact assessment.** A built-in form with what PIPL Art 55–56 asks an assessment to cover:
  whether purpose and method are lawful, proper and necessary; the impact on people's rights and
  the security risks; whether the protective measures are lawful, effective and proportionate.
  Records are kept at least three years.
- **Filing counter.** Distinct people with stored face data per processor, with a warning at
  80 % and a duty at 100 % of the filing threshold (100,000 people), and the filing materials as
  a document.
- **Breach incidents.** The notice to people has exactly the PIPL Art 57 items: the kinds of
  information involved, the cause, the possible harm, the processor's remedial measures, what
  people can do to reduce harm, and the processor's contact.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from menwei.privacy.errors import ActivationRefused, InvalidAssessment, InvalidIncident
from menwei.text import Bilingual, Message

DEFAULT_DISPLAY_DAYS = 7
FILING_THRESHOLD = 100_000
ASSESSMENT_KEEP_YEARS = 3


# -- impact assessment ------------------------------------------------------------------------

ASSESSMENT_FIELDS: dict[str, tuple[str, str]] = {
    "purpose_and_method": (
        "处理目的、处理方式等是否合法、正当、必要",
        "Whether the purpose and method of processing are lawful, proper and necessary",
    ),
    "impact_and_risks": (
        "对个人权益的影响及安全风险",
        "The impact on people's rights and interests, and the security risks",
    ),
    "safeguards": (
        "所采取的保护措施是否合法、有效并与风险程度相适应",
        "Whether the protective measures are lawful, effective and proportionate to the risk",
    ),
    "alternatives_offered": (
        "不同意人脸识别的人可使用的其他通行方式",
        "The other ways in for people who do not use face recognition",
    ),
    "conclusion": ("评估结论", "Conclusion"),
}


@dataclass(frozen=True, kw_only=True)
class ImpactAssessment:
    id: uuid.UUID
    community_id: uuid.UUID
    assessed_at: datetime
    assessor: str
    purpose_and_method: str
    impact_and_risks: str
    safeguards: str
    alternatives_offered: str
    conclusion: str

    @property
    def keep_until(self) -> datetime:
        """Records are kept at least three years after the assessment."""
        return self.assessed_at + timedelta(days=365 * ASSESSMENT_KEEP_YEARS + 1)


def check_assessment(assessment: ImpactAssessment) -> None:
    """Refuse an assessment with an empty item, naming it."""
    for name, (zh, en) in {"assessor": ("评估人", "Assessor"), **ASSESSMENT_FIELDS}.items():
        if not str(getattr(assessment, name)).strip():
            raise InvalidAssessment(
                message_id="invalid_assessment.item_missing",
                values={"item": Bilingual(zh, en)},
                field=name,
            )


def assessment_form(locale: str = "zh-CN") -> list[dict[str, str]]:
    """The built-in form: each field's name and its question in the reader's language."""
    en = locale.lower().startswith("en")
    return [
        {"field": name, "question": en_text if en else zh}
        for name, (zh, en_text) in ASSESSMENT_FIELDS.items()
    ]


# -- activation gate --------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteStatus:
    required: bool
    passed: bool


class VoteAnswer(Protocol):
    """What the hook answers; ``VoteStatus`` or any object with these two attributes."""

    @property
    def required(self) -> bool: ...
    @property
    def passed(self) -> bool: ...


class OwnersVoteHook(Protocol):
    """Filled by the governance room: whether an owners' vote is required and has passed."""

    def vote_status(self, community_id: Any) -> VoteAnswer: ...


class NoVoteRequired:
    """For communities whose operator has decided no owners' vote is needed."""

    def vote_status(self, community_id: Any) -> VoteStatus:
        return VoteStatus(required=False, passed=False)


class Unmet(StrEnum):
    NO_NOTICE = "no_notice"
    NOTICE_TOO_RECENT = "notice_too_recent"
    NO_ASSESSMENT = "no_assessment"
    VOTE_NOT_PASSED = "vote_not_passed"


@dataclass(frozen=True)
class UnmetCondition:
    """One condition not yet met, and the catalogued text that says what to do about it."""

    code: Unmet
    text: Message

    @property
    def message_zh(self) -> str:
        return self.text.render("zh-CN")

    @property
    def message_en(self) -> str:
        return self.text.render("en")


def activation_conditions(
    *,
    community_id: uuid.UUID,
    notice_displayed_since: datetime | None,
    assessment: ImpactAssessment | None,
    votes: OwnersVoteHook,
    now: datetime,
    display_days: int = DEFAULT_DISPLAY_DAYS,
) -> list[UnmetCondition]:
    """Every condition that still stands between the community and face recognition."""
    unmet: list[UnmetCondition] = []
    if notice_displayed_since is None:
        unmet.append(UnmetCondition(Unmet.NO_NOTICE, Message("activation_refused.no_notice")))
    else:
        ready = notice_displayed_since + timedelta(days=display_days)
        if now < ready:
            unmet.append(
                UnmetCondition(
                    Unmet.NOTICE_TOO_RECENT,
                    Message.of(
                        "activation_refused.notice_too_recent",
                        display_days=display_days,
                        ready=f"{ready:%Y-%m-%d %H:%M}",
                    ),
                )
            )
    if assessment is None or assessment.community_id != community_id:
        unmet.append(
            UnmetCondition(Unmet.NO_ASSESSMENT, Message("activation_refused.no_assessment"))
        )
    status = votes.vote_status(community_id)
    if status.required and not status.passed:
        unmet.append(
            UnmetCondition(Unmet.VOTE_NOT_PASSED, Message("activation_refused.vote_not_passed"))
        )
    return unmet


def require_activation(**conditions: Any) -> None:
    """Raise ``ActivationRefused`` naming every unmet condition; return when all hold."""
    unmet = activation_conditions(**conditions)
    if unmet:
        listed = Bilingual(
            "；".join(u.message_zh for u in unmet), " ".join(u.message_en for u in unmet)
        )
        raise ActivationRefused(values={"conditions": listed}, unmet=[u.code.value for u in unmet])


# -- filing counter ---------------------------------------------------------------------------


class FilingLevel(StrEnum):
    BELOW = "below"
    WARNING = "warning"  # 80 % of the threshold
    MUST_FILE = "must_file"  # the threshold reached


@dataclass(frozen=True)
class FilingStatus:
    people: int
    threshold: int
    level: FilingLevel

    @property
    def share(self) -> float:
        return self.people / self.threshold

    def message(self, locale: str = "zh-CN") -> str:
        en = locale.lower().startswith("en")
        if self.level is FilingLevel.MUST_FILE:
            return (
                f"{self.people} people have face data stored, at or above {self.threshold}: "
                "file with the provincial cyberspace office within 30 working days."
                if en
                else f"已存储 {self.people} 人的人脸信息，达到 {self.threshold} 人：须在 30 个"
                "工作日内向省级网信部门备案。"
            )
        if self.level is FilingLevel.WARNING:
            return (
                f"{self.people} people have face data stored, {self.share:.0%} of the "
                f"{self.threshold} that requires filing: prepare the filing materials."
                if en
                else f"已存储 {self.people} 人的人脸信息，达到备案门槛 {self.threshold} 人的 "
                f"{self.share:.0%}：请准备备案材料。"
            )
        return (
            f"{self.people} people have face data stored; filing is required at {self.threshold}."
            if en
            else f"已存储 {self.people} 人的人脸信息；达到 {self.threshold} 人时须备案。"
        )


def filing_status(people: int, threshold: int = FILING_THRESHOLD) -> FilingStatus:
    if people >= threshold:
        level = FilingLevel.MUST_FILE
    elif people * 5 >= threshold * 4:
        level = FilingLevel.WARNING
    else:
        level = FilingLevel.BELOW
    return FilingStatus(people, threshold, level)


def filing_materials(
    *,
    processor: dict[str, str],
    communities: list[dict[str, Any]],
    people: int,
    purpose: str,
    method: str,
    safeguards: list[str],
    notice_text: str,
    assessment: ImpactAssessment | None,
    generated_at: datetime,
) -> dict[str, Any]:
    """The filing materials: basic information, purpose, method, count, safeguards, rules and
    the assessment, as one document to print or attach."""
    return {
        "format": "menwei-filing-materials/1",
        "generated_at": generated_at.isoformat(),
        "basic_information": processor,
        "communities": communities,
        "purpose": purpose,
        "method": method,
        "people_with_face_data": people,
        "filing_status": filing_status(people).level.value,
        "safeguards": safeguards,
        "processing_rules": notice_text,
        "impact_assessment": None
        if assessment is None
        else {k: str(v) for k, v in asdict(assessment).items()},
    }


# -- breach incidents -------------------------------------------------------------------------

INCIDENT_NOTICE_FIELDS: dict[str, tuple[str, str]] = {
    "information_types": ("涉及的个人信息种类", "Kinds of personal information involved"),
    "cause": ("发生的原因", "Cause"),
    "possible_harm": ("可能造成的危害", "Possible harm"),
    "remedial_measures": ("我们采取的补救措施", "Remedial measures we have taken"),
    "what_you_can_do": ("您可以采取的减轻危害的措施", "What you can do to reduce harm"),
    "contact": ("我们的联系方式", "How to contact us"),
}


@dataclass(frozen=True, kw_only=True)
class BreachIncident:
    id: uuid.UUID
    community_id: uuid.UUID
    occurred_at: datetime | None
    discovered_at: datetime
    recorded_by: str
    people_affected: int
    information_types: str
    cause: str
    possible_harm: str
    remedial_measures: str
    what_you_can_do: str
    contact: str


def check_incident(incident: BreachIncident) -> None:
    for name, (zh, en) in INCIDENT_NOTICE_FIELDS.items():
        if not str(getattr(incident, name)).strip():
            raise InvalidIncident(
                message_id="invalid_incident.item_missing",
                values={"item": Bilingual(zh, en)},
                field=name,
            )


def incident_notice(incident: BreachIncident) -> dict[str, str]:
    """Exactly the notice items, no more: what people and the regulator must be told."""
    check_incident(incident)
    return {name: getattr(incident, name) for name in INCIDENT_NOTICE_FIELDS}


def render_incident_notice(incident: BreachIncident, locale: str = "zh-CN") -> str:
    """The notice as plain text in the reader's language."""
    en = locale.lower().startswith("en")
    notice = incident_notice(incident)
    title = "Notice of a personal information incident" if en else "个人信息安全事件告知"
    lines = [title, ""]
    for name, (zh, en_label) in INCIDENT_NOTICE_FIELDS.items():
        lines.append(f"{en_label if en else zh}: {notice[name]}")
    return "\n".join(lines)


def incident_fields() -> list[str]:
    return [f.name for f in fields(BreachIncident)]


_FILING_LABELS = {
    "basic_information": ("处理者基本情况", "Basic information about the processor"),
    "communities": ("应用场所", "Where it is used"),
    "purpose": ("处理目的", "Purpose"),
    "method": ("处理方式", "Method"),
    "people_with_face_data": ("存储人脸信息的人数", "People with face data stored"),
    "safeguards": ("安全保护措施", "Safeguards"),
    "processing_rules": ("处理规则", "Processing rules"),
    "impact_assessment": ("个人信息保护影响评估", "Impact assessment"),
}


#: The labels of the values inside the filing materials' sections; ids are left out.
_FILING_KEYS: dict[str, tuple[str, str]] = {
    "name": ("名称", "Name"),
    "contact": ("联系方式", "Contact"),
    "responsible_person": ("个人信息保护负责人", "Responsible person"),
    "responsible_contact": ("负责人联系方式", "Responsible person's contact"),
    "kind": ("类型", "Kind"),
    "address": ("地址", "Address"),
    "assessed_at": ("评估日期", "Assessed on"),
    "assessor": ("评估人", "Assessor"),
    "keep_until": ("保存至", "Kept until"),
    **ASSESSMENT_FIELDS,
}
_FILING_HIDDEN = frozenset({"id", "community_id"})
_FILING_LEVELS = {
    FilingLevel.BELOW.value: ("未达到备案门槛", "below the filing threshold"),
    FilingLevel.WARNING.value: ("接近备案门槛", "nearing the filing threshold"),
    FilingLevel.MUST_FILE.value: ("须备案", "must file"),
}


def _filing_value(value: Any) -> str:
    """A value as the document prints it: a stored time as its day, anything else as text."""
    text = str(value)
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d")
    except ValueError:
        return text


def render_filing_materials(materials: dict[str, Any], locale: str = "zh-CN") -> str:
    """The filing materials as a plain Markdown document, to print or attach, entirely in the
    reader's language: labelled values, days rather than timestamps, no internal ids."""
    en = locale.lower().startswith("en")

    def label(key: str) -> str:
        zh, en_label = _FILING_KEYS.get(key, (key, key))
        return en_label if en else zh

    def pairs(item: dict[str, Any]) -> list[str]:
        return [
            f"{label(k)}: {_filing_value(v)}" for k, v in item.items() if k not in _FILING_HIDDEN
        ]

    title = "Filing materials: face recognition" if en else "人脸识别技术应用备案材料"
    generated = _filing_value(materials.get("generated_at", ""))
    made = f"Prepared on {generated}" if en else f"生成日期：{generated}"
    lines = [f"# {title}", "", made, ""]
    level = _FILING_LEVELS.get(str(materials.get("filing_status", "")))
    for key, (zh, en_label) in _FILING_LABELS.items():
        lines += [f"## {en_label if en else zh}", ""]
        value = materials.get(key)
        if isinstance(value, dict):
            lines += [f"- {line}" for line in pairs(value)]
        elif isinstance(value, list):
            for item in value:
                lines.append(f"- {'，'.join(pairs(item)) if isinstance(item, dict) else item}")
        else:
            lines.append("—" if value is None else str(value))
        if key == "people_with_face_data" and level is not None:
            lines.append(level[1] if en else level[0])
        lines.append("")
    return "\n".join(lines)
