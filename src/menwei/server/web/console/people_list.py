"""The office's list of residents: by name, optionally only those living in matching units."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.policy import holds
from menwei.server.services import people
from menwei.server.web.console.frame import render_console
from menwei.server.web.paging import page_count, page_number, pager

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

PeopleRead = Annotated[Caller, Depends(InCommunity("people:read"))]

PAGE_SIZE = 50


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}"


@router.get("/people")
def people_list(
    caller: PeopleRead,
    request: Request,
    uow: UowDep,
    q: str = "",
    unit: str = "",
    page: str = "1",
    deleted: str = "",
) -> Response:
    """Residents by name, optionally only those living in units that match; 50 to a page."""
    q, unit = q.strip()[:100], unit.strip()[:100]
    number = page_number(page)
    entries, more, total = people.roster(
        uow,
        caller,
        name_contains=q or None,
        unit_contains=unit or None,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )

    def page_link(n: int) -> str:
        query = {k: v for k, v in (("q", q), ("unit", unit)) if v}
        return f"{_base(caller)}/people?{urlencode({**query, 'page': n})}"

    return render_console(
        request,
        caller,
        uow,
        "people_list.html",
        entries=entries,
        total=total,
        q=q,
        unit=unit,
        page=number,
        pages=page_count(total, PAGE_SIZE),
        pager_links=pager(number, page_link, more=more),
        deleted=deleted == "1",
        may_write=holds(caller.principal, "people:write"),
        base=_base(caller),
    )
