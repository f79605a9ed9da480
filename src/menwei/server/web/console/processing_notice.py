"""The office publishes and revises the processing notice (处理规则) from the console.

Until a notice is published nobody can be asked for consent, so the office must be able to do
it without the API. The processor's name, contact and responsible person come from the records
(``privacy.publish_notice``); the page words the rest, prefilled from the notice in force or
the shipped defaults. Each publication is a new version; earlier ones stay readable.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from menwei.privacy.errors import PrivacyError
from menwei.server.auth.csrf import check_csrf
from menwei.server.deps import Caller, InCommunity, UowDep
from menwei.server.services import privacy
from menwei.server.services.transparency import local
from menwei.server.web.console.frame import community_zone, render_console
from menwei.server.web.forms import CsrfField, translated
from menwei.server.web.templating import page_locale
from menwei.store.uow import UnitOfWork

PREFIX = "/office/c/{community_id}/notice"
router = APIRouter(prefix=PREFIX, tags=["pages"], include_in_schema=False)

NoticesWrite = Annotated[Caller, Depends(InCommunity("notices:write"))]
Field = Annotated[str, Form(max_length=2000)]

#: The fields the community words itself, in the order of the form.
TEXT_FIELDS = (
    "responsible_contact",
    "supervisor",
    "purpose",
    "method",
    "alternatives",
    "how_to_withdraw",
    "how_to_access",
    "how_to_delete",
)
DAY_FIELDS = ("retention_days", "moved_out_days")


def _current_values(uow: UnitOfWork, caller: Caller) -> dict[str, Any]:
    assert caller.community_id is not None
    found = privacy.notices(uow, caller.community_id)
    if found:
        content = found[0].content
        return {name: getattr(content, name) for name in TEXT_FIELDS + DAY_FIELDS}
    with uow:
        community = uow.places.community(caller.community_id, caller.scope)
        processor = uow.places.processor(community.processor_id)
    return {"responsible_contact": processor.contact, "supervisor": ""} | privacy.DEFAULT_NOTICE


def _page(
    request: Request,
    caller: Caller,
    uow: UnitOfWork,
    *,
    values: dict[str, Any] | None = None,
    problem: str = "",
    done: bool = False,
    status_code: int = 200,
) -> Response:
    assert caller.community_id is not None
    zone = community_zone(uow, caller)
    history = [
        {
            "version": n.version,
            "published": local(n.published_at, zone.key),
            "hash": n.content_hash[:12],
            "text": n.render(page_locale(request)),
        }
        for n in privacy.notices(uow, caller.community_id)
    ]
    return render_console(
        request,
        caller,
        uow,
        "notice_form.html",
        status_code=status_code,
        values=values if values is not None else _current_values(uow, caller),
        history=history,
        problem=problem,
        done=done,
        base=f"/office/c/{caller.community_id}/notice",
        public=f"/c/{caller.community_id}",
    )


@router.get("")
def notice_page(caller: NoticesWrite, request: Request, uow: UowDep, done: str = "") -> Response:
    """The notice in force with its earlier versions, and the form for the next version."""
    return _page(request, caller, uow, done=done == "published")


@router.post("")
def publish(
    caller: NoticesWrite,
    request: Request,
    uow: UowDep,
    csrf: CsrfField,
    responsible_contact: Field = "",
    supervisor: Field = "",
    purpose: Field = "",
    method: Field = "",
    alternatives: Field = "",
    how_to_withdraw: Field = "",
    how_to_access: Field = "",
    how_to_delete: Field = "",
    retention_days: Annotated[str, Form(max_length=10)] = "",
    moved_out_days: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Publish the next version; an empty or void field is named and the form kept as typed."""
    check_csrf(request, csrf)
    texts = {
        "responsible_contact": responsible_contact.strip(),
        "supervisor": supervisor.strip(),
        "purpose": purpose.strip(),
        "method": method.strip(),
        "alternatives": alternatives.strip(),
        "how_to_withdraw": how_to_withdraw.strip(),
        "how_to_access": how_to_access.strip(),
        "how_to_delete": how_to_delete.strip(),
    }
    typed: dict[str, Any] = texts | {
        "retention_days": retention_days,
        "moved_out_days": moved_out_days,
    }
    days: dict[str, int] = {}
    for name, text in (("retention_days", retention_days), ("moved_out_days", moved_out_days)):
        value = text.strip()
        if not value.isdigit() or not 1 <= int(value) <= 3650:
            problem = translated(request, "Keep-for periods are whole days from 1 to 3650.")
            return _page(request, caller, uow, values=typed, problem=problem, status_code=422)
        days[name] = int(value)
    # An emptied field is refused by name rather than silently refilled with the default.
    fields: dict[str, Any] = {k: (v if v else " ") for k, v in texts.items()} | days
    try:
        privacy.publish_notice(uow, caller, fields, at=privacy.now())
    except PrivacyError as refused:
        problem = refused.message(page_locale(request))
        return _page(request, caller, uow, values=typed, problem=problem, status_code=422)
    return RedirectResponse(
        f"/office/c/{caller.community_id}/notice?done=published", status_code=303
    )
