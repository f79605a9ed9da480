"""The office console's residents, units and households: list, look up, add, edit, move in/out.

Pages under ``/office/c/{community_id}``. Each form is checked here and a refusal is shown on
the same form in plain words, with what was typed kept; nothing is written unless all is valid.
Face data is never shown, only whether consent is in force and a template is held.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from menwei.core import Role as PersonRole
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.policy import holds
from menwei.server.services import credentials, people, places, privacy
from menwei.server.web.console import community_zone, render_console
from menwei.server.web.forms import CsrfField, Text, domain_text, parse_day, parse_uuid
from menwei.server.web.paging import page_count, page_number, pager
from menwei.server.web.templating import page_locale

router = APIRouter(prefix="/office/c/{community_id}", tags=["pages"], include_in_schema=False)

PeopleRead = Annotated[Caller, Depends(InCommunity("people:read"))]
PeopleWrite = Annotated[Caller, Depends(InCommunity("people:write"))]
HouseholdsWrite = Annotated[Caller, Depends(InCommunity("households:write"))]
UnitsRead = Annotated[Caller, Depends(InCommunity("units:read"))]
UnitsWrite = Annotated[Caller, Depends(InCommunity("units:write"))]
BuildingsWrite = Annotated[Caller, Depends(InCommunity("buildings:write"))]

PAGE_SIZE = 50
UNITS_PAGE = 100
ROLES = tuple(PersonRole)

#: what a form can be refused for, in both languages (the page picks the reader's)
MESSAGES: dict[str, tuple[str, str]] = {
    "name": ("请填写姓名（最多 100 个字）。", "Enter the name (at most 100 characters)."),
    "role": ("请选择身份。", "Choose the role."),
    "phone": (
        "电话只能填写数字、空格、+ 和 -，最多 30 位。",
        "A phone number may hold only digits, spaces, + and -, at most 30 characters.",
    ),
    "date_of_birth": (
        "出生日期请按 2012-05-01 的格式填写，且不能晚于今天。",
        "Write the date of birth like 2012-05-01; it cannot be after today.",
    ),
    "day": ("日期请按 2024-05-01 的格式填写。", "Write the date like 2024-05-01."),
    "unit": ("请选择房屋。", "Choose the unit."),
    "building": ("请选择楼栋。", "Choose the building."),
    "building_name": (
        "请填写楼栋名称（最多 100 个字），例如 1 号楼。",
        "Enter the building's name (at most 100 characters), e.g. Building 1.",
    ),
    "number": (
        "请填写户号（最多 50 个字），例如 301。",
        "Enter the unit number (at most 50 characters), e.g. 301.",
    ),
    "entrance": ("单元最多 50 个字。", "The entrance may have at most 50 characters."),
    "area": (
        "面积必须是大于 0 的数字（平方米），最多两位小数，例如 89.5。",
        "The area must be a number of m² above 0 with at most 2 decimals, e.g. 89.5.",
    ),
    "face_data": (
        "此人仍有有效的人脸同意或人脸数据，不能直接删除。请先撤回同意并删除人脸数据"
        "（本人可在“我的数据”中操作），再删除此人。",
        "This person still has consent in force or face data held, so they cannot be deleted "
        "yet. Withdraw the consent and erase the face data first (the resident can do this "
        "under My data), then delete.",
    ),
}


def _say(request: Request, key: str) -> str:
    zh, en = MESSAGES[key]
    return en if page_locale(request) == "en" else zh


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}"


# -- residents --------------------------------------------------------------------------------


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


def _person_form(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    values: dict[str, str],
    person: Any = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    units = places.unit_labels(uow, caller) if person is None else {}
    return render_console(
        request,
        caller,
        uow,
        "people_form.html",
        status_code=status_code,
        person=person,
        values=values,
        error=error,
        roles=ROLES,
        units=units,
        today=date.today().isoformat(),
        base=_base(caller),
    )


def _checked_person(
    request: Request, name: str, role: str, phone: str, date_of_birth: str
) -> tuple[dict[str, object], str | None]:
    """The store's fields from the form, or the first thing to fix."""
    name, phone = name.strip(), phone.strip()
    if not name or len(name) > 100:
        return {}, _say(request, "name")
    if role not in {r.value for r in ROLES}:
        return {}, _say(request, "role")
    if len(phone) > 30 or any(c not in "0123456789+- " for c in phone):
        return {}, _say(request, "phone")
    born = None
    if date_of_birth.strip():
        born = parse_day(date_of_birth)
        if born is None or born > date.today():
            return {}, _say(request, "date_of_birth")
    return {"name": name, "role": PersonRole(role), "phone": phone, "date_of_birth": born}, None


