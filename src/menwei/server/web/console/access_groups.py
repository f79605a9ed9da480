"""The office's access groups: which doors, on which days and hours, for whom; and holidays.

A group's weekly schedule is typed one day a line (see ``console.schedule_form``); on the
community's holidays a group keeps its weekday hours, is closed, or has its own hours.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.core import AccessGroup, Person, TimeWindow
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.policy import holds
from menwei.server.services import doors, groups, people
from menwei.server.web.console.access_forms import (
    CHOOSE_ONE,
    NOT_FOUND,
    REFUSALS,
    message,
    name_problem,
    refusal_text,
)
from menwei.server.web.console.frame import render_console
from menwei.server.web.console.schedule_form import (
    parse_day,
    parse_holidays,
    show_holidays,
    show_windows,
)
from menwei.server.web.forms import CsrfField, Many, Text, parse_uuid, uuids

PREFIX = "/office/c/{community_id}/groups"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

Reading = Annotated[Caller, Depends(InCommunity("groups:read"))]
Writing = Annotated[Caller, Depends(InCommunity("groups:write"))]

HolidayText = Annotated[str, Form(max_length=20_000)]
HOLIDAY_MODES = ("weekdays", "closed", "hours")
DONE = {
    "saved": message("The access group was saved. Gates follow it after their next sync."),
    "deleted": message("The access group was deleted."),
    "member_added": message("The person was added to the group."),
    "member_removed": message("The person was removed from the group."),
    "holidays": message(
        "The holidays were saved. Groups that are closed or have their own hours on holidays "
        "use the new dates, at the gates after their next sync."
    ),
}


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}/groups"


def _people(uow: UowDep, caller: Caller) -> dict[uuid.UUID, Person]:
    found, _ = people.list_people(uow, caller, role=None, name_contains=None, limit=5000, offset=0)
    return {p.id: p for p in found}


@router.get("")
def groups_list(caller: Reading, request: Request, uow: UowDep, done: str = "") -> Response:
    """Each group with its doors and weekly hours."""
    by_id = {d.id: d for d in doors.list_doors(uow, caller)}
    listed = sorted(groups.list_groups(uow, caller), key=lambda g: g.name)
    return render_console(
        request, caller, uow, "groups_list.html",
        groups=[(g, sorted(by_id[d].name for d in g.door_ids if d in by_id)) for g in listed],
        week={g.id: _runs(_week(g)) for g in listed},
        base=_base(caller), done=DONE.get(done[:20], ""),
        can_write=holds(caller.principal, "groups:write"),
    )  # fmt: skip


def _week(group: AccessGroup) -> list[str]:
    return [show_windows(group.schedule.weekly.get(day, ())) for day in range(7)]


def _runs(week: list[str]) -> list[tuple[int, int, str]]:
    """Days with the same hours run together: (first day, last day, hours), Monday = 0."""
    runs: list[tuple[int, int, str]] = []
    for day, hours in enumerate(week):
        if runs and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], day, hours)
        else:
            runs.append((day, day, hours))
    return runs


def _typed_of(uow: UowDep, caller: Caller, group: AccessGroup) -> dict[str, Any]:
    return _typed(group, groups.holiday_windows(uow, caller, group.id))


def _typed(
    group: AccessGroup | None, on_holidays: tuple[TimeWindow, ...] | None = None
) -> dict[str, Any]:
    """The form's fields for ``group``; the holiday mode comes from the group's own holiday
    windows, which are known even while the community has no holiday dates."""
    if group is None:
        return {
            "name": "",
            "doors": set(),
            "days": ["07:00-22:00"] * 5 + ["", ""],
            "holiday_mode": "weekdays",
            "holiday_hours": "",
        }
    mode = "weekdays" if on_holidays is None else ("hours" if on_holidays else "closed")
    return {
        "name": group.name,
        "doors": {str(d) for d in group.door_ids},
        "days": _week(group),
        "holiday_mode": mode,
        "holiday_hours": show_windows(on_holidays) if on_holidays else "",
    }


def _group_or_none(uow: UowDep, caller: Caller, group_id: str) -> AccessGroup | None:
    found = parse_uuid(group_id)
    if found is None:
        return None
    try:
        group = groups.get_group(uow, caller, found)
    except REFUSALS:
        return None
    return group if group.community_id == caller.community_id else None


def _form(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    group: AccessGroup | None,
    typed: dict[str, Any],
    problems: dict[str, Any] | None = None,
    refusal: str = "",
    done: str = "",
    status_code: int = 200,
) -> Response:
    may_see = holds(caller.principal, "people:read")  # the committee sees counts only
    everyone = _people(uow, caller) if may_see else {}
    member_ids = groups.members(uow, caller, group.id) if group else []
    members = sorted((everyone[m] for m in member_ids if m in everyone), key=lambda p: p.name)
    return render_console(
        request, caller, uow, "groups_form.html", status_code=status_code,
        group=group, typed=typed, problems=problems or {}, refusal=refusal,
        doors=sorted(doors.list_doors(uow, caller), key=lambda d: d.name),
        members=members, may_see_members=may_see, member_count=len(member_ids),
        candidates=sorted(
            (p for p in everyone.values() if p.id not in set(member_ids)
             and p.role.value != "visitor"),
            key=lambda p: p.name,
        ),
        base=_base(caller), done=DONE.get(done[:20], ""),
        can_write=holds(caller.principal, "groups:write"),
    )  # fmt: skip


def _absent(request: Request, caller: Caller, uow: UowDep) -> Response:
    return render_console(
        request, caller, uow, "groups_list.html", status_code=404, groups=[], week={},
        base=_base(caller), done="", missing=NOT_FOUND,
        can_write=holds(caller.principal, "groups:write"),
    )  # fmt: skip


@router.get("/holidays")
def holidays_form(caller: Reading, request: Request, uow: UowDep) -> Response:
    return render_console(
        request, caller, uow, "groups_holidays.html",
        typed=show_holidays(groups.holidays(uow, caller)), problem=None, base=_base(caller),
        can_write=holds(caller.principal, "groups:write"),
    )  # fmt: skip


@router.post("/holidays")
def holidays_save(
    caller: Writing, request: Request, uow: UowDep, csrf: CsrfField, days: HolidayText = ""
) -> Response:
    check_csrf(request, csrf)
    found, problem = parse_holidays(days)
    if problem:
        return render_console(
            request, caller, uow, "groups_holidays.html", status_code=422,
            typed=days, problem=problem, base=_base(caller), can_write=True,
        )  # fmt: skip
    groups.set_holidays(uow, caller, found)
    return RedirectResponse(f"{_base(caller)}?done=holidays", status_code=303)


@router.get("/new")
def new_group(caller: Writing, request: Request, uow: UowDep) -> Response:
    return _form(request, caller, uow, group=None, typed=_typed(None))


@router.get("/{group_id}")
def edit_group(
    group_id: str, caller: Reading, request: Request, uow: UowDep, done: str = ""
) -> Response:
    group = _group_or_none(uow, caller, group_id)
    if group is None:
        return _absent(request, caller, uow)
    return _form(request, caller, uow, group=group, typed=_typed_of(uow, caller, group), done=done)


@dataclass
class GroupForm:
    """The group form's fields, as posted; each is checked in ``_save``."""

    name: Text = ""
    door_ids: Many = field(default_factory=list)
    day0: Text = ""
    day1: Text = ""
    day2: Text = ""
    day3: Text = ""
    day4: Text = ""
    day5: Text = ""
    day6: Text = ""
    holiday_mode: Text = "weekdays"
    holiday_hours: Text = ""

    @property
    def days(self) -> list[str]:
        return [self.day0, self.day1, self.day2, self.day3, self.day4, self.day5, self.day6]


