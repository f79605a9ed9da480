"""The office's passages page: who went through which door, filtered, paged, exported, charted.

Filters arrive as plain query strings and are read here, so a mistyped date or a foreign door
gives the page back with a plain message instead of a bare validation error. Days are the
community's own calendar days (Asia/Shanghai unless configured), and so are the chart's hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from markupsafe import Markup

from menwei.core import Person
from menwei.core.reason import Reason
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import doors as door_service
from menwei.server.services import events, people
from menwei.server.web.charts import Series, bar_chart
from menwei.server.web.console.frame import community_zone, render_console
from menwei.server.web.forms import parse_day, parse_uuid
from menwei.server.web.templating import page_locale, translations
from menwei.store.errors import RecordNotFound
from menwei.store.records import EventFilter
from menwei.store.repositories.events import InvalidPageKey
from menwei.store.uow import UnitOfWork

PREFIX = "/office/c/{community_id}"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

EventsRead = Annotated[Caller, Depends(InCommunity("events:read"))]
EventsExport = Annotated[Caller, Depends(InCommunity("events:export"))]
Text = Annotated[str, Query(max_length=200)]

PAGE_SIZE = 50
FILTER_NAMES = ("from", "to", "door", "outcome", "kind", "person")
OUTCOMES = ("allow", "deny", "tailgating")  # tailgating: the alerts, whatever the outcome
KINDS = ("card", "pin", "qr", "face")


@dataclass
class Filters:
    """What the office asked for, as typed (to fill the form again) and as understood."""

    typed: dict[str, str]
    wanted: EventFilter
    chart_day: date
    problems: list[str] = field(default_factory=list)
    person: Person | None = None
    candidates: list[Person] = field(default_factory=list)

    def query(self, **extra: str) -> str:
        """The filters as a query string, for the next-page, CSV and chart links."""
        kept = {k: v for k, v in self.typed.items() if v} | {k: v for k, v in extra.items() if v}
        return urlencode(kept)


def _local_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def read_filters(
    uow: UnitOfWork, caller: Caller, zone: ZoneInfo, typed: dict[str, str], chart_day: str
) -> Filters:
    """Check each filter; an unreadable one is named in ``problems`` and the search not run."""
    problems: list[str] = []
    since = until = None
    if typed["from"]:
        start = parse_day(typed["from"])
        if start is None:
            problems.append("bad_from")
        else:
            since = _local_start(start, zone)
    if typed["to"]:
        end = parse_day(typed["to"])
        if end is None:
            problems.append("bad_to")
        else:
            until = _local_start(end + timedelta(days=1), zone)
    if since is not None and until is not None and until <= since:
        problems.append("bad_range")
    door_id = None
    if typed["door"]:
        door_id = parse_uuid(typed["door"])
        if door_id is None or door_id not in {d.id for d in door_service.list_doors(uow, caller)}:
            problems.append("bad_door")
    if typed["outcome"] and typed["outcome"] not in OUTCOMES:
        problems.append("bad_outcome")
    if typed["kind"] and typed["kind"] not in KINDS:
        problems.append("bad_kind")
    person, candidates = _person(uow, caller, typed["person"], problems)
    today = datetime.now(zone).date()
    day = today
    if chart_day:
        day = parse_day(chart_day) or today
        if parse_day(chart_day) is None:
            problems.append("bad_day")
    return Filters(
        typed=typed,
        wanted=EventFilter(
            community_id=caller.community_id,
            door_id=door_id,
            person_id=person.id if person else None,
            outcome=typed["outcome"] if typed["outcome"] in ("allow", "deny") else None,
            flag="tailgating" if typed["outcome"] == "tailgating" else None,
            credential_kind=typed["kind"] or None,
            since=since,
            until=until,
        ),
        chart_day=day,
        problems=problems,
        person=person,
        candidates=candidates,
    )


def _person(
    uow: UnitOfWork, caller: Caller, typed: str, problems: list[str]
) -> tuple[Person | None, list[Person]]:
    """A person by ID (links from other pages) or by name; several matches are offered."""
    typed = typed.strip()
    if not typed:
        return None, []
    by_id = parse_uuid(typed)
    if by_id is not None:
        try:
            return people.get_person(uow, caller, by_id), []
        except RecordNotFound:
            problems.append("no_person")
            return None, []
    found, _more = people.list_people(
        uow, caller, role=None, name_contains=typed, limit=10, offset=0
    )
    exact = [p for p in found if p.name == typed]
    if len(exact) == 1:
        return exact[0], []
    if len(found) == 1:
        return found[0], []
    problems.append("many_people" if found else "no_person")
    return None, found


def typed_filters(
    since: Annotated[str, Query(alias="from", max_length=200)] = "",
    to: Text = "",
    door: Text = "",
    outcome: Text = "",
    kind: Text = "",
    person: Text = "",
) -> dict[str, str]:
    """The filter fields as typed, trimmed: what the page, its links and the CSV all read."""
    values = (since, to, door, outcome, kind, person)  # in the order of FILTER_NAMES
    return {name: value.strip() for name, value in zip(FILTER_NAMES, values, strict=True)}


TypedFilters = Annotated[dict[str, str], Depends(typed_filters)]


#: Plain words for what only a gate reports (not a decision of ``core.decide``).
GATE_REASONS: dict[str, tuple[str, str]] = {
    "liveness_failed": (
        "活体检测未通过（疑似照片或屏幕）",
        "The liveness check failed (a photo or a screen?)",
    ),
    "tailgating": (
        "尾随：通过人数多于授权次数",
        "Tailgating: more people crossed than were let in",
    ),
    "door_held_open": ("门长时间未关", "The door was held open"),
    "tailgating_hold": (
        "尾随告警后本门暂停开启",
        "The door stayed shut for a while after a tailgating alert",
    ),
}


def _reason(code: str, locale: str) -> str:
    """The gate's own plain words for a refusal, else the stored code as it is."""
    if code in GATE_REASONS:
        zh, en = GATE_REASONS[code]
        return zh if locale == "zh-CN" else en
    try:
        return Reason(code).message(locale)
    except ValueError:
        return code


