"""The compliance desk of a community: activation gate, impact assessment, filing, incidents.

Face recognition is off until the gate's conditions hold; the status names each unmet one. The
processing notice must be published, and a public notice (公示) must have been on display on
every channel it requires for its minimum period (and no less than the community's own display
days), as the posting records show. Every switch, on or off, is kept with its time and account
(``face_recognition_switches``) and written to the audit chain.
Whether the owners voted is read from the closed votes on record (``menwei.governance``), unless
the app was given another ``OwnersVoteHook`` as ``app.state.owners_votes``; a community that
does not require a vote is not asked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from menwei.governance.activation import OwnersVoteGate
from menwei.privacy.compliance import (
    BreachIncident,
    ImpactAssessment,
    NoVoteRequired,
    OwnersVoteHook,
    Unmet,
    activation_conditions,
    assessment_form,
    check_assessment,
    filing_materials,
    filing_status,
    incident_notice,
    render_filing_materials,
    render_incident_notice,
)
from menwei.privacy.errors import ActivationRefused
from menwei.server.domain.caller import Caller
from menwei.server.services import face_model
from menwei.server.services.privacy import DEFAULT_NOTICE, now, staff_account
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.server.services.retention_run import tell_face_holders_of_suspension
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork
from menwei.text import Bilingual, Message


def _recorded_votes(uow: UnitOfWork, community_id: uuid.UUID, at: datetime) -> OwnersVoteHook:
    """The community's closed owners' votes as the activation gate reads them (call in a uow)."""
    results = uow.governance.results(CommunityScope.of([community_id]), community_id)
    return OwnersVoteGate(results, at=at)


def _community(caller: Caller) -> uuid.UUID:
    assert caller.community_id is not None
    return caller.community_id


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition still unmet, with its code and a plain message in both languages."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class DisplayedNotice:
    """The public notice closest to serving its display period, as the gate reads it."""

    title: str
    since: datetime
    required_days: int
    ready_at: datetime
    timezone: str

    def days_served(self, at: datetime) -> int:
        return max(0, (at - self.since).days)

    def ready_on(self) -> str:
        return f"{self.ready_at.astimezone(ZoneInfo(self.timezone)):%Y-%m-%d}"


def displayed_notice(
    uow: UnitOfWork, community_id: uuid.UUID, *, at: datetime, floor_days: int
) -> DisplayedNotice | None:
    """Of the public notices on display at ``at`` on every channel they require, the one that
    completes its period first; ``None`` when none is up (call inside a uow).

    A notice's period is its own minimum display days, never less than ``floor_days``.
    """
    found = uow.governance.notices(CommunityScope.of([community_id]), community_id)
    running = []
    for notice in found:
        since = notice.displayed_since(at)
        if since is None:
            continue
        days = max(notice.minimum_days, floor_days)
        ready = since + timedelta(days=days)
        running.append(DisplayedNotice(notice.title, since, days, ready, notice.timezone))
    return min(running, key=lambda shown: shown.ready_at, default=None)


def _condition(code: str, message: Message) -> Condition:
    """An unmet condition, its words from the catalogue."""
    return Condition(code, message.render("zh-CN"), message.render("en"))


def _notice_conditions(shown: DisplayedNotice | None, at: datetime) -> list[Condition]:
    if shown is None:
        return [_condition("no_public_notice", Message("no_public_notice"))]
    if at < shown.ready_at:
        served = shown.days_served(at)
        return [
            _condition(
                Unmet.NOTICE_TOO_RECENT.value,
                Message.of(
                    "public_notice_too_recent",
                    title=shown.title,
                    served=served,
                    required=shown.required_days,
                    ready_on=shown.ready_on(),
                ),
            )
        ]
    return []


def activation_unmet(
    uow: UnitOfWork, community_id: uuid.UUID, votes: OwnersVoteHook, at: datetime
) -> list[Condition]:
    """Every condition standing between the community and face recognition (call in a uow).

    The processing notice must be published (``no_notice``); its display is read from the
    public notices and their posting records, not from its publication date.
    """
    store = uow.privacy
    settings = store.settings.get(community_id)
    published = store.notices.first_published_at(community_id)
    privacy_side = activation_conditions(
        community_id=community_id,
        notice_displayed_since=None if published is None else min(published, at),
        assessment=store.compliance.latest_assessment(community_id),
        votes=votes if settings.vote_required else NoVoteRequired(),
        now=at,
        display_days=0,  # the display period is the public notice's, checked below
    )
    shown = displayed_notice(uow, community_id, at=at, floor_days=settings.display_days)
    conditions = [Condition(u.code.value, u.message_zh, u.message_en) for u in privacy_side]
    no_notice = [c for c in conditions if c.code == Unmet.NO_NOTICE.value]
    others = [c for c in conditions if c.code not in _NOTICE_CODES]
    return no_notice + _notice_conditions(shown, at) + others


_NOTICE_CODES = frozenset({Unmet.NO_NOTICE.value, Unmet.NOTICE_TOO_RECENT.value})


@dataclass(frozen=True, slots=True)
class AssessmentOnRecord:
    """The latest impact assessment, as the desk names it (kept until ``keep_until``)."""

    id: uuid.UUID
    assessed_at: datetime
    assessor: str
    keep_until: datetime


@dataclass(frozen=True, slots=True)
class NoticeProgress:
    """How far the public notice closest to done has served its display period."""

    title: str
    displayed_since: datetime
    days_served: int
    required_days: int
    ready_at: datetime


@dataclass(frozen=True, slots=True)
class ComplianceStatus:
    """Whether face recognition is on, and what still stands in the way of switching it on."""

    community_id: uuid.UUID
    face_enabled: bool
    may_activate: bool
    unmet: tuple[Condition, ...]
    assessment: AssessmentOnRecord | None
    display_days: int
    vote_required: bool
    switched_at: datetime | None
    public_notice: NoticeProgress | None
    #: the recognition model in use, and how many people's templates another one made:
    #: those are not used at the gates until the person enrols again
    face_model: face_model.ModelSummary


def status(uow: UnitOfWork, caller: Caller, votes: OwnersVoteHook | None) -> ComplianceStatus:
    """Whether face recognition is on, and every condition still unmet, in both languages."""
    community_id = _community(caller)
    at = now()
    with uow:
        uow.places.community(community_id, caller.scope)
        face_enabled = uow.face_gate.is_on(community_id)
        settings = uow.privacy.settings.get(community_id)
        assessment = uow.privacy.compliance.latest_assessment(community_id)
        if votes is None:
            votes = _recorded_votes(uow, community_id, at)
        unmet = activation_unmet(uow, community_id, votes, at)
        shown = displayed_notice(uow, community_id, at=at, floor_days=settings.display_days)
        switched = uow.face_switches.latest(community_id)
    models = face_model.community_summary(uow, community_id)
    return ComplianceStatus(
        community_id=community_id,
        face_enabled=face_enabled,
        may_activate=not unmet,
        unmet=tuple(unmet),
        assessment=None
        if assessment is None
        else AssessmentOnRecord(
            assessment.id, assessment.assessed_at, assessment.assessor, assessment.keep_until
        ),
        display_days=settings.display_days,
        vote_required=settings.vote_required,
        switched_at=None if switched is None else switched.switched_at,
        public_notice=None
        if shown is None
        else NoticeProgress(
            shown.title, shown.since, shown.days_served(at), shown.required_days, shown.ready_at
        ),
        face_model=models,
    )


def switch(
    uow: UnitOfWork,
    caller: Caller,
    votes: OwnersVoteHook | None,
    *,
    enabled: bool,
    kit: PrivacyKit | None = None,
    order: dict[str, str] | None = None,
) -> ComplianceStatus:
    """On only through the gate (``ActivationRefused`` names what is missing); off at any time.

    Off suspends faces at once everywhere (gates drop templates at their next sync), tells each
    person with face data in their own log, and leaves the erasure to maintenance after the
    community's ``face_off_days``. ``order`` names a supervisor's order when it is one.

    The switch is kept with its time and account, and, given the ``kit``, written to the audit
    chain; switching to the state already in force records nothing.
    """
    community_id = _community(caller)
    at = now()
    with uow:
        uow.places.community(community_id, caller.scope)
        if enabled:
            recorded = votes if votes is not None else _recorded_votes(uow, community_id, at)
            unmet = activation_unmet(uow, community_id, recorded, at)
            if unmet:
                raise ActivationRefused(
                    message_id="activation_unmet",
                    values={
                        "conditions": Bilingual(
                            "；".join(u.zh for u in unmet), " ".join(u.en for u in unmet)
                        )
                    },
                    unmet=[u.code for u in unmet],
                )
        by = staff_account(caller)
        changed = uow.face_gate.switch(community_id, enabled=enabled, at=at, by=by)
        if changed and kit is not None:
            kit.chain(uow.privacy).append(
                at=at,
                actor=f"staff:{by}",
                action=FACE_ON if enabled else FACE_OFF,
                community_id=community_id,
                detail={"enabled": enabled, **(order or {})},
            )
            if not enabled:
                tell_face_holders_of_suspension(
                    uow, kit, community_id=community_id, at=at, actor=f"staff:{by}"
                )
        uow.commit()
    return status(uow, caller, votes)


#: Audit actions of the switch (community-wide: no person is the subject).
FACE_ON = "face_recognition_on"
FACE_OFF = "face_recognition_off"


@dataclass(frozen=True, slots=True)
class AssessmentQuestion:
    """One item of the impact assessment: the answer's field and its question."""

    field: str
    question: str


