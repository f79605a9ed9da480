"""Compliance for the property office and processor admins: the activation gate, the impact
assessment, switching face recognition on or off, the filing counter and breach notices."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, Field

from menwei.server import app_state
from menwei.server.app_state import privacy_kit
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.errors import request_locale
from menwei.server.routers import API_PREFIX
from menwei.server.routers.compliance_schemas import (
    AssessmentPublic,
    AssessmentQuestionPublic,
    ComplianceStatusPublic,
    FilingPublic,
    IncidentPublic,
)
from menwei.server.schemas import ApiModel
from menwei.server.services import compliance

PREFIX = API_PREFIX + "/communities/{community_id}/compliance"
router = APIRouter(prefix=PREFIX, tags=["compliance"])

ComplianceRead = Annotated[Caller, Depends(InCommunity("compliance:read"))]
ComplianceWrite = Annotated[Caller, Depends(InCommunity("compliance:write"))]
SupervisorOrder = Annotated[Caller, Depends(InCommunity("supervision:order"))]

Answer = Annotated[str, Field(min_length=1, max_length=5000)]


class Assessment(ApiModel):
    """The built-in impact assessment form (PIPL Art 55–56); ``GET …/assessment-form`` words it."""

    purpose_and_method: Answer
    impact_and_risks: Answer
    safeguards: Answer
    alternatives_offered: Answer
    conclusion: Answer


class Switch(ApiModel):
    enabled: bool


class Order(ApiModel):
    """A supervisor's order to stop face recognition, by its reference (文号)."""

    order_reference: Annotated[str, Field(min_length=1, max_length=200)]


class Incident(ApiModel):
    """A personal-information incident; the notice carries exactly the PIPL Art 57 items."""

    occurred_at: AwareDatetime | None = None
    discovered_at: AwareDatetime | None = None
    people_affected: Annotated[int, Field(ge=0, le=100_000_000)]
    information_types: Answer
    cause: Answer
    possible_harm: Answer
    remedial_measures: Answer
    what_you_can_do: Answer
    contact: Answer


@router.get("")
def gate_status(caller: ComplianceRead, request: Request, uow: UowDep) -> ComplianceStatusPublic:
    """Is face recognition on, and which conditions still stand in the way (each named)."""
    found = compliance.status(uow, caller, app_state.owners_votes(request))
    return ComplianceStatusPublic.of(found)


@router.get("/assessment-form")
def assessment_form(caller: ComplianceRead, request: Request) -> list[AssessmentQuestionPublic]:
    return [AssessmentQuestionPublic.of(item) for item in compliance.form(request_locale(request))]


@router.post("/assessment", status_code=201)
def record_assessment(body: Assessment, caller: ComplianceWrite, uow: UowDep) -> AssessmentPublic:
    return AssessmentPublic.of(compliance.record_assessment(uow, caller, body.model_dump()))


@router.post("/face-recognition")
def switch(
    body: Switch, caller: ComplianceWrite, request: Request, uow: UowDep
) -> ComplianceStatusPublic:
    """Switch on (refused, naming every unmet condition) or off (always allowed)."""
    switched = compliance.switch(
        uow,
        caller,
        app_state.owners_votes(request),
        enabled=body.enabled,
        kit=privacy_kit(request),
    )
    return ComplianceStatusPublic.of(switched)


@router.post("/face-recognition/order-off")
def order_off(
    body: Order, caller: SupervisorOrder, request: Request, uow: UowDep
) -> ComplianceStatusPublic:
    """A supervisor orders face recognition off: faces are suspended at once, as for a vote."""
    switched = compliance.switch(
        uow,
        caller,
        app_state.owners_votes(request),
        enabled=False,
        kit=privacy_kit(request),
        order={"order_reference": body.order_reference, "ordered_by": "supervisor"},
    )
    return ComplianceStatusPublic.of(switched)


@router.get("/filing")
def filing(caller: ComplianceRead, request: Request, uow: UowDep) -> FilingPublic:
    """People with face data against the 100,000 filing threshold, and the filing materials."""
    return FilingPublic.of(compliance.filing(uow, caller, locale=request_locale(request)))


@router.post("/incidents", status_code=201)
def record_incident(
    body: Incident, caller: ComplianceWrite, request: Request, uow: UowDep
) -> IncidentPublic:
    fields: dict[str, Any] = body.model_dump()
    discovered: datetime | None = fields.pop("discovered_at")
    if discovered is not None:
        fields["discovered_at"] = discovered
    recorded = compliance.record_incident(uow, caller, fields, locale=request_locale(request))
    return IncidentPublic.of(recorded)