def charts(counts: events.DayCounts, locale: str) -> dict[str, Markup]:
    """The two charts of a day (per hour; per credential kind, let through vs refused), with
    titles in ``locale``. The overview page may call this for a small version of its own."""
    _ = translations(locale).gettext
    day = counts.day.isoformat()
    series_names = (_("Let through"), _("Refused"))
    hourly = bar_chart(
        _("Passages per hour on %(day)s") % {"day": day},
        [f"{h:02d}" for h in range(24)],
        [
            Series(series_names[0], [a for a, _d in counts.hours]),
            Series(series_names[1], [d for _a, d in counts.hours]),
        ],
        stacked=True,
        label_every=3,
    )
    labels = kind_labels(locale)
    kinds = list(counts.kinds)
    by_kind = bar_chart(
        _("Passages by credential type on %(day)s") % {"day": day},
        [labels.get(k, k) for k in kinds],
        [
            Series(series_names[0], [counts.kinds[k][0] for k in kinds]),
            Series(series_names[1], [counts.kinds[k][1] for k in kinds]),
        ],
    )
    return {"hourly": hourly, "by_kind": by_kind}


def kind_labels(locale: str) -> dict[str, str]:
    _ = translations(locale).gettext
    return {
        "card": _("Access card"),
        "pin": _("PIN"),
        "qr": _("QR code"),
        "face": _("Face"),
        "none": _("Nothing presented"),
    }


def today_charts(uow: UnitOfWork, caller: Caller, locale: str) -> dict[str, Markup]:
    """Today's two passage charts for this community, e.g. for the overview page."""
    zone = community_zone(uow, caller)
    wanted = EventFilter(community_id=caller.community_id)
    return charts(events.day_counts(uow, caller, wanted, datetime.now(zone).date()), locale)


def _passages(
    caller: Caller,
    request: Request,
    uow: UnitOfWork,
    typed: dict[str, str],
    cursor: str,
    day: str,
) -> Response:
    zone = community_zone(uow, caller)
    locale = page_locale(request)
    filters = read_filters(uow, caller, zone, typed, day)
    found = None
    if not filters.problems:
        try:
            found = events.page(
                uow,
                caller,
                filters.wanted,
                limit=PAGE_SIZE,
                cursor=cursor or None,
                with_total=False,
            )
        except InvalidPageKey:
            filters.problems.append("bad_page")
    counts = None
    drawn = None
    if not filters.problems:
        counts = events.day_counts(uow, caller, filters.wanted, filters.chart_day)
        drawn = charts(counts, locale)
    rows = []
    if found is not None:
        names = people.names_of(uow, caller, {e.person_id for e in found.events if e.person_id})
        door_names = {d.id: d.name for d in door_service.list_doors(uow, caller)}
        rows = [
            {
                "when": e.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                "door": door_names.get(e.door_id, ""),
                "kind": e.credential_kind,
                "person": names.get(e.person_id) if e.person_id else None,
                "outcome": e.outcome,
                "reason": _reason(e.reason_code, locale),
                "liveness": e.liveness,
                "tailgating": e.flag == "tailgating",
            }
            for e in found.events
        ]
    base = request.url.path
    return render_console(
        request,
        caller,
        uow,
        "events_list.html",
        status_code=422 if filters.problems else 200,
        filters=filters,
        doors=door_service.list_doors(uow, caller),
        rows=rows,
        searched=found is not None,
        next_href=f"{base}?{filters.query(cursor=found.next_key, day=day)}"
        if found is not None and found.next_key
        else None,
        first_href=f"{base}?{filters.query(day=day)}" if cursor else None,
        csv_href=f"{base}.csv?{filters.query()}",
        counts=counts,
        charts=drawn,
        kinds=kind_labels(locale),
        chart_day=filters.chart_day.isoformat(),
        zone=str(zone),
    )


@router.get("/events")
def passages(
    caller: EventsRead,
    request: Request,
    uow: UowDep,
    typed: TypedFilters,
    cursor: Text = "",
    day: Text = "",
) -> Response:
    """Newest first, a page at a time, with the chosen day's charts below the list."""
    return _passages(caller, request, uow, typed, cursor.strip(), day.strip())


@router.get("/events.csv")
def passages_csv(
    caller: EventsExport,
    request: Request,
    uow: UowDep,
    typed: TypedFilters,
) -> Response:
    """Every passage matching the filters, streamed as a file Excel opens (UTF-8 with BOM,
    local times, names); unreadable filters give the page back."""
    filters = read_filters(uow, caller, community_zone(uow, caller), typed, "")
    if filters.problems:
        return _passages(caller, request, uow, typed, "", "")
    from menwei.server.web.console import passages_export
    from menwei.store.repositories.events import iter_events

    assert caller.community_id is not None
    zone = community_zone(uow, caller)
    rows = passages_export.readable_csv(
        iter_events(request.app.state.session_factory, filters.wanted, caller.scope),
        doors={door.id: door.name for door in door_service.list_doors(uow, caller)},
        people=passages_export.person_names(uow, caller.community_id),
        zone=zone,
        locale=page_locale(request),
    )
    stamp = datetime.now(zone).strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        rows,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="passages-{stamp}.csv"'},
    )
