"""Adding a building or a unit from the office's units page. Each form is checked here and a
refusal is shown on the units page with what was typed kept; nothing is written unless all is
valid."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import places
from menwei.server.web.console.people_refusals import say
from menwei.server.web.console.units import units_page
from menwei.server.web.forms import CsrfField, Text, domain_text, parse_uuid

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

UnitsWrite = Annotated[Caller, Depends(InCommunity("units:write"))]
BuildingsWrite = Annotated[Caller, Depends(InCommunity("buildings:write"))]


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}"


@router.post("/units/buildings")
def building_create(
    caller: BuildingsWrite, request: Request, uow: UowDep, csrf: CsrfField = "", name: Text = ""
) -> Response:
    check_csrf(request, csrf)
    name = name.strip()
    error = None if 0 < len(name) <= 100 else say(request, "people_form.building_name")
    if error is None:
        try:
            made = places.add_building(uow, caller, name=name)
        except Exception as refused:
            error = domain_text(request, refused)
            if error is None:
                raise
        else:
            return RedirectResponse(f"{_base(caller)}/units?building={made.id}", status_code=303)
    return units_page(
        request, caller, uow, error=error, values={"building_name": name}, status_code=422
    )


@router.post("/units")
def unit_create(
    caller: UnitsWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    building_id: Text = "",
    entrance: Text = "",
    number: Text = "",
    area: Text = "",
) -> Response:
    check_csrf(request, csrf)
    entrance, number, area = entrance.strip(), number.strip(), area.strip().removesuffix("㎡")
    values = {"building_id": building_id, "entrance": entrance, "number": number, "area": area}
    building = parse_uuid(building_id)
    known = {b.id for b in places.list_buildings(uow, caller)}
    size: Decimal | None = None
    try:
        size = Decimal(area.strip())
    except InvalidOperation:
        size = None
    error = None
    if building is None or building not in known:
        error = say(request, "people_form.building")
    elif not number or len(number) > 50:
        error = say(request, "people_form.number")
    elif len(entrance) > 50:
        error = say(request, "people_form.entrance")
    elif (
        size is None
        or not size.is_finite()
        or not Decimal(0) < size < Decimal(100_000_000)
        or size.as_tuple().exponent < -2  # type: ignore[operator]
    ):
        error = say(request, "people_form.area")
    if error is None:
        assert building is not None and size is not None
        try:
            places.add_unit(
                uow,
                caller,
                building_id=building,
                number=number,
                floor_area_m2=size,
                entrance=entrance,
            )
        except Exception as refused:
            error = domain_text(request, refused)
            if error is None:
                raise
        else:
            return RedirectResponse(f"{_base(caller)}/units?building={building}", status_code=303)
    return units_page(
        request, caller, uow, building=building_id, error=error, values=values, status_code=422
    )
