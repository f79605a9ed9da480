"""The compliance desk of a community: activation gate, impact assessment, filing, incidents.

Face recognition is off until the gate's conditions hold; the status names each unmet one.
Whether the owners voted is read from the closed votes on record (``menwei.governance``), unless
the app was given another ``OwnersVoteHook`` as ``app.state.owners_votes``; a community that
does not require a vote is not asked.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import Request

from menwei.governance.activation import OwnersVoteGate
from menwei.privacy.compliance import (
    BreachIncident,
    ImpactAssessment,
    NoVoteRequired,
    OwnersVoteHook,
    activation_conditions,
    assessment_form,
    check_assessment,
    filing_materials,
    filing_status,
    incident_notice,
    render_filing_materials,
    render_incident_notice,
)
from menwei.server.deps import Caller
from menwei.server.services.privacy import DEFAULT_NOTICE, now, staff_account
from menwei.store import privacy_services as ops
from menwei.store.governance_repository import GovernanceRepository
from menwei.store.privacy_repository import PrivacyStore
from menwei.store.scope import CommunityScope
from menwei.store.tables import CommunityRow
from menwei.store.uow import UnitOfWork


def owners_votes(request: Request) -> OwnersVoteHook | None:
    """A hook the app was given (``app.state.owners_votes``), else ``None``: read the ballots."""
    return getattr(request.app.state, "owners_votes", None)


def _recorded_votes(uow: UnitOfWork, community_id: uuid.UUID, at: datetime) -> OwnersVoteHook:
    """The community's closed owners' votes as the activation gate reads them (call in a uow)."""
    results = GovernanceRepository(uow.session).results(
        CommunityScope.of([community_id]), community_id
    )
    return OwnersVoteGate(results, at=at)


def _community(caller: Caller) -> uuid.UUID:
    assert caller.community_id is not None
    return caller.community_id


def status(uow: UnitOfWork, caller: Caller, votes: OwnersVoteHook | None) -> dict[str, Any]:
    """Whether face recognition is on, and every condition still unmet, in both languages."""
    community_id = _community(caller)
    at = now()
    with uow:
        uow.places.community(community_id, caller.scope)
        row = uow.session.get(CommunityRow, community_id)
        face_enabled = bool(row is not None and row.face_enabled)
        store = PrivacyStore(uow.session)
        settings = store.settings.get(community_id)
        assessment = store.compliance.latest_assessment(community_id)
        if votes is None:
            votes = _recorded_votes(uow, community_id, at)
        unmet = activation_conditions(
            community_id=community_id,
            notice_displayed_since=store.notices.first_published_at(community_id),
            assessment=assessment,
            votes=votes if settings.vote_required else NoVoteRequired(),
            now=at,
            display_days=settings.display_days,
        )
    return {
        "community_id": str(community_id),
        "face_enabled": face_enabled,
        "may_activate": not unmet,
        "unmet": [{"code": u.code.value, "zh": u.message_zh, "en": u.message_en} for u in unmet],
        "assessment": None
        if assessment is None
        else {
            "id": str(assessment.id),
            "assessed_at": assessment.assessed_at.isoformat(),
            "assessor": assessment.assessor,
            "keep_until": assessment.keep_until.isoformat(),
        },
        "display_days": settings.display_days,
        "vote_required": settings.vote_required,
    }


def switch(
    uow: UnitOfWork, caller: Caller, votes: OwnersVoteHook | None, *, enabled: bool
) -> dict[str, Any]:
    """On only through the gate (``ActivationRefused`` names what is missing); off at any time."""
    community_id = _community(caller)
    at = now()
    with uow:
        uow.places.community(community_id, caller.scope)
        recorded = votes if votes is not None else _recorded_votes(uow, community_id, at)
    if enabled:
        ops.activate_face_recognition(uow, community_id=community_id, votes=recorded, at=at)
    else:
        with uow:
            row = uow.session.get(CommunityRow, community_id)
            assert row is not None
            row.face_enabled = False
            uow.commit()
    return status(uow, caller, votes)


def form(locale: str) -> list[dict[str, str]]:
    return assessment_form(locale)


def record_assessment(uow: UnitOfWork, caller: Caller, answers: dict[str, str]) -> dict[str, Any]:
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
        PrivacyStore(uow.session).compliance.add_assessment(assessment)
        uow.commit()
    return _plain(asdict(assessment)) | {"keep_until": assessment.keep_until.isoformat()}


def filing(uow: UnitOfWork, caller: Caller, *, locale: str) -> dict[str, Any]:
    """The processor's filing counter and its filing materials, as data and as a document."""
    community_id = _community(caller)
    at = now()
    with uow:
        community = uow.places.community(community_id, caller.scope)
        processor = uow.places.processor(community.processor_id)
        store = PrivacyStore(uow.session)
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
    return {
        "people_with_face_data": counted.people,
        "threshold": counted.threshold,
        "level": counted.level.value,
        "message": counted.message(locale),
        "materials": materials,
        "document": render_filing_materials(materials, locale),
    }


def record_incident(
    uow: UnitOfWork, caller: Caller, fields: dict[str, Any], *, locale: str
) -> dict[str, Any]:
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
        PrivacyStore(uow.session).compliance.add_incident(incident)
        uow.commit()
    return {
        "incident_id": str(incident.id),
        "notice": notice,
        "text": render_incident_notice(incident, locale),
    }


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v
        for k, v in values.items()
    }
