"""Pages anyone may open without signing in: a community's public page, a door's poster, and
the language switch."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from menwei.privacy.audit_head import AuditHead
from menwei.server import app_state
from menwei.server.deps import ReadUowDep, UowDep
from menwei.server.domain.errors import NotFound
from menwei.server.i18n import LOCALES
from menwei.server.privacy_schemas import NoticeOut, PublicSummaryOut
from menwei.server.services import privacy, transparency
from menwei.server.web.templating import LANG_COOKIE, page_locale, render
from menwei.store.scope import CommunityScope

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/lang/{locale}")
def switch_language(locale: str, request: Request, next: str = Query("/")) -> Response:
    """Remember the visitor's language and go back; only local paths are followed."""
    if locale not in LOCALES:
        raise NotFound()
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
        path="/",
    )
    return response


def _public_page_data(uow: UowDep, community_id: uuid.UUID, locale: str) -> dict[str, Any]:
    summary = PublicSummaryOut.of(privacy.public_summary(uow, community_id))
    history = [
        NoticeOut.of(privacy.notice_public(n, locale)) for n in privacy.notices(uow, community_id)
    ]
    return {"summary": summary, "current": history[0] if history else None, "history": history}


def _governance_data(
    uow: UowDep, community_id: uuid.UUID, request: Request, locale: str
) -> dict[str, Any]:
    """The latest vote's figures, the public notices (current and past) and the public Q&A."""
    from dataclasses import asdict

    from menwei.server.services import governance
    from menwei.server.web.governance.votes import local_text

    now = app_state.clock(request)()
    results = governance.public_results(uow, community_id, locale)
    notices = [
        asdict(notice)
        | {
            "taken_down": bool(notice.postings) and all(p.taken_down_at for p in notice.postings),
            "first_posted": local_text(min((p.posted_at for p in notice.postings), default=None)),
        }
        for notice in governance.public_notices(uow, community_id, as_of=now)
    ]
    return {
        "vote_result": results[0] if results else None,
        "current_notices": [n for n in notices if not n["taken_down"]],
        "past_notices": [n for n in notices if n["taken_down"]],
        "public_questions": governance.public_questions(uow, community_id, at=now),
    }


@router.get("/c/{community_id}")
def community_page(community_id: uuid.UUID, request: Request, uow: ReadUowDep) -> Response:
    """What the system is, who runs it, the notice and its history, the filing, the vote,
    the public notices and the residents' public questions with their answers."""
    locale = page_locale(request)
    data = _public_page_data(uow, community_id, locale)
    data |= _governance_data(uow, community_id, request, locale)
    data["audit_head"] = _audit_head(request)
    data["receipt_fingerprint"] = _receipt_fingerprint(request)
    data["faq"] = transparency.answers(uow, community_id, at=app_state.clock(request)())
    return render(request, "public.html", **data)


def _receipt_fingerprint(request: Request) -> str | None:
    """The fingerprint of the key deletion receipts are signed with, printed for residents."""
    from menwei.privacy.errors import PrivacyError
    from menwei.privacy.receipts import key_fingerprint

    try:
        return key_fingerprint(app_state.privacy_kit(request).keys.public_key)
    except PrivacyError:
        return None


def _audit_head(request: Request) -> AuditHead | None:
    """The signed head, witnessed here outside the database; none if unreadable."""
    from menwei.privacy.errors import PrivacyError
    from menwei.store.repositories.audit_head import stored_head

    try:
        return stored_head(app_state.privacy_kit(request).head_file)
    except PrivacyError:
        return None


#: The resident pages the public page points to, by the short name its links use.
RESIDENT_PAGES = {"data": "/my/data", "questions": "/my/questions"}


@router.get("/c/{community_id}/mine/{where}")
async def for_residents(community_id: uuid.UUID, where: str, request: Request) -> Response:
    """A link on the public page to a resident's own page: there once signed in as a resident,
    to sign-in first otherwise, and to their own start page for anyone else (never a 403)."""
    from menwei.server.deps import authenticate
    from menwei.server.domain.errors import ApiError
    from menwei.server.policy import AccountRole
    from menwei.server.web.console.frame import landing_path

    target = RESIDENT_PAGES.get(where)
    if target is None:
        raise NotFound()
    try:
        principal = await authenticate(request)
    except ApiError:
        return RedirectResponse("/signin", status_code=303)
    if principal.role is not AccountRole.RESIDENT:
        target = landing_path(principal.role)
    return RedirectResponse(target, status_code=303)


@router.get("/c/{community_id}/poster/{door_id}")
def door_poster(
    community_id: uuid.UUID, door_id: uuid.UUID, request: Request, uow: ReadUowDep
) -> Response:
    """An A4 poster for one door, with a QR code to the public page, to post at the gate."""
    import segno

    with uow:
        door = uow.places.door(door_id, CommunityScope.of([community_id]))
    data = _public_page_data(uow, community_id, page_locale(request))
    faq = transparency.answers(uow, community_id, at=app_state.clock(request)())
    data["faq"] = faq
    data["ways"] = transparency.door_ways(door)
    data["door_rule"] = next(d for d in faq.tailgating.doors if d.id == str(door.id))
    url = str(request.url_for("community_page", community_id=community_id))
    qr = segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff", omitsize=True)
    return render(request, "poster.html", door=door, public_url=url, qr_svg=qr, **data)
