"""The office's and the committee's pages for owners' votes: publish a proposal (lasting at
least the installation's minimum), follow the count, enter paper ballots, close the vote.

The committee and the office hold ``votes:write``, so these pages ask for it even to read:
residents hold ``votes:read`` for their own ballot page (``/my/votes``), never for the office's.
Only the owners' committee holds ``ballots:record`` and enters paper ballots, each with the
number on its paper. Only aggregates are shown here, split online and paper; who voted what is
shown only to those holding ``ballots:read``.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.governance import GovernanceError
from menwei.server import app_state
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.errors import request_locale, status_of
from menwei.server.policy import holds
from menwei.server.services import governance as service
from menwei.server.services.governance_views import ProposalView
from menwei.server.web.console.frame import render_console
from menwei.server.web.forms import CsrfField, FormProblem, translated
from menwei.server.web.templating import page_locale

PREFIX = "/office/c/{community_id}/votes"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

VotesOffice = Annotated[Caller, Depends(InCommunity("votes:write"))]
BallotsRecord = Annotated[Caller, Depends(InCommunity("ballots:record"))]
Short = Annotated[str, Form(max_length=400)]
Long = Annotated[str, Form(max_length=60_000)]

#: Times in forms are the community's wall-clock time.
LOCAL = ZoneInfo("Asia/Shanghai")
#: Stored when a proposal adopts no notice (the domain wants some text).
NO_NOTICE = "-"
RULES = ("ordinary", "art278_items_6_to_8")
SUBJECTS = ("face_recognition", "other")
CHOICES = ("approve", "oppose", "abstain")


def local_time(value: str, msgid: str) -> datetime:
    """A ``datetime-local`` field, read as the community's time."""
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=LOCAL)
    except ValueError:
        raise FormProblem(msgid) from None


def local_input(moment: datetime) -> str:
    """A moment as a ``datetime-local`` field shows it."""
    return moment.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


def local_text(iso: str | None) -> str:
    """A stored ISO time as people read it, in the community's time."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def is_between(now: datetime, proposal: ProposalView) -> bool:
    """Whether voting is open at ``now`` by the proposal's window."""
    opens = datetime.fromisoformat(proposal.opens_at)
    return opens <= now < datetime.fromisoformat(proposal.closes_at)


def window_text(proposal: ProposalView) -> str:
    """The voting window as people read it, in the community's time."""
    return f"{local_text(proposal.opens_at)} – {local_text(proposal.closes_at)}"


def _base(caller: Caller) -> str:
    return f"/office/c/{caller.community_id}/votes"


