"""The community overview, the console's first page: what the office checks each morning.

Each part shows only when the caller's role holds its permission: the community's counts,
today's passage charts, and how many rights requests and residents' questions wait for the
office, each linking to its own section.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from menwei.server import app_state
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.policy import holds
from menwei.server.services import governance, places, rights
from menwei.server.web.console.frame import render_console
from menwei.server.web.console.passages import today_charts
from menwei.server.web.templating import page_locale

router = APIRouter(tags=["pages"], include_in_schema=False)

Overview = Annotated[Caller, Depends(InCommunity("communities:read"))]


@router.get("/office/c/{community_id}")
def community_overview(caller: Overview, request: Request, uow: UowDep) -> Response:
    """Counts the office checks first: places, doors, whether face recognition is on, today's
    passages and what waits for an answer."""
    principal = caller.principal
    stats = places.community_stats(uow, caller) if holds(principal, "communities:stats") else None
    charts = None
    if holds(principal, "events:read"):
        charts = today_charts(uow, caller, page_locale(request))
    open_requests = None
    if holds(principal, "requests:read"):
        open_requests = len(rights.open_in_community(uow, caller))
    unanswered = None
    if holds(principal, "questions:read"):
        unanswered = governance.questions(uow, caller, at=app_state.clock(request)()).open
    return render_console(
        request,
        caller,
        uow,
        "console_overview.html",
        stats=stats,
        charts=charts,
        open_requests=open_requests,
        unanswered=unanswered,
        base=f"/office/c/{caller.community_id}",
    )
