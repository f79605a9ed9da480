"""The nine questions residents ask about face recognition at the gate, answered from records.

The public page, each door's poster and anything else that answers a resident read the same
figures from here, so they cannot disagree with one another or with the records: whether face
recognition is on and who decided it, the impact assessment, tailgating at each door, what is
stored and what happens after a breach, who runs the system, the filing, who is responsible,
who supervises, and what to use instead at each door. Nothing here names a person other than
the accountable ones (processor, responsible person, supervising bodies).

The answers are frozen dataclasses holding what a reader sees: times already in the
community's own zone, ids as text, codes the pages word in the reader's language.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from menwei.core import Door
from menwei.core.credential import CredentialKind
from menwei.core.tailgating import HOLD_SECONDS, TailgatingRule
from menwei.privacy.compliance import FILING_THRESHOLD, filing_status
from menwei.server.services.compliance import displayed_notice
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

#: The national citizens' service hotline: it takes complaints about any local body.
CITIZEN_HOTLINE = "12345"
#: The body that files face processors and takes complaints under PIPL Art 60 and 65
#: (省级网信部门); a code, worded by the page in the reader's language.
FILING_AUTHORITY = "provincial_cyberspace_office"
#: How far back the tailgating count looks ("last month").
ALERT_WINDOW = timedelta(days=30)
#: The order non-face ways are listed on the page and the poster.
NON_FACE_ORDER = (CredentialKind.CARD, CredentialKind.PIN, CredentialKind.QR)
#: The zone of a community that names none.
DEFAULT_ZONE = "Asia/Shanghai"


def local(at: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time as people read it in the community's own time zone."""
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(timezone)).strftime(fmt)


@dataclass(frozen=True, slots=True)
class CommunityNamed:
    id: str
    name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class RunningVote:
    """An owners' vote not yet closed: under way (``open_now``) or scheduled."""

    title: str
    opens_at: str
    closes_at: str
    open_now: bool


@dataclass(frozen=True, slots=True)
class NoticePeriod:
    """The public notice (公示) closest to done, and the days it still has to serve."""

    title: str
    since: str
    required_days: int
    days_served: int
    days_left: int
    ready_on: str


@dataclass(frozen=True, slots=True)
class ConsentAnswer:
    """Was it installed without our consent: the switch, the votes and the 公示."""

    switched_at: str
    #: the last closed vote as the governance desk shows it (``result_view``, its ballot
    #: channels, and the days it opened and closed), or ``None`` before any vote closed
    vote: dict[str, Any] | None
    running_votes: tuple[RunningVote, ...]
    notice_period: NoticePeriod | None
    face_enabled: bool
    vote_required: bool


@dataclass(frozen=True, slots=True)
class NecessityAnswer:
    """Is it necessary: the latest impact assessment."""

    assessed_on: str
    assessor: str
    purpose_and_method: str
    impact_and_risks: str
    safeguards: str
    alternatives_offered: str
    conclusion: str


@dataclass(frozen=True, slots=True)
class DoorTailgating:
    """One door's own tailgating rule as its gate applies it, and its recent alerts."""

    id: str
    name: str
    #: only a door with a camera can count the people crossing
    counts_people: bool
    rule: str
    alerts: int


@dataclass(frozen=True, slots=True)
class TailgatingAnswer:
    window_seconds: int
    tolerance: int
    hold_seconds: int
    days: int
    alerts: int
    doors: tuple[DoorTailgating, ...]


@dataclass(frozen=True, slots=True)
class IncidentAnswer:
    """A recorded personal-information incident: when, how many people, what was involved."""

    discovered_on: str
    people_affected: int
    information_types: str
    remedial_measures: str
    what_you_can_do: str


@dataclass(frozen=True, slots=True)
class DataAnswer:
    """What if the data leaks: what is kept, how, and the incidents on record."""

    photos_kept: bool
    templates_encrypted: bool
    per_person_keys: bool
    people_with_face_data: int
    notify: str
    incidents: tuple[IncidentAnswer, ...]


@dataclass(frozen=True, slots=True)
class WhoAnswer:
    processor: str
    processor_kind: str
    gate_devices: int
    legal_basis: str


@dataclass(frozen=True, slots=True)
class FiledAs:
    number: str
    filed_on: str