def _list_page(
    request: Request,
    caller: Caller,
    uow: UowDep,
    *,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    now = app_state.clock(request)()
    found = [
        asdict(item)
        | {
            "window": window_text(item),
            "open_now": not item.closed and is_between(now, item),
        }
        for item in service.proposals(uow, caller)
    ]
    defaults = {
        "title": "",
        "full_text": "",
        "notice_text": "",
        "opens_at": local_input(now),
        "closes_at": "",
        "rule": "ordinary",
        "subject": "face_recognition",
    }
    return render_console(
        request,
        caller,
        uow,
        "votes_list.html",
        status_code=status_code,
        proposals=found,
        base=_base(caller),
        error=error,
        form=defaults | (form or {}),
        now=now,
        minimum_days=app_state.minimum_voting_days(request),
    )


@router.get("")
def votes_list(caller: VotesOffice, request: Request, uow: UowDep) -> Response:
    """Every proposal, newest first, and the form to publish a new one."""
    return _list_page(request, caller, uow)


@router.post("")
def votes_create(
    caller: VotesOffice,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    title: Short = "",
    full_text: Long = "",
    notice_text: Long = "",
    opens_at: Short = "",
    closes_at: Short = "",
    rule: Short = "",
    subject: Short = "face_recognition",
) -> Response:
    """Publish a proposal; a field that cannot be read shows the form again with the reason."""
    check_csrf(request, csrf)
    form = {
        "title": title,
        "full_text": full_text,
        "notice_text": notice_text,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "rule": rule,
        "subject": subject,
    }
    try:
        if rule not in RULES:
            raise FormProblem("Choose which rule decides the vote.")
        if subject not in SUBJECTS:
            raise FormProblem("Choose what the vote decides.")
        fields = {
            "title": title,
            "full_text": full_text,
            "notice_text": notice_text.strip() or NO_NOTICE,
            "opens_at": local_time(opens_at, "Give the start of voting as a date and time."),
            "closes_at": local_time(closes_at, "Give the end of voting as a date and time."),
            "rule": rule,
            "subject": subject,
        }
        created = service.create_proposal(
            uow, caller, fields, minimum_days=app_state.minimum_voting_days(request)
        )
    except FormProblem as problem:
        return _list_page(
            request,
            caller,
            uow,
            status_code=422,
            error=translated(request, problem.msgid),
            form=form,
        )
    except GovernanceError as refused:
        return _list_page(
            request,
            caller,
            uow,
            status_code=422,
            error=refused.message(page_locale(request)),
            form=form,
        )
    return RedirectResponse(f"{_base(caller)}/{created.id}", status_code=303)


def _detail(
    request: Request,
    caller: Caller,
    uow: UowDep,
    proposal_id: uuid.UUID,
    *,
    status_code: int = 200,
    error: str | None = None,
    template: str = "votes_detail.html",
) -> Response:
    found = service.proposal(uow, caller, proposal_id)
    now = app_state.clock(request)()
    context: dict[str, Any] = {
        "proposal": found,
        "window": window_text(found),
        "no_notice": found.notice_text == NO_NOTICE,
        "base": _base(caller),
        "error": error,
        # paper ballots are entered while voting is open, by the committee only
        "may_record": holds(caller.principal, "ballots:record")
        and not found.closed
        and is_between(now, found),
        "window_over": now >= datetime.fromisoformat(found.closes_at),
        "now_input": local_input(now),
    }
    if found.closed:
        context["result"] = service.result_of(uow, caller, proposal_id, page_locale(request))
    else:
        context["counts"] = service.live_counts(uow, caller, proposal_id)
        if context["may_record"]:
            context["roll"] = service.paper_ballot_roll(uow, caller, proposal_id)
            context["entered"] = _paper_entries(uow, caller, proposal_id)
    if holds(caller.principal, "ballots:read"):
        counted = service.ballots(uow, caller, proposal_id).counted
        labels = service.unit_labels(uow, caller)
        staff = service.account_names(uow, [b.recorded_by for b in counted if b.recorded_by])
        context["ballots"] = [
            asdict(ballot)
            | {
                "label": labels.get(ballot.unit_id, ballot.unit_id),
                "staff": staff.get(ballot.recorded_by or "", ""),
                "when": local_text(ballot.cast_at),
            }
            for ballot in counted
        ]
    return render_console(request, caller, uow, template, status_code=status_code, **context)


def _paper_entries(uow: UowDep, caller: Caller, proposal_id: uuid.UUID) -> list[dict[str, Any]]:
    """The paper ballots entered so far, as the committee reads them: number, unit, who, when."""
    entries = service.paper_entries(uow, caller, proposal_id)
    labels = service.unit_labels(uow, caller)
    names = service.account_names(uow, [e.recorded_by for e in entries if e.recorded_by])
    return [
        asdict(entry)
        | {
            "label": labels.get(entry.unit_id, entry.unit_id),
            "member": names.get(entry.recorded_by or "", ""),
            "when": local_text(entry.recorded_at),
        }
        for entry in entries
    ]


@router.get("/{proposal_id}")
def vote_detail(
    proposal_id: uuid.UUID, caller: VotesOffice, request: Request, uow: UowDep
) -> Response:
    """The text, the count so far (figures only), paper ballots, and closing."""
    return _detail(request, caller, uow, proposal_id)


@router.post("/{proposal_id}/paper-ballots")
def paper_ballot(
    proposal_id: uuid.UUID,
    caller: BallotsRecord,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    owner: Short = "",
    choice: Short = "",
    signed_at: Short = "",
    reference: Short = "",
) -> Response:
    """A committee member enters one signed paper ballot with the number on the paper; the
    record names them. A refusal (the unit already voted, the number was entered, the window
    is over) shows the page again with the reason."""
    check_csrf(request, csrf)
    unit_id, _, voter_id = owner.partition("|")
    try:
        if not unit_id or not voter_id:
            raise FormProblem("Choose the unit and the owner who signed the ballot.")
        if choice not in CHOICES:
            raise FormProblem("Choose approve, oppose or abstain.")
        if not reference.strip():
            raise FormProblem("Enter the number printed on the paper ballot.")
        signed = local_time(signed_at, "Give when the ballot was signed as a date and time.")
        service.record_paper(
            uow,
            caller,
            app_state.privacy_kit(request),
            proposal_id,
            unit_id=unit_id,
            voter_id=voter_id,
            choice=choice,
            signed_at=signed,
            reference=reference,
            at=app_state.clock(request)(),
        )
    except FormProblem as problem:
        return _detail(
            request,
            caller,
            uow,
            proposal_id,
            status_code=422,
            error=translated(request, problem.msgid),
        )
    except GovernanceError as refused:
        if refused.code in {"vote_closed", "not_an_owner_of_unit"}:
            raise
        return _detail(
            request,
            caller,
            uow,
            proposal_id,
            status_code=status_of(refused),
            error=refused.message(page_locale(request)),
        )
    return RedirectResponse(f"{_base(caller)}/{proposal_id}?recorded=1", status_code=303)


@router.get("/{proposal_id}/close")
def close_confirm(
    proposal_id: uuid.UUID, caller: VotesOffice, request: Request, uow: UowDep
) -> Response:
    """Closing is final, so it is asked for on a page of its own."""
    return _detail(request, caller, uow, proposal_id, template="votes_close.html")


@router.post("/{proposal_id}/close")
def close(
    proposal_id: uuid.UUID, caller: VotesOffice, request: Request, uow: UowDep, csrf: CsrfField
) -> Response:
    """Count and fix the result; a vote already closed answers with the plain 409 message."""
    check_csrf(request, csrf)
    service.close(
        uow,
        caller,
        app_state.privacy_kit(request),
        proposal_id,
        at=app_state.clock(request)(),
        locale=request_locale(request),
    )
    return RedirectResponse(f"{_base(caller)}/{proposal_id}", status_code=303)