def form(locale: str) -> list[AssessmentQuestion]:
    """The assessment's questions in ``locale``, as the privacy room words them."""
    return [AssessmentQuestion(q["field"], q["question"]) for q in assessment_form(locale)]


def record_assessment(uow: UnitOfWork, caller: Caller, answers: dict[str, str]) -> ImpactAssessment:
    """Keep a completed impact assessment (kept at least three years)."""
    community_id = _community(caller)
    assessment = ImpactAssessment(
        id=uuid.uuid4(),
        community_id=community_id,
        assessed_at=now(),
        assessor=staff_account(caller),
        **answers,
    )
    check_assessment(assessment)
    with uow:
        uow.places.community(community_id, caller.scope)
        uow.privacy.compliance.add_assessment(assessment)
        uow.commit()
    return assessment


@dataclass(frozen=True, slots=True)
class FilingCounter:
    """The processor's people with face data against the filing threshold, and its materials."""

    people_with_face_data: int
    threshold: int
    level: str
    message: str
    #: the filing materials as ``menwei.privacy.compliance.filing_materials`` lays them out
    materials: dict[str, Any]
    document: str


def filing(uow: UnitOfWork, caller: Caller, *, locale: str) -> FilingCounter:
    """The processor's filing counter and its filing materials, as data and as a document."""
    community_id = _community(caller)
    at = now()
    with uow:
        community = uow.places.community(community_id, caller.scope)
        processor = uow.places.processor(community.processor_id)
        store = uow.privacy
        people = store.templates.people_with_face_data(processor.id)
        notice = store.notices.current(community_id)
        assessment = store.compliance.latest_assessment(community_id)
    counted = filing_status(people)
    materials = filing_materials(
        processor={
            "name": processor.name,
            "contact": processor.contact,
            "responsible_person": processor.responsible_person,
        },
        communities=[{"name": community.name, "id": str(community.id)}],
        people=people,
        purpose=notice.content.purpose if notice else DEFAULT_NOTICE["purpose"],
        method=notice.content.method if notice else DEFAULT_NOTICE["method"],
        safeguards=[
            "AES-256-GCM envelope encryption, one key per person",
            "keys kept outside the database",
            "no images stored",
            "hash-chained audit log with signed checkpoints",
            "signed deletion receipts",
        ],
        notice_text=notice.render(locale) if notice else "",
        assessment=assessment,
        generated_at=at,
    )
    return FilingCounter(
        people_with_face_data=counted.people,
        threshold=counted.threshold,
        level=counted.level.value,
        message=counted.message(locale),
        materials=materials,
        document=render_filing_materials(materials, locale),
    )


@dataclass(frozen=True, slots=True)
class IncidentRecorded:
    """A kept incident and its notice: the PIPL Art 57 items, as data and as text."""

    incident_id: uuid.UUID
    notice: dict[str, str]
    text: str


def record_incident(
    uow: UnitOfWork, caller: Caller, fields: dict[str, Any], *, locale: str
) -> IncidentRecorded:
    """Keep a breach incident and produce its notice (exactly the PIPL Art 57 items)."""
    community_id = _community(caller)
    incident = BreachIncident(
        id=uuid.uuid4(),
        community_id=community_id,
        recorded_by=staff_account(caller),
        discovered_at=fields.pop("discovered_at", None) or now(),
        **fields,
    )
    notice = incident_notice(incident)
    with uow:
        uow.places.community(community_id, caller.scope)
        uow.privacy.compliance.add_incident(incident)
        uow.commit()
    return IncidentRecorded(incident.id, notice, render_incident_notice(incident, locale))