@dataclass(frozen=True, slots=True)
class FilingAnswer:
    threshold: int
    people: int
    level: str
    authority: str
    filed: FiledAs | None


@dataclass(frozen=True, slots=True)
class ResponsibleAnswer:
    processor: str
    contact: str
    person: str
    person_contact: str


@dataclass(frozen=True, slots=True)
class SupervisionAnswer:
    named_in_notice: str
    bodies: tuple[str, ...]
    hotline: str
    authority: str


@dataclass(frozen=True, slots=True)
class DoorWays:
    """What one door really takes: whether it reads faces, and the other ways, in order."""

    id: str
    name: str
    face: bool
    others: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Answers:
    """The nine answers for one community, with the community they are about."""

    community: CommunityNamed
    consent: ConsentAnswer
    necessity: NecessityAnswer | None
    tailgating: TailgatingAnswer
    data: DataAnswer
    who: WhoAnswer
    filing: FilingAnswer
    responsible: ResponsibleAnswer
    supervision: SupervisionAnswer
    alternatives: tuple[DoorWays, ...]


def answers(uow: UnitOfWork, community_id: uuid.UUID, *, at: datetime) -> Answers:
    """All nine answers for one community at ``at``; unknown community → ``NotFound``."""
    everyone = CommunityScope.all()
    with uow:
        community = uow.places.community(community_id, everyone)
        processor = uow.places.processor(community.processor_id)
        filed = uow.places.filing(processor.id)
        tz = community.timezone or DEFAULT_ZONE
        store = uow.privacy
        settings = store.settings.get(community_id)
        notice = store.notices.current(community_id)
        doors = uow.places.doors(CommunityScope.of([community_id]), community_id=community_id)
        consent = _consent(
            uow,
            community_id,
            at,
            tz,
            settings.display_days,
            face_enabled=uow.face_gate.is_on(community_id),
            vote_required=settings.vote_required,
        )
        assessment = store.compliance.latest_assessment(community_id)
        tailgating = _tailgating(uow, community_id, doors, at)
        people = store.templates.people_with_face_data(processor.id)
        incidents = _incidents(uow, community_id, tz)
        devices = uow.transparency.gate_devices_in_service(community_id)
        supervisors = _supervisors(uow, community_id)
    filing = filing_status(people)
    content = notice.content if notice is not None else None
    return Answers(
        community=CommunityNamed(str(community_id), community.name, tz),
        consent=consent,
        necessity=None
        if assessment is None
        else NecessityAnswer(
            assessed_on=local(assessment.assessed_at, tz, "%Y-%m-%d"),
            assessor=assessment.assessor,
            purpose_and_method=assessment.purpose_and_method,
            impact_and_risks=assessment.impact_and_risks,
            safeguards=assessment.safeguards,
            alternatives_offered=assessment.alternatives_offered,
            conclusion=assessment.conclusion,
        ),
        tailgating=tailgating,
        data=DataAnswer(
            photos_kept=False,
            templates_encrypted=True,
            per_person_keys=True,
            people_with_face_data=people,
            notify="at_once_pipl_art_57",
            incidents=incidents,
        ),
        who=WhoAnswer(
            processor=processor.name,
            processor_kind=str(processor.kind),
            gate_devices=devices,
            legal_basis="separate_consent",
        ),
        filing=FilingAnswer(
            threshold=FILING_THRESHOLD,
            people=people,
            level=filing.level.value,
            authority=FILING_AUTHORITY,
            filed=None if filed is None else FiledAs(filed[0], filed[1].isoformat()),
        ),
        responsible=ResponsibleAnswer(
            processor=processor.name,
            contact=processor.contact,
            person=processor.responsible_person,
            person_contact=content.responsible_contact if content else "",
        ),
        supervision=SupervisionAnswer(
            named_in_notice=content.supervisor if content else "",
            bodies=supervisors,
            hotline=CITIZEN_HOTLINE,
            authority=FILING_AUTHORITY,
        ),
        alternatives=tuple(door_ways(door) for door in doors),
    )


