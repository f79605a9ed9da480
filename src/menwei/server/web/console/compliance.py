"""The office's compliance page: the conditions that gate face recognition, each with ✓ or ✗ and
what to do next; the on/off switch; the filing counter and the filing once made; the impact
assessment form.

The conditions are read from ``services.compliance.status`` and shown generically: the known
ones get a plain name and a next step, and any condition the service adds later is still shown,
with the service's own message, so nothing unmet can be hidden by this page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.privacy.errors import PrivacyError
from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.domain.errors import ApiError
from menwei.server.policy import holds
from menwei.server.services import compliance, filing, privacy
from menwei.server.services import doors as door_service
from menwei.server.services.compliance import Condition
from menwei.server.web.console.frame import community_zone, navigation, render_console
from menwei.server.web.forms import CsrfField
from menwei.server.web.templating import page_locale
from menwei.store.uow import UnitOfWork

PREFIX = "/office/c/{community_id}/compliance"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

ComplianceRead = Annotated[Caller, Depends(InCommunity("compliance:read"))]
ComplianceWrite = Annotated[Caller, Depends(InCommunity("compliance:write"))]
Answer = Annotated[str, Form(max_length=5000)]
DONE = ("on", "off", "assessment", "filing")


@dataclass(frozen=True, slots=True)
class Check:
    """One condition as the page shows it: ``key`` picks its name and next step in the
    template; ``why`` is the service's own message when unmet."""

    key: str
    ok: bool
    why: str = ""


#: Which of the service's unmet codes fail which condition of the page.
_KNOWN = {
    "no_notice": "notice",
    "no_public_notice": "display",
    "notice_too_recent": "display",
    "no_assessment": "assessment",
    "vote_not_passed": "vote",
}


def checks(
    unmet: Sequence[Condition],
    vote_required: bool,
    face_doors_without_alternative: list[str],
    locale: str,
) -> list[Check]:
    """Every condition with ✓ or ✗, in the order the office works through them."""
    why: dict[str, list[str]] = {}
    extra = []
    for condition in unmet:
        text = condition.en if locale == "en" else condition.zh
        key = _KNOWN.get(condition.code)
        if key is None:
            extra.append(Check(f"other:{condition.code}", False, text))
        else:
            why.setdefault(key, []).append(text)
    shown = [
        Check(key, key not in why, " ".join(why.get(key, [])))
        for key in ("notice", "display", "assessment")
    ]
    if vote_required:
        shown.append(Check("vote", "vote" not in why, " ".join(why.get("vote", []))))
    else:
        shown.append(Check("vote_not_required", True))
    shown.append(Check("alternatives", not face_doors_without_alternative))
    return shown + extra


def _doors_without_alternative(uow: UnitOfWork, caller: Caller) -> list[str]:
    """Doors that take a face and nothing else: a resident without consent could not pass."""
    return [
        door.name
        for door in door_service.list_doors(uow, caller)
        if "face" in door.accepts and not set(door.accepts) - {"face"}
    ]


def _saved_assessment(uow: UnitOfWork, caller: Caller) -> dict[str, str] | None:
    """The answers of the latest assessment, so the office can read back what it recorded."""
    from menwei.privacy.compliance import ASSESSMENT_FIELDS

    assert caller.community_id is not None
    with uow:
        found = uow.privacy.compliance.latest_assessment(caller.community_id)
    if found is None:
        return None
    return {field: str(getattr(found, field)) for field in ASSESSMENT_FIELDS}


def _local(at: datetime | None, zone: ZoneInfo) -> str:
    if at is None:
        return ""
    return at.astimezone(zone).strftime("%Y-%m-%d")


