"""The office console's frame: where each role lands after sign-in, and the navigation of its pages.

Every console page lives under ``/office/c/{community_id}/…`` and extends ``console_base.html``,
whose navigation lists only the sections the caller's role holds (from the one policy table) and
that this installation serves, so nobody is shown a link that would answer 403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from menwei.server.deps import Caller, Permit, UowDep, route_table
from menwei.server.policy import AccountRole, Principal, holds
from menwei.server.services import places
from menwei.server.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

Communities = Annotated[Caller, Depends(Permit("communities:read"))]


@dataclass(frozen=True, slots=True)
class Section:
    """One entry of the console's navigation: ``/office/c/{id}`` + ``suffix``."""

    suffix: str
    label: str  # a msgid, translated in the template
    permission: str


#: The console's sections, in the order the office works through them.
SECTIONS: tuple[Section, ...] = (
    Section("", "Overview", "communities:read"),
    Section("/people", "Residents", "people:read"),
    Section("/units", "Units and households", "units:read"),
    Section("/import", "Import", "imports:write"),
    Section("/credentials", "Credentials", "credentials:read"),
    Section("/doors", "Doors and barriers", "doors:read"),
    Section("/groups", "Access groups", "groups:read"),
    Section("/devices", "Devices", "devices:read"),
    Section("/events", "Passages", "events:read"),
    Section("/requests", "Rights requests", "requests:read"),
    Section("/notice", "Processing notice", "notices:write"),
    Section("/compliance", "Compliance", "compliance:read"),
    Section("/votes", "Owners' votes", "votes:read"),
    Section("/public-notices", "Public notices", "public_notices:read"),
    Section("/questions", "Questions", "questions:read"),
)

_CONSOLE_ROLES = frozenset(
    {
        AccountRole.PLATFORM_ADMIN,
        AccountRole.PROCESSOR_ADMIN,
        AccountRole.COMMUNITY_STAFF,
        AccountRole.COMMITTEE_MEMBER,
    }
)


def landing_path(role: AccountRole | str) -> str:
    """Where a person goes after signing in: residents to their own page, supervisors to the
    district view, everyone else to the console."""
    if role == AccountRole.RESIDENT:
        return "/my"
    if role == AccountRole.SUPERVISOR:
        return "/supervision"
    return "/office"


def _served_paths(request: Request) -> frozenset[str]:
    """The paths this app serves, read once from its route table."""
    state = request.app.state
    served = getattr(state, "console_paths", None)
    if served is None:
        served = frozenset(entry.path for entry in route_table(request.app))
        state.console_paths = served
    return served


def navigation(request: Request, principal: Principal, community_id: uuid.UUID) -> list[dict]:
    """The sections this caller may open in this community, marking the one being shown."""
    served = _served_paths(request)
    base = f"/office/c/{community_id}"
    here = request.url.path
    entries = []
    for section in SECTIONS:
        if not holds(principal, section.permission):
            continue
        if "/office/c/{community_id}" + section.suffix not in served:
            continue
        href = base + section.suffix
        current = here == href or (section.suffix != "" and here.startswith(href + "/"))
        entries.append({"href": href, "label": section.label, "current": current})
    return entries


def community_zone(uow: UowDep, caller: Caller) -> ZoneInfo:
    """The community's own time zone, in which the office reads every time and day."""
    return ZoneInfo(places.get_community(uow, caller).timezone)


def render_console(
    request: Request,
    caller: Caller,
    uow: UowDep,
    template: str,
    status_code: int = 200,
    **context: object,
) -> Response:
    """Render a console page with its navigation and the community's name in the header."""
    assert caller.community_id is not None
    community = places.get_community(uow, caller)
    return render(
        request,
        template,
        status_code=status_code,
        community=community,
        nav=navigation(request, caller.principal, caller.community_id),
        **context,
    )


@router.get("/office")
def office_home(caller: Communities, request: Request, uow: UowDep) -> Response:
    """The communities this account reaches; with only one, straight to it."""
    if caller.principal.role not in _CONSOLE_ROLES:
        return RedirectResponse(landing_path(caller.principal.role), status_code=303)
    reachable = places.list_communities(uow, caller)
    if len(reachable) == 1:
        return RedirectResponse(f"/office/c/{reachable[0].id}", status_code=303)
    return render(request, "console_home.html", communities=reachable)
