"""The office's units and households: the buildings, the units of one of them with who lives
there, and one unit's page. Household members are shown only to those who may read them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.policy import holds
from menwei.server.services import places
from menwei.server.web.console.frame import render_console
from menwei.server.web.paging import page_count, page_number, pager

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

UnitsRead = Annotated[Caller, Depends(InCommunity("units:read"))]

UNITS_PAGE = 100


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}"


def units_page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    building: str = "",
    page: str = "1",
    error: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The units page, with ``error`` and what was typed when a form on it was refused."""
    buildings = places.list_buildings(uow, caller)
    chosen = next((b for b in buildings if str(b.id) == building), None)
    if chosen is None and buildings:
        chosen = buildings[0]
    every = places.list_units(uow, caller, building_id=chosen.id) if chosen else []
    every.sort(key=lambda u: (places.natural(u.entrance), places.natural(u.number)))
    pages = page_count(len(every), UNITS_PAGE)
    number = min(page_number(page), pages)
    units = every[(number - 1) * UNITS_PAGE : number * UNITS_PAGE]

    def page_link(n: int) -> str:
        query = {"building": str(chosen.id) if chosen else "", "page": n}
        return f"{_base(caller)}/units?{urlencode(query)}"

    may_see_people = holds(caller.principal, "households:read")
    residents = (
        places.households(uow, caller, [u.id for u in units], date.today())
        if may_see_people
        else {}
    )
    return render_console(
        request,
        caller,
        uow,
        "units_list.html",
        status_code=status_code,
        buildings=buildings,
        chosen=chosen,
        units=units,
        residents=residents,
        may_see_people=may_see_people,
        may_add_building=holds(caller.principal, "buildings:write"),
        may_add_unit=holds(caller.principal, "units:write"),
        page=number,
        pages=pages,
        pager_links=pager(number, page_link, pages=pages),
        error=error,
        values=values or {},
        base=_base(caller),
    )


@router.get("/units")
def units_list(
    caller: UnitsRead, request: Request, uow: UowDep, building: str = "", page: str = "1"
) -> Response:
    """Buildings, and the units of one of them (100 to a page) with who lives there."""
    return units_page(request, caller, uow, building=building[:100], page=page[:10])


@router.get("/units/{unit_id}")
def unit_detail(unit_id: uuid.UUID, caller: UnitsRead, request: Request, uow: UowDep) -> Response:
    """One unit and its household (members shown to those who may read households)."""
    unit = places.get_unit(uow, caller, unit_id)
    label = places.unit_labels(uow, caller).get(unit.id, unit.number)
    may_see_people = holds(caller.principal, "households:read")
    members = (
        places.households(uow, caller, [unit.id], date.today())[unit.id] if may_see_people else []
    )
    return render_console(
        request,
        caller,
        uow,
        "units_detail.html",
        unit=unit,
        label=label,
        members=members,
        may_see_people=may_see_people,
        may_open_people=holds(caller.principal, "people:read"),
        base=_base(caller),
    )