Fields = Annotated[GroupForm, Depends()]


def _save(
    request: Request,
    caller: Caller,
    uow: UowDep,
    group: AccessGroup | None,
    form: GroupForm,
) -> Response:
    fields: dict[str, Any] = {
        "name": form.name,
        "door_ids": form.door_ids,
        "holiday_mode": form.holiday_mode,
        "holiday_hours": form.holiday_hours,
    }
    days = form.days
    typed = {
        "name": fields["name"][:200],
        "doors": set(fields["door_ids"]),
        "days": [text[:200] for text in days],
        "holiday_mode": fields["holiday_mode"],
        "holiday_hours": fields["holiday_hours"][:200],
    }
    problems: dict[str, Any] = {}
    if found := name_problem(fields["name"]):
        problems["name"] = found
    door_ids = uuids(fields["door_ids"])
    known = {d.id for d in doors.list_doors(uow, caller)}
    if door_ids is None or not set(door_ids) <= known:
        problems["doors"] = (NOT_FOUND, {})
    weekly: dict[int, list[str]] = {}
    for day, text in enumerate(days):
        windows, problem = parse_day(text)
        if problem:
            problems[f"day{day}"] = problem
        elif windows:
            weekly[day] = windows
    holiday_windows: list[str] | None = None
    if fields["holiday_mode"] not in HOLIDAY_MODES:
        problems["holiday_mode"] = (CHOOSE_ONE, {})
    elif fields["holiday_mode"] == "closed":
        holiday_windows = []
    elif fields["holiday_mode"] == "hours":
        holiday_windows, problem = parse_day(fields["holiday_hours"])
        if problem:
            problems["holiday_hours"] = problem
    if problems:
        return _form(
            request, caller, uow, group=group, typed=typed, problems=problems, status_code=422
        )
    try:
        saved = groups.save_group(
            uow, caller, group_id=group.id if group else None, name=fields["name"].strip(),
            door_ids=frozenset(door_ids or ()), weekly=weekly, holiday_windows=holiday_windows,
        )  # fmt: skip
    except REFUSALS as error:
        text = refusal_text(request, error)
        return _form(request, caller, uow, group=group, typed=typed, refusal=text, status_code=409)
    return RedirectResponse(f"{_base(caller)}/{saved.id}?done=saved", status_code=303)


