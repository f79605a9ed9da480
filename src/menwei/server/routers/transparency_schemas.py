"""The nine public answers as the API sends them, field for field from the service's dataclasses.

The answers already hold what a reader sees (local times as text, ids as text), so each schema
reads the dataclass's attributes as they are.
"""

from __future__ import annotations

from typing import Any

from menwei.server.schemas import ResponseModel


class CommunityNamedPublic(ResponseModel):
    id: str
    name: str
    timezone: str


class RunningVotePublic(ResponseModel):
    title: str
    opens_at: str
    closes_at: str
    open_now: bool


class NoticePeriodPublic(ResponseModel):
    title: str
    since: str
    required_days: int
    days_served: int
    days_left: int
    ready_on: str


class ConsentAnswerPublic(ResponseModel):
    switched_at: str
    #: the governance desk's view of the last closed vote
    vote: dict[str, Any] | None
    running_votes: list[RunningVotePublic]
    notice_period: NoticePeriodPublic | None
    face_enabled: bool
    vote_required: bool


class NecessityAnswerPublic(ResponseModel):
    assessed_on: str
    assessor: str
    purpose_and_method: str
    impact_and_risks: str
    safeguards: str
    alternatives_offered: str
    conclusion: str


class DoorTailgatingPublic(ResponseModel):
    id: str
    name: str
    counts_people: bool
    rule: str
    alerts: int


class TailgatingAnswerPublic(ResponseModel):
    window_seconds: int
    tolerance: int
    hold_seconds: int
    days: int
    alerts: int
    doors: list[DoorTailgatingPublic]


class IncidentAnswerPublic(ResponseModel):
    discovered_on: str
    people_affected: int
    information_types: str
    remedial_measures: str
    what_you_can_do: str


class DataAnswerPublic(ResponseModel):
    photos_kept: bool
    templates_encrypted: bool
    per_person_keys: bool
    people_with_face_data: int
    notify: str
    incidents: list[IncidentAnswerPublic]


class WhoAnswerPublic(ResponseModel):
    processor: str
    processor_kind: str
    gate_devices: int
    legal_basis: str


class FiledAsPublic(ResponseModel):
    number: str
    filed_on: str


class FilingAnswerPublic(ResponseModel):
    threshold: int
    people: int
    level: str
    authority: str
    filed: FiledAsPublic | None


class ResponsibleAnswerPublic(ResponseModel):
    processor: str
    contact: str
    person: str
    person_contact: str


class SupervisionAnswerPublic(ResponseModel):
    named_in_notice: str
    bodies: list[str]
    hotline: str
    authority: str


class DoorWaysPublic(ResponseModel):
    id: str
    name: str
    face: bool
    others: list[str]


class AnswersPublic(ResponseModel):
    """The nine residents' questions answered from the records."""

    community: CommunityNamedPublic
    consent: ConsentAnswerPublic
    necessity: NecessityAnswerPublic | None
    tailgating: TailgatingAnswerPublic
    data: DataAnswerPublic
    who: WhoAnswerPublic
    filing: FilingAnswerPublic
    responsible: ResponsibleAnswerPublic
    supervision: SupervisionAnswerPublic
    alternatives: list[DoorWaysPublic]
