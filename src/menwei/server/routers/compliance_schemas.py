"""The compliance desk's answers as the API sends them: times as ISO 8601 text, ids as text.

Each schema is built from the service's dataclass by its ``of``; the JSON keeps the shape the
desk has always answered with, so clients read the same fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from menwei.privacy.compliance import ImpactAssessment
from menwei.server.services.compliance import (
    AssessmentQuestion,
    ComplianceStatus,
    Condition,
    FilingCounter,
    IncidentRecorded,
)
from menwei.server.services.face_model import ModelSummary


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


class ConditionPublic(BaseModel):
    """One unmet condition: a stable code and a plain message in each language."""

    code: str
    zh: str
    en: str

    @classmethod
    def of(cls, condition: Condition) -> ConditionPublic:
        return cls(code=condition.code, zh=condition.zh, en=condition.en)


class AssessmentSummaryPublic(BaseModel):
    id: str
    assessed_at: str
    assessor: str
    keep_until: str


class PublicNoticeProgressPublic(BaseModel):
    title: str
    displayed_since: str
    days_served: int
    required_days: int
    ready_at: str


class FaceModelInUse(BaseModel):
    """The configured model and how many of the community's people must enrol again."""

    model_id: str
    people_to_reenrol: int
    people_enrolled: int


class FaceModelProblem(BaseModel):
    """The model folder cannot be used: why, by locale; nothing is counted."""

    model_id: None = None
    people_to_reenrol: None = None
    problem: dict[str, str]


def face_model_public(summary: ModelSummary) -> FaceModelInUse | FaceModelProblem:
    if summary.problem is not None or summary.model_id is None:
        return FaceModelProblem(problem=summary.problem or {})
    return FaceModelInUse(
        model_id=summary.model_id,
        people_to_reenrol=summary.people_to_reenrol or 0,
        people_enrolled=summary.people_enrolled or 0,
    )


class ComplianceStatusPublic(BaseModel):
    """Whether face recognition is on, and every condition still unmet."""

    community_id: str
    face_enabled: bool
    may_activate: bool
    unmet: list[ConditionPublic]
    assessment: AssessmentSummaryPublic | None
    display_days: int
    vote_required: bool
    switched_at: str | None
    public_notice: PublicNoticeProgressPublic | None
    face_model: FaceModelInUse | FaceModelProblem

    @classmethod
    def of(cls, found: ComplianceStatus) -> ComplianceStatusPublic:
        assessment = found.assessment
        notice = found.public_notice
        return cls(
            community_id=str(found.community_id),
            face_enabled=found.face_enabled,
            may_activate=found.may_activate,
            unmet=[ConditionPublic.of(u) for u in found.unmet],
            assessment=None
            if assessment is None
            else AssessmentSummaryPublic(
                id=str(assessment.id),
                assessed_at=assessment.assessed_at.isoformat(),
                assessor=assessment.assessor,
                keep_until=assessment.keep_until.isoformat(),
            ),
            display_days=found.display_days,
            vote_required=found.vote_required,
            switched_at=_iso(found.switched_at),
            public_notice=None
            if notice is None
            else PublicNoticeProgressPublic(
                title=notice.title,
                displayed_since=notice.displayed_since.isoformat(),
                days_served=notice.days_served,
                required_days=notice.required_days,
                ready_at=notice.ready_at.isoformat(),
            ),
            face_model=face_model_public(found.face_model),
        )


class AssessmentQuestionPublic(BaseModel):
    """One item of the assessment form: the field to answer and its question."""

    field: str
    question: str

    @classmethod
    def of(cls, item: AssessmentQuestion) -> AssessmentQuestionPublic:
        return cls(field=item.field, question=item.question)


class AssessmentPublic(BaseModel):
    """A kept impact assessment, with the day it may be discarded."""

    id: str
    community_id: str
    assessed_at: str
    assessor: str
    purpose_and_method: str
    impact_and_risks: str
    safeguards: str
    alternatives_offered: str
    conclusion: str
    keep_until: str

    @classmethod
    def of(cls, assessment: ImpactAssessment) -> AssessmentPublic:
        return cls(
            id=str(assessment.id),
            community_id=str(assessment.community_id),
            assessed_at=assessment.assessed_at.isoformat(),
            assessor=assessment.assessor,
            purpose_and_method=assessment.purpose_and_method,
            impact_and_risks=assessment.impact_and_risks,
            safeguards=assessment.safeguards,
            alternatives_offered=assessment.alternatives_offered,
            conclusion=assessment.conclusion,
            keep_until=assessment.keep_until.isoformat(),
        )


class FilingPublic(BaseModel):
    """The filing counter against the threshold, and the filing materials (data and text)."""

    people_with_face_data: int
    threshold: int
    level: str
    message: str
    materials: dict[str, Any]
    document: str

    @classmethod
    def of(cls, counter: FilingCounter) -> FilingPublic:
        return cls(
            people_with_face_data=counter.people_with_face_data,
            threshold=counter.threshold,
            level=counter.level,
            message=counter.message,
            materials=counter.materials,
            document=counter.document,
        )


class IncidentPublic(BaseModel):
    """A kept incident's id and its notice (the PIPL Art 57 items), as data and as text."""

    incident_id: str
    notice: dict[str, str]
    text: str

    @classmethod
    def of(cls, recorded: IncidentRecorded) -> IncidentPublic:
        return cls(
            incident_id=str(recorded.incident_id), notice=recorded.notice, text=recorded.text
        )