@router.post("/new")
def add_group(
    caller: Writing, request: Request, uow: UowDep, csrf: CsrfField, fields: Fields
) -> Response:
    check_csrf(request, csrf)
    return _save(request, caller, uow, None, fields)


@router.post("/{group_id}")
def save_group(
    group_id: str, caller: Writing, request: Request, uow: UowDep, csrf: CsrfField, fields: Fields
) -> Response:
    check_csrf(request, csrf)
    group = _group_or_none(uow, caller, group_id)
    if group is None:
        return _absent(request, caller, uow)
    return _save(request, caller, uow, group, fields)


@router.post("/{group_id}/delete")
def delete_group(
    group_id: str, caller: Writing, request: Request, uow: UowDep, csrf: CsrfField
) -> Response:
    check_csrf(request, csrf)
    group = _group_or_none(uow, caller, group_id)
    if group is None:
        return _absent(request, caller, uow)
    try:
        groups.delete_group(uow, caller, group.id)
    except REFUSALS as error:
        text = refusal_text(request, error)
        return _form(request, caller, uow, group=group, typed=_typed_of(uow, caller, group),
                     refusal=text, status_code=409)  # fmt: skip
    return RedirectResponse(f"{_base(caller)}?done=deleted", status_code=303)


@router.post("/{group_id}/members")
def add_member(
    group_id: str, caller: Writing, request: Request, uow: UowDep, csrf: CsrfField,
    person: Text = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    group = _group_or_none(uow, caller, group_id)
    if group is None:
        return _absent(request, caller, uow)
    person_id = parse_uuid(person)
    if person_id is None or person_id not in _people(uow, caller):
        return _form(request, caller, uow, group=group, typed=_typed_of(uow, caller, group),
                     problems={"person": (NOT_FOUND, {})}, status_code=422)  # fmt: skip
    groups.add_members(uow, caller, group.id, [person_id])
    return RedirectResponse(f"{_base(caller)}/{group.id}?done=member_added", status_code=303)


@router.post("/{group_id}/members/{person_id}/remove")
def remove_member(
    group_id: str, person_id: str, caller: Writing, request: Request, uow: UowDep,
    csrf: CsrfField,
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    group = _group_or_none(uow, caller, group_id)
    found = parse_uuid(person_id)
    if group is None or found is None:
        return _absent(request, caller, uow)
    groups.remove_member(uow, caller, group.id, found)
    return RedirectResponse(f"{_base(caller)}/{group.id}?done=member_removed", status_code=303)