def door_ways(door: Door) -> DoorWays:
    """What one door really takes: whether it reads faces, and the other ways, in order."""
    return DoorWays(
        id=str(door.id),
        name=door.name,
        face=CredentialKind.FACE in door.accepts,
        others=tuple(kind.value for kind in NON_FACE_ORDER if kind in door.accepts),
    )


def _consent(
    uow: UnitOfWork,
    community_id: uuid.UUID,
    at: datetime,
    tz: str,
    display_days: int,
    *,
    face_enabled: bool,
    vote_required: bool,
) -> ConsentAnswer:
    """Who decided, and when: the switches, the last closed vote, running votes, the 公示."""
    from menwei.server.services.governance import channel_view, result_view

    repository = uow.governance
    scope = CommunityScope.of([community_id])
    results = repository.results(scope, community_id)
    closed = {r.proposal_id for r in results}
    running = tuple(
        RunningVote(
            title=p.title,
            opens_at=local(p.opens_at, tz),
            closes_at=local(p.closes_at, tz),
            open_now=p.opens_at <= at < p.closes_at,
        )
        for p in uow.transparency.vote_windows(community_id)
        if p.proposal_id not in closed and at < p.closes_at
    )
    latest = results[-1] if results else None
    switch = uow.face_switches.latest(community_id)
    shown = displayed_notice(uow, community_id, at=at, floor_days=display_days)
    return ConsentAnswer(
        switched_at=local(switch.switched_at, tz) if switch else "",
        vote=None
        if latest is None
        else result_view(latest)
        | channel_view(repository.get_vote(latest.proposal_id, scope))
        | {
            "opens_on": local(latest.opens_at, tz, "%Y-%m-%d"),
            "closed_on": local(latest.closed_at, tz, "%Y-%m-%d"),
        },
        running_votes=running,
        notice_period=None
        if shown is None
        else NoticePeriod(
            title=shown.title,
            since=local(shown.since, tz, "%Y-%m-%d"),
            required_days=shown.required_days,
            days_served=shown.days_served(at),
            days_left=max(0, (shown.ready_at - at).days + (1 if shown.ready_at > at else 0)),
            ready_on=shown.ready_on(),
        ),
        face_enabled=face_enabled,
        vote_required=vote_required,
    )


def _tailgating(
    uow: UnitOfWork, community_id: uuid.UUID, doors: list[Door], at: datetime
) -> TailgatingAnswer:
    """Each door's own rule as its gates apply it, and last month's alerts per door."""
    rule = TailgatingRule()
    counts = uow.transparency.tailgating_alerts_by_door(
        community_id, since=at - ALERT_WINDOW, until=at
    )
    return TailgatingAnswer(
        window_seconds=int(rule.window.total_seconds()),
        tolerance=rule.tolerance,
        hold_seconds=HOLD_SECONDS,
        days=ALERT_WINDOW.days,
        alerts=sum(counts.values()),
        doors=tuple(door_tailgating(door, counts) for door in doors),
    )


def door_tailgating(door: Door, counts: dict[uuid.UUID, int]) -> DoorTailgating:
    """One door's own rule as its gate applies it, and its alerts in ``ALERT_WINDOW``."""
    return DoorTailgating(
        id=str(door.id),
        name=door.name,
        counts_people=door.counts_people,
        rule=door.tailgating_in_effect.value,
        alerts=int(counts.get(door.id, 0)),
    )


def _incidents(uow: UnitOfWork, community_id: uuid.UUID, tz: str) -> tuple[IncidentAnswer, ...]:
    """Recorded personal-information incidents: when, how many people, what was involved."""
    return tuple(
        IncidentAnswer(
            discovered_on=local(r.discovered_at, tz, "%Y-%m-%d"),
            people_affected=r.people_affected,
            information_types=r.information_types,
            remedial_measures=r.remedial_measures,
            what_you_can_do=r.what_you_can_do,
        )
        for r in uow.transparency.incidents(community_id)
    )


def _supervisors(uow: UnitOfWork, community_id: uuid.UUID) -> tuple[str, ...]:
    """The names of the supervising bodies whose accounts oversee this community."""
    accounts = uow.transparency.supervisor_accounts(community_id)
    # An account never given an organisation's name shows only its login: not a body to name.
    return tuple(
        sorted({a.display_name for a in accounts if a.display_name and a.display_name != a.login})
    )