def _page(
    request: Request,
    caller: Caller,
    uow: UnitOfWork,
    *,
    done: str = "",
    problem: str = "",
    answers: dict[str, str] | None = None,
    filing_typed: dict[str, str] | None = None,
    filing_problem: str = "",
    status_code: int = 200,
) -> Response:
    locale = page_locale(request)
    found = compliance.status(uow, caller, app_state.owners_votes(request))
    without = _doors_without_alternative(uow, caller)
    zone = community_zone(uow, caller)
    filing_figures = compliance.filing(uow, caller, locale=locale)
    assert caller.community_id is not None  # InCommunity checked the path's community
    with uow:
        processor_id = uow.places.community(caller.community_id, caller.scope).processor_id
    filed = filing.filing_of(uow, processor_id)
    notice = found.public_notice
    assessment = found.assessment
    console = f"/office/c/{caller.community_id}"
    served = {entry["href"] for entry in navigation(request, caller.principal, caller.community_id)}
    go_to = {
        key: console + suffix
        for key, suffix in (("display", "/public-notices"), ("vote", "/votes"))
        if console + suffix in served
    }
    return render_console(
        request,
        caller,
        uow,
        "compliance_page.html",
        status_code=status_code,
        status=found,
        checks=checks(found.unmet, found.vote_required, without, locale),
        without_alternative=without,
        switched_on=_local(found.switched_at, zone),
        assessed_on=_local(assessment.assessed_at if assessment else None, zone),
        keep_until=_local(assessment.keep_until if assessment else None, zone),
        notice_ready=_local(notice.ready_at if notice else None, zone),
        filing=filing_figures,
        filed=filed,
        filing_typed=filing_typed or {"number": "", "filed_on": ""},
        filing_problem=filing_problem,
        today=datetime.now(zone).date().isoformat(),
        questions=compliance.form(locale),
        saved_assessment=_saved_assessment(uow, caller),
        may_write=holds(caller.principal, "compliance:write"),
        answers=answers or {},
        done=done if done in DONE else "",
        problem=problem,
        base=f"/office/c/{caller.community_id}/compliance",
        go_to=go_to,
    )


@router.get("")
def compliance_page(
    caller: ComplianceRead, request: Request, uow: UowDep, done: str = ""
) -> Response:
    """Where the community stands: what still blocks face recognition, and what to do next."""
    return _page(request, caller, uow, done=done[:20])


def _back(caller: Caller, done: str) -> RedirectResponse:
    return RedirectResponse(
        f"/office/c/{caller.community_id}/compliance?done={done}", status_code=303
    )


@router.post("/face-recognition")
def switch_face_recognition(
    caller: ComplianceWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    enabled: Annotated[str, Form(pattern="^(on|off)$")],
) -> Response:
    """On only when every condition holds (else the plain reasons); off at any time."""
    check_csrf(request, csrf)
    try:
        compliance.switch(
            uow,
            caller,
            app_state.owners_votes(request),
            enabled=enabled == "on",
            kit=app_state.privacy_kit(request),
        )
    except PrivacyError as refused:
        problem = refused.message(page_locale(request))
        return _page(request, caller, uow, problem=problem, status_code=409)
    return _back(caller, enabled)


@router.post("/assessment")
def record_assessment(
    caller: ComplianceWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    purpose_and_method: Answer = "",
    impact_and_risks: Answer = "",
    safeguards: Answer = "",
    alternatives_offered: Answer = "",
    conclusion: Answer = "",
) -> Response:
    """Keep the completed assessment (three years at least); a missing answer is named."""
    check_csrf(request, csrf)
    answers = {
        "purpose_and_method": purpose_and_method.strip(),
        "impact_and_risks": impact_and_risks.strip(),
        "safeguards": safeguards.strip(),
        "alternatives_offered": alternatives_offered.strip(),
        "conclusion": conclusion.strip(),
    }
    try:
        compliance.record_assessment(uow, caller, answers)
    except PrivacyError as refused:
        problem = refused.message(page_locale(request))
        return _page(request, caller, uow, problem=problem, answers=answers, status_code=422)
    return _back(caller, "assessment")


@router.post("/filing")
def record_filing(
    caller: ComplianceWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    number: Annotated[str, Form(max_length=200)] = "",
    filed_on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Record the processor's filing number and day; a bad one is named, the form kept."""
    check_csrf(request, csrf)
    try:
        filing.record_filing(
            uow,
            caller,
            number=number,
            filed_on=filed_on,
            at=privacy.now(),
            kit=app_state.privacy_kit(request),
        )
    except ApiError as refused:
        typed = {"number": number[:60], "filed_on": filed_on[:10]}
        text = refused.render(page_locale(request))
        return _page(request, caller, uow, filing_typed=typed, filing_problem=text, status_code=422)
    return _back(caller, "filing")