@router.get("/people/new")
def person_new(caller: PeopleWrite, request: Request, uow: UowDep) -> Response:
    return _person_form(request, caller, uow, values={"role": "owner"})


@router.post("/people/new")
def person_create(
    caller: PeopleWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    name: Text = "",
    role: Text = "",
    phone: Text = "",
    date_of_birth: Text = "",
    unit_id: Text = "",
    moved_in: Text = "",
) -> Response:
    """A person, and (optionally) the unit they live in, in one step."""
    check_csrf(request, csrf)
    values = {
        "name": name,
        "role": role,
        "phone": phone,
        "date_of_birth": date_of_birth,
        "unit_id": unit_id,
        "moved_in": moved_in,
    }
    fields, error = _checked_person(request, name, role, phone, date_of_birth)
    unit = None
    day = date.today()
    if error is None and unit_id:
        unit = parse_uuid(unit_id)
        if unit is None or unit not in places.unit_labels(uow, caller):
            error = _say(request, "unit")
        elif moved_in.strip():
            parsed = parse_day(moved_in)
            if parsed is None:
                error = _say(request, "day")
            else:
                day = parsed
    if error is not None:
        return _person_form(request, caller, uow, values=values, error=error, status_code=422)
    person = people.add_person(uow, caller, guardian_id=None, **fields)  # type: ignore[arg-type]
    if unit is not None:
        people.move_in(uow, caller, person.id, unit_id=unit, moved_in=day)
    return RedirectResponse(f"{_base(caller)}/people/{person.id}", status_code=303)


def _declined_on(uow: UowDep, caller: Caller, person_id: uuid.UUID) -> str:
    """The day the person declined face recognition (shown as 不再询问), or ``""``."""
    declined = privacy.do_not_ask(uow, person_id)
    if declined is None:
        return ""
    return declined.astimezone(community_zone(uow, caller)).strftime("%Y-%m-%d")


def _person_page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    person_id: uuid.UUID,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    person = people.get_person(uow, caller, person_id)
    labels = places.unit_labels(uow, caller)
    memberships = people.memberships(uow, caller, person_id)
    held = privacy.face_data_held(uow, person_id)
    kinds: dict[str, int] = {}
    for credential in credentials.of_person(uow, caller, person_id):
        if getattr(getattr(credential, "validity", None), "revoked_at", None) is None:
            kind = type(credential).__name__
            kinds[kind] = kinds.get(kind, 0) + 1
    return render_console(
        request,
        caller,
        uow,
        "people_detail.html",
        status_code=status_code,
        person=person,
        memberships=[
            {"m": m, "label": labels.get(m.unit_id, "?"), "current": m.moved_out is None}
            for m in memberships
        ],
        units=labels,
        credential_kinds=kinds,
        consent_live=held["consent_live"],
        template_held=held["template_held"],
        may_enrol=privacy.may_be_face_enrolled(person),
        declined_on=_declined_on(uow, caller, person_id),
        error=error,
        today=date.today().isoformat(),
        base=_base(caller),
        person_base=f"{_base(caller)}/people/{person_id}",
        may_write=holds(caller.principal, "people:write"),
        may_move=holds(caller.principal, "households:write"),
    )


@router.get("/people/{person_id}")
def person_detail(
    person_id: uuid.UUID, caller: PeopleRead, request: Request, uow: UowDep
) -> Response:
    """Who, where they live, their ways in, and the assisted face-recognition steps."""
    return _person_page(request, caller, uow, person_id)


@router.get("/people/{person_id}/edit")
def person_edit(
    person_id: uuid.UUID, caller: PeopleWrite, request: Request, uow: UowDep
) -> Response:
    person = people.get_person(uow, caller, person_id)
    values = {
        "name": person.name,
        "role": person.role.value,
        "phone": person.phone,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
    }
    return _person_form(request, caller, uow, values=values, person=person)


@router.post("/people/{person_id}/edit")
def person_update(
    person_id: uuid.UUID,
    caller: PeopleWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    name: Text = "",
    role: Text = "",
    phone: Text = "",
    date_of_birth: Text = "",
) -> Response:
    check_csrf(request, csrf)
    person = people.get_person(uow, caller, person_id)
    fields, error = _checked_person(request, name, role, phone, date_of_birth)
    if error is not None:
        values = {"name": name, "role": role, "phone": phone, "date_of_birth": date_of_birth}
        return _person_form(
            request, caller, uow, values=values, person=person, error=error, status_code=422
        )
    people.update_person(uow, caller, person_id, fields)
    return RedirectResponse(f"{_base(caller)}/people/{person_id}", status_code=303)


@router.get("/people/{person_id}/delete")
def person_delete_confirm(
    person_id: uuid.UUID, caller: PeopleWrite, request: Request, uow: UowDep
) -> Response:
    """Deleting asks once more, and says what goes with the person."""
    person = people.get_person(uow, caller, person_id)
    return render_console(
        request,
        caller,
        uow,
        "people_delete.html",
        person=person,
        person_base=f"{_base(caller)}/people/{person_id}",
    )


@router.post("/people/{person_id}/delete")
def person_delete(
    person_id: uuid.UUID, caller: PeopleWrite, request: Request, uow: UowDep, csrf: CsrfField = ""
) -> Response:
    """Refused while face data or consent remains: erasure has its own path, with a receipt."""
    check_csrf(request, csrf)
    people.get_person(uow, caller, person_id)
    held = privacy.face_data_held(uow, person_id)
    if held["consent_live"] or held["template_held"]:
        return _person_page(
            request, caller, uow, person_id, error=_say(request, "face_data"), status_code=409
        )
    people.delete_person(uow, caller, person_id)
    return RedirectResponse(f"{_base(caller)}/people?deleted=1", status_code=303)


@router.post("/people/{person_id}/move-in")
def person_move_in(
    person_id: uuid.UUID,
    caller: HouseholdsWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    unit_id: Text = "",
    moved_in: Text = "",
) -> Response:
    check_csrf(request, csrf)
    unit, day = parse_uuid(unit_id), parse_day(moved_in)
    error = None
    if unit is None or unit not in places.unit_labels(uow, caller):
        error = _say(request, "unit")
    elif day is None:
        error = _say(request, "day")
    else:
        try:
            people.move_in(uow, caller, person_id, unit_id=unit, moved_in=day)
        except Exception as refused:
            error = domain_text(request, refused)
            if error is None or getattr(refused, "code", "") == "not_found":
                raise
    if error is not None:
        return _person_page(request, caller, uow, person_id, error=error, status_code=422)
    return RedirectResponse(f"{_base(caller)}/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/households/{membership_id}/move-out")
def person_move_out(
    person_id: uuid.UUID,
    membership_id: uuid.UUID,
    caller: HouseholdsWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField = "",
    moved_out: Text = "",
) -> Response:
    check_csrf(request, csrf)
    day = parse_day(moved_out)
    error = None
    if day is None:
        error = _say(request, "day")
    else:
        try:
            people.move_out(uow, caller, person_id, membership_id, day)
        except Exception as refused:
            error = domain_text(request, refused)
            if error is None or getattr(refused, "code", "") == "not_found":
                raise
    if error is not None:
        return _person_page(request, caller, uow, person_id, error=error, status_code=422)
    return RedirectResponse(f"{_base(caller)}/people/{person_id}", status_code=303)


# -- units and households ---------------------------------------------------------------------


def _units_page(
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
    return _units_page(request, caller, uow, building=building[:100], page=page[:10])


@router.post("/units/buildings")
def building_create(
    caller: BuildingsWrite, request: Request, uow: UowDep, csrf: CsrfField = "", name: Text = ""
) -> Response:
    check_csrf(request, csrf)
    name = name.strip()
    error = None if 0 < len(name) <= 100 else _say(request, "building_name")
    if error is None:
        try:
            made = places.add_building(uow, caller, name=name)
        except Exception as refused:
            error = domain_text(request, refused)
            if error is None:
                raise
        else:
            return RedirectResponse(f"{_base(caller)}/units?building={made.id}", status_code=303)
    return _units_page(
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
        error = _say(request, "building")
    elif not number or len(number) > 50:
        error = _say(request, "number")
    elif len(entrance) > 50:
        error = _say(request, "entrance")
    elif (
        size is None
        or not size.is_finite()
        or not Decimal(0) < size < Decimal(100_000_000)
        or size.as_tuple().exponent < -2  # type: ignore[operator]
    ):
        error = _say(request, "area")
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
    return _units_page(
        request, caller, uow, building=building_id, error=error, values=values, status_code=422
    )


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
